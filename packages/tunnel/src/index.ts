export {
  type AgentLog,
  TunnelAgent,
  type TunnelAgentOptions,
  type TunnelEndpoint,
  type TunnelTarget,
} from './agent.js';
export {
  Connector,
  type ConnectorOptions,
  FORWARD_SECRET_HEADER,
  type Queryable,
} from './connector.js';
export {
  forwardRequest,
  type ForwardTarget,
  forwardUpgrade,
  hasBody,
  writeRaw,
} from './forward.js';
export {
  forwardableHeaders,
  HOP_BY_HOP,
  kubeStatus,
  TUNNEL_UPGRADE,
  TUNNEL_UPGRADED,
} from './headers.js';
export {
  type HubLog,
  Tunnel,
  TUNNEL_HTTP2_SETTINGS,
  TunnelHub,
  type TunnelHubOptions,
  type TunnelRequest,
} from './hub.js';
export { TunnelKeyGuard } from './key-guard.js';
