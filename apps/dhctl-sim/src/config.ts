// Environment configuration of the simulator process; the only reader of process.env.
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const optionalPath = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? null : value.trim()));

const envSchema = z
  .object({
    /** Set by `pnpm start`: the simulator stops when its supervisor is gone. */
    COMMANDER_SUPERVISOR_PID: z.coerce.number().int().optional(),
    DHCTL_SIM_GRPC_PORT: port(9090),
    DHCTL_SIM_HTTP_PORT: port(9091),
    DHCTL_SIM_HOST: z.string().min(1).default('127.0.0.1'),
    DHCTL_SIM_PHASE_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(400),
    DHCTL_SIM_STATE_FILE: z
      .string()
      .optional()
      .transform((value) => (value === undefined || value.trim() === '' ? null : value)),
    DHCTL_SIM_VERSION: z.string().min(1).default('dhctl-sim'),
    DHCTL_SIM_PARALLEL_TASKS_LIMIT: z.coerce.number().int().min(1).max(10_000).default(64),
    DHCTL_SIM_AGENTS: z.enum(['on', 'off']).default('on'),
    /** Simulated agents open the tunnel to Commander's connector (kube-sim behind it). */
    DHCTL_SIM_TUNNELS: z.enum(['on', 'off']).default('on'),
    DHCTL_SIM_AGENT_POLL_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
    DHCTL_SIM_TELEMETRY_MS: z.coerce.number().int().min(10).max(3_600_000).default(15_000),
    DHCTL_SIM_TLS_CERT_FILE: optionalPath,
    DHCTL_SIM_TLS_KEY_FILE: optionalPath,
    DHCTL_SIM_TLS_CLIENT_CA_FILE: optionalPath,
    DHCTL_SIM_DEBUG_CONFIG_LOGS: z
      .enum(['true', 'false', ''])
      .optional()
      .transform((value) => value === 'true'),
    DHCTL_SIM_COMMANDER_URL: z
      .string()
      .optional()
      .transform((value) => (value === undefined || value.trim() === '' ? null : value.trim()))
      .pipe(z.url({ protocol: /^https?$/ }).nullable()),
  })
  .refine(
    (env) => (env.DHCTL_SIM_TLS_CERT_FILE === null) === (env.DHCTL_SIM_TLS_KEY_FILE === null),
    { message: 'DHCTL_SIM_TLS_CERT_FILE and DHCTL_SIM_TLS_KEY_FILE go together' },
  )
  .refine(
    (env) => env.DHCTL_SIM_TLS_CLIENT_CA_FILE === null || env.DHCTL_SIM_TLS_CERT_FILE !== null,
    { message: 'DHCTL_SIM_TLS_CLIENT_CA_FILE (mTLS) needs DHCTL_SIM_TLS_CERT_FILE and _KEY_FILE' },
  );

/** The simulator's configuration. */
export type SimConfig = {
  supervisorPid: number | undefined;
  host: string;
  grpcPort: number;
  httpPort: number;
  phaseDelayMs: number;
  stateFile: string | null;
  version: string;
  parallelTasksLimit: number;
  /** Whether simulated commander-agents run (DHCTL_SIM_AGENTS=on|off). */
  agents: boolean;
  /** Whether simulated agents open connector tunnels (DHCTL_SIM_TUNNELS=on|off). */
  tunnels: boolean;
  agentPollMs: number;
  agentTelemetryMs: number;
  /** Replaces the origin of the agents' Commander URL, or `null`. */
  commanderUrl: string | null;
  /** TLS files of the gRPC server (`null`: plaintext); `clientCaFile` requires client certs. */
  tls: { certFile: string; keyFile: string; clientCaFile: string | null } | null;
  /** Echo each operation's configuration into its log (secrets included). */
  debugConfigLogs: boolean;
};

/**
 * Reads the configuration from the environment.
 *
 * @throws Error listing every invalid variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SimConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new Error(`invalid dhctl-sim configuration:\n${z.prettifyError(result.error)}`);
  }
  const data = result.data;
  return {
    supervisorPid: data.COMMANDER_SUPERVISOR_PID,
    host: data.DHCTL_SIM_HOST,
    grpcPort: data.DHCTL_SIM_GRPC_PORT,
    httpPort: data.DHCTL_SIM_HTTP_PORT,
    phaseDelayMs: data.DHCTL_SIM_PHASE_DELAY_MS,
    stateFile: data.DHCTL_SIM_STATE_FILE,
    version: data.DHCTL_SIM_VERSION,
    parallelTasksLimit: data.DHCTL_SIM_PARALLEL_TASKS_LIMIT,
    agents: data.DHCTL_SIM_AGENTS === 'on',
    tunnels: data.DHCTL_SIM_TUNNELS === 'on',
    agentPollMs: data.DHCTL_SIM_AGENT_POLL_MS,
    agentTelemetryMs: data.DHCTL_SIM_TELEMETRY_MS,
    commanderUrl: data.DHCTL_SIM_COMMANDER_URL,
    tls:
      data.DHCTL_SIM_TLS_CERT_FILE && data.DHCTL_SIM_TLS_KEY_FILE
        ? {
            certFile: data.DHCTL_SIM_TLS_CERT_FILE,
            keyFile: data.DHCTL_SIM_TLS_KEY_FILE,
            clientCaFile: data.DHCTL_SIM_TLS_CLIENT_CA_FILE,
          }
        : null,
    debugConfigLogs: data.DHCTL_SIM_DEBUG_CONFIG_LOGS,
  };
}
