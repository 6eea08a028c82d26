// commander-agent: configuration from the environment, then sync and report until a signal.
import { startAgent } from './agent.js';
import { loadConfig } from './config.js';
import { credentialsSource } from './credentials.js';
import { createKubeClient, loadKubeConfig } from './kube-client.js';
import { createLogger } from './logger.js';
import { configMapStateStore } from './state-store.js';

const config = loadConfig();
const log = createLogger(config.logLevel);
const kube = createKubeClient(loadKubeConfig(config.kubeconfig, config.isInCluster));
const agent = startAgent({
  kube,
  credentials: credentialsSource({
    kube,
    fromEnv: config.credentials,
    caFile: config.caFile,
    namespace: config.namespace,
    secretName: config.credentialsSecret,
  }),
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

let isStopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (isStopping) {
      return;
    }
    isStopping = true;
    log.info({ signal }, 'stopping');
    agent.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: (error as Error).message }, 'stop failed');
        process.exit(1);
      },
    );
  });
}
