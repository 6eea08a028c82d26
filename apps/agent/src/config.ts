// Environment configuration of commander-agent; the only reader of process.env.
import { AGENT_CREDENTIALS_SECRET } from '@commander/contracts';
import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? null : value.trim()));

const optionalSeconds = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? null : Number(value)))
  .pipe(z.number().int().positive().max(86_400).nullable());

const seconds = (fallback: number) =>
  z.coerce.number().int().positive().max(86_400).default(fallback);

const envSchema = z
  .object({
    COMMANDER_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).nullable()),
    AGENT_TOKEN: optionalText,
    COMMANDER_CA_FILE: optionalText,
    KUBECONFIG: optionalText,
    KUBERNETES_SERVICE_HOST: optionalText,
    AGENT_NAMESPACE: z.string().min(1).default(AGENT_CREDENTIALS_SECRET.namespace),
    AGENT_CREDENTIALS_SECRET: z.string().min(1).default(AGENT_CREDENTIALS_SECRET.name),
    AGENT_POLL_INTERVAL_SECONDS: optionalSeconds,
    AGENT_TELEMETRY_INTERVAL_SECONDS: optionalSeconds,
    AGENT_STATUS_REFRESH_SECONDS: seconds(300),
    AGENT_REQUEST_TIMEOUT_SECONDS: seconds(15),
    AGENT_BACKOFF_MAX_SECONDS: seconds(300),
    /** The tunnel to Commander's connector (Kubernetes API access for Commander's users). */
    AGENT_TUNNEL: z.enum(['on', 'off']).default('on'),
    /** HTTP proxy for the connection to Commander (https_proxy is read too). */
    HTTPS_PROXY: optionalText,
    https_proxy: optionalText,
    LOG_LEVEL: z
      .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
      .default('info'),
  })
  .refine((env) => (env.COMMANDER_URL === null) === (env.AGENT_TOKEN === null), {
    message: 'set both COMMANDER_URL and AGENT_TOKEN, or neither (then the Secret is read)',
    path: ['COMMANDER_URL'],
  });

/** commander-agent's configuration. */
export type AgentConfig = {
  /**
   * Credentials from the environment; `null` = read the Secret `credentialsSecret` in
   * `namespace` (keys `token`, `commander_url`, optional `ca.crt`).
   */
  credentials: { commanderUrl: string; token: string } | null;
  /** PEM file of extra CAs trusted for Commander's URL. */
  caFile: string | null;
  /** Explicit kubeconfig file; `null` = in-cluster when running in a pod, else the default. */
  kubeconfig: string | null;
  isInCluster: boolean;
  /** The agent's namespace: its state ConfigMap and its credentials Secret live here. */
  namespace: string;
  credentialsSecret: string;
  /** Overrides of the server's `poll_interval_seconds` / `telemetry_interval_seconds`, in ms. */
  pollIntervalMs: number | null;
  telemetryIntervalMs: number | null;
  /** Unchanged results are re-reported at least this often (keeps the sync state fresh). */
  statusRefreshMs: number;
  requestTimeoutMs: number;
  backoffMaxMs: number;
  /** Open the tunnel to the connector. */
  tunnel: boolean;
  /** HTTP proxy for the tunnel (HTTPS_PROXY). */
  proxy: string | null;
  logLevel: string;
};

/**
 * Reads the configuration from the environment.
 *
 * @throws Error listing every invalid variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new Error(`invalid commander-agent configuration:\n${z.prettifyError(result.error)}`);
  }
  const data = result.data;
  return {
    credentials:
      data.COMMANDER_URL !== null && data.AGENT_TOKEN !== null
        ? { commanderUrl: data.COMMANDER_URL, token: data.AGENT_TOKEN }
        : null,
    caFile: data.COMMANDER_CA_FILE,
    kubeconfig: data.KUBECONFIG,
    isInCluster: data.KUBERNETES_SERVICE_HOST !== null,
    namespace: data.AGENT_NAMESPACE,
    credentialsSecret: data.AGENT_CREDENTIALS_SECRET,
    pollIntervalMs:
      data.AGENT_POLL_INTERVAL_SECONDS === null ? null : data.AGENT_POLL_INTERVAL_SECONDS * 1000,
    telemetryIntervalMs:
      data.AGENT_TELEMETRY_INTERVAL_SECONDS === null
        ? null
        : data.AGENT_TELEMETRY_INTERVAL_SECONDS * 1000,
    statusRefreshMs: data.AGENT_STATUS_REFRESH_SECONDS * 1000,
    requestTimeoutMs: data.AGENT_REQUEST_TIMEOUT_SECONDS * 1000,
    backoffMaxMs: data.AGENT_BACKOFF_MAX_SECONDS * 1000,
    tunnel: data.AGENT_TUNNEL === 'on',
    proxy: data.HTTPS_PROXY ?? data.https_proxy,
    logLevel: data.LOG_LEVEL,
  };
}
