// commander-agent: configuration from the environment, then sync and report until a signal.
import { startAgent } from './agent.js';
import { loadConfig } from './config.js';
import { credentialsSource } from './credentials.js';
import { createKubeClient, loadKubeConfig } from './kube-client.js';
import { createLogger } from './logger.js';
import { configMapStateStore } from './state-store.js';
import { startAgentTunnel } from './tunnel.js';

const config = loadConfig();
const log = createLogger(config.logLevel);
const kubeConfig = loadKubeConfig(config.kubeconfig, config.isInCluster);
const kube = createKubeClient(kubeConfig);
const credentials = credentialsSource({
  kube,
  fromEnv: config.credentials,
  caFile: config.caFile,
  namespace: config.namespace,
  secretName: config.credentialsSecret,
});
const agent = startAgent({
  kube,
  credentials,
  state: configMapStateStore(kube, config.namespace),
  log,
  pollIntervalMs: config.pollIntervalMs,
  telemetryIntervalMs: config.telemetryIntervalMs,
  statusRefreshMs: config.statusRefreshMs,
  requestTimeoutMs: config.requestTimeoutMs,
  backoffMaxMs: config.backoffMaxMs,
});
log.info(
  {
    namespace: config.namespace,
    credentials: config.credentials
      ? 'environment'
      : `Secret ${config.namespace}/${config.credentialsSecret}`,
  },
  'commander-agent started',
);

// Commander's users reach this cluster's Kubernetes API through this tunnel (impersonated).
const tunnel = config.tunnel
  ? await startAgentTunnel({ kubeConfig, credentials, proxy: config.proxy, log })
  : null;

let isStopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (isStopping) {
      return;
    }
    isStopping = true;
    log.info({ signal }, 'stopping');
    tunnel?.stop();
    agent.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: (error as Error).message }, 'stop failed');
        process.exit(1);
      },
    );
  });
}
