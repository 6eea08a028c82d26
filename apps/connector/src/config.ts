import { z } from 'zod';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const EnvSchema = z.object({
  COMMANDER_SUPERVISOR_PID: z.coerce.number().int().optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  /** Where agents' tunnels arrive (`/agent_api/<cluster uuid>/tunnel`). */
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  /** The internal listener the API replicas forward Kubernetes requests to. */
  COMMANDER_CONNECTOR_INTERNAL_HOST: z.string().default('0.0.0.0'),
  COMMANDER_CONNECTOR_INTERNAL_PORT: z.coerce.number().int().min(0).max(65535).default(8091),
  COMMANDER_CONNECTOR_ADVERTISE_URL: optional,
  COMMANDER_CONNECTOR_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** Seconds an agent key is trusted from the cache (changes also arrive by LISTEN at once). */
  AGENT_KEY_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3_600).default(300),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type ConnectorConfig = {
  supervisorPid: number | undefined;
  databaseUrl: string;
  host: string;
  port: number;
  internal: { host: string; port: number; advertiseUrl?: string; secret: string };
  agentKeyCacheTtlMs: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
};

/** The connector's configuration, from the environment (the only reader of process.env). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ConnectorConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  return {
    supervisorPid: e.COMMANDER_SUPERVISOR_PID,
    databaseUrl: e.DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    internal: {
      host: e.COMMANDER_CONNECTOR_INTERNAL_HOST,
      port: e.COMMANDER_CONNECTOR_INTERNAL_PORT,
      ...(e.COMMANDER_CONNECTOR_ADVERTISE_URL
        ? { advertiseUrl: e.COMMANDER_CONNECTOR_ADVERTISE_URL }
        : {}),
      secret: e.COMMANDER_CONNECTOR_SECRET,
    },
    agentKeyCacheTtlMs: e.AGENT_KEY_CACHE_TTL_SECONDS * 1000,
    logLevel: e.LOG_LEVEL,
  };
}
