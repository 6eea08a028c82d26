// The agent's tunnel to Commander's connector: one outbound WebSocket (agent key, through
// HTTPS_PROXY when set) carrying HTTP/2; every request the connector sends down it goes to this
// cluster's kube-apiserver with the agent's own credential (from the same kubeconfig the agent
// uses: in-cluster service account, file or defaults) plus the impersonation headers Commander set.
import type https from 'node:https';

import { TunnelAgent } from '@commander/tunnel';
import type { KubeConfig } from '@kubernetes/client-node';

import type { CredentialsSource } from './credentials.js';
import type { Logger } from './logger.js';

export type AgentTunnelOptions = {
  kubeConfig: KubeConfig;
  credentials: CredentialsSource;
  /** HTTP proxy for the connection to Commander (HTTPS_PROXY). */
  proxy?: string | null;
  log: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
};

/** The WebSocket URL of the tunnel from the agent API base (`…/agent_api/<uuid>`). */
export function tunnelUrl(commanderUrl: string): string {
  const url = new URL(commanderUrl.replace(/\/+$/, '') + '/tunnel');
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** The kube-apiserver's address and the agent's credential there, as the kubeconfig says. */
async function kubeTarget(kc: KubeConfig) {
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error('the kubeconfig names no current cluster');
  }
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const headers = (opts.headers ?? {}) as Record<string, string | undefined>;
  const auth = headers.Authorization ?? headers.authorization;
  return {
    baseUrl: cluster.server,
    token: auth?.startsWith('Bearer ') ? auth.slice(7) : null,
    ca: opts.ca as string | Buffer | undefined,
    cert: opts.cert as string | Buffer | undefined,
    key: opts.key as string | Buffer | undefined,
    rejectUnauthorized: !cluster.skipTLSVerify,
  };
}

/** Opens the tunnel and keeps it open until `stop()`. */
export async function startAgentTunnel(options: AgentTunnelOptions): Promise<TunnelAgent> {
  const target = await kubeTarget(options.kubeConfig);
  let token = target.token;
  const tunnel = new TunnelAgent({
    endpoint: async () => {
      const c = await options.credentials.get();
      // Service account tokens rotate: read the kubeconfig's credential again per connection.
      token = (await kubeTarget(options.kubeConfig)).token;
      return { url: tunnelUrl(c.commanderUrl), key: c.token, ca: c.ca };
    },
    target: { ...target, token: () => token },
    proxy: options.proxy ?? null,
    minBackoffMs: options.minBackoffMs,
    maxBackoffMs: options.maxBackoffMs,
    log: options.log,
  });
  // Refresh the credential while connected too (projected tokens live about an hour).
  const refresh = setInterval(() => {
    kubeTarget(options.kubeConfig).then(
      (t) => {
        token = t.token;
      },
      () => undefined,
    );
  }, 60_000);
  refresh.unref();
  const stop = tunnel.stop.bind(tunnel);
  tunnel.stop = () => {
    clearInterval(refresh);
    stop();
  };
  tunnel.start();
  return tunnel;
}
