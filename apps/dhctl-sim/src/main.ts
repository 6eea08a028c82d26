// The simulator process: configuration from the environment, then serve until a signal.
import { stopWhenSupervisorDies } from '@commander/process';

import { loadConfig } from './config.js';
import { startDhctlSim } from './sim.js';
import { loadSimTls } from './tls.js';

const config = loadConfig();
const sim = await startDhctlSim({
  host: config.host,
  grpcPort: config.grpcPort,
  httpPort: config.httpPort,
  phaseDelayMs: config.phaseDelayMs,
  stateFile: config.stateFile,
  version: config.version,
  parallelTasksLimit: config.parallelTasksLimit,
  agents: config.agents,
  tunnels: config.tunnels,
  agentPollMs: config.agentPollMs,
  agentTelemetryMs: config.agentTelemetryMs,
  commanderUrl: config.commanderUrl,
  tls: loadSimTls(config.tls),
  debugConfigLogs: config.debugConfigLogs,
  log: (message) => console.log(`[dhctl-sim] ${message}`),
});
console.log(
  `[dhctl-sim] ${config.version}: gRPC on ${sim.grpcAddress}, control API on ${sim.httpUrl ?? '(disabled)'}, ` +
    `phase delay ${config.phaseDelayMs} ms, ${sim.clusters.list().length} virtual clusters, ` +
    (config.agents
      ? `agents on (poll ${config.agentPollMs} ms, telemetry ${config.agentTelemetryMs} ms` +
        (config.commanderUrl ? `, Commander at ${config.commanderUrl})` : ')')
      : 'agents off') +
    (config.stateFile ? ` (state file ${config.stateFile})` : '') +
    (config.tls
      ? `, TLS${config.tls.clientCaFile ? ' with client certificates (mTLS)' : ''}`
      : ', plaintext gRPC') +
    (config.debugConfigLogs ? ', configuration echoed into operation logs (debug)' : ''),
);

let isStopping = false;
// Under `pnpm start`: stop when the supervising start script is gone (never linger as an orphan).
stopWhenSupervisorDies(config.supervisorPid, () => process.kill(process.pid, 'SIGTERM'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (isStopping) {
      return;
    }
    isStopping = true;
    console.log(`[dhctl-sim] ${signal}: stopping`);
    sim.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
