import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { BOOTSTRAP_TOKEN_MIN_LENGTH } from '@commander/core';
import { z } from 'zod';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const EnvSchema = z.object({
  /** Set by `pnpm start`: the process stops when its supervisor is gone. */
  COMMANDER_SUPERVISOR_PID: z.coerce.number().int().optional(),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  /** Public URL of this Commander (template variable dc_domain is its host). */
  COMMANDER_PUBLIC_URL: z.url().default('http://localhost:8080'),
  /** Base64 PEM bundle the agents trust (dc_caBundle). */
  COMMANDER_CA_BUNDLE: z.string().default(''),
  /** commander-agent image installed into clusters; unset: only its namespace and credentials. */
  COMMANDER_AGENT_IMAGE: optional,
  COMMANDER_ADMIN_EMAIL: optional,
  COMMANDER_ADMIN_PASSWORD: optional,
  COMMANDER_BOOTSTRAP_TOKEN: optional.refine(
    (v) => v === undefined || v.length >= BOOTSTRAP_TOKEN_MIN_LENGTH,
    `must be at least ${BOOTSTRAP_TOKEN_MIN_LENGTH} characters (it is a full-rights global token; e.g. openssl rand -hex 32)`,
  ),
  ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: optional,
  /** Older primary keys, comma-separated, still accepted for decryption (rotation). */
  ACTIVE_RECORD_ENCRYPTION_PREVIOUS_PRIMARY_KEYS: optional,
  ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: optional,
  ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: optional,
  /** Key file used when the three variables are unset; generated on first start. */
  COMMANDER_KEY_FILE: z.string().default(path.join(REPO_ROOT, '.data/encryption-keys.json')),
  /** Built web app served at `/` (apps/web/dist). */
  COMMANDER_WEB_DIST: z.string().default(path.join(REPO_ROOT, 'apps/web/dist')),
  /** Secure cookies (HTTPS); defaults to true when the public URL is https. */
  COMMANDER_SECURE_COOKIES: z.enum(['true', 'false']).optional(),
  /** Trust X-Forwarded-* from a reverse proxy (client address for audit and rate limits). */
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  /** Bearer token that may read /metrics (Prometheus scraper). */
  COMMANDER_METRICS_TOKEN: optional.refine(
    (v) => v === undefined || v.length >= 32,
    'must be at least 32 characters',
  ),
  /** /metrics without credentials (only behind a network you trust). */
  COMMANDER_METRICS_PUBLIC: z.enum(['true', 'false']).default('false'),
  /** Sign-in attempts per minute per client address. */
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  /** Template evaluation steps per render (all sections of one configuration share them). */
  RENDER_MAX_STEPS: z.coerce.number().int().min(1).default(1_000_000),
  /** Wall-clock time per render, in milliseconds. */
  RENDER_TIMEOUT_MS: z.coerce.number().int().min(1).default(2_000),
  /** Rendered output per render (all sections), in characters; also caps intermediate strings. */
  RENDER_MAX_OUTPUT_LENGTH: z.coerce
    .number()
    .int()
    .min(1)
    .default(4 * 1024 * 1024),
  /** Length of until/untilStep/seq lists, repeat counts and ranged lists. */
  RENDER_MAX_RANGE: z.coerce.number().int().min(1).default(100_000),
  /** `template` nesting depth. */
  RENDER_MAX_DEPTH: z.coerce.number().int().min(1).default(1_000),
  /** Render worker threads. */
  RENDER_WORKERS: z.coerce.number().int().min(1).default(2),
  /** V8 heap cap per render worker, in MiB. */
  RENDER_HEAP_MB: z.coerce.number().int().min(16).default(256),
  /** Render previews (POST /api/v1/render) per minute per principal. */
  RENDER_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
  /** Webhook URLs may name private, loopback and link-local addresses (SSRF guard off). */
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false', '']).default('false'),
  /**
   * Telemetry write-behind: while a batch is being written, how long the next one waits for
   * more samples, in ms (an idle writer writes at once).
   */
  TELEMETRY_FLUSH_MS: z.coerce.number().int().min(0).max(1_000).default(10),
  /** Telemetry samples per batch (one INSERT) at most. */
  TELEMETRY_MAX_BATCH: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Telemetry samples accepted but not yet committed, at most; beyond it agents get 503. */
  TELEMETRY_MAX_PENDING: z.coerce.number().int().min(1).default(10_000),
  /** Telemetry batches written at once (each on its own connection of the agent pool). */
  TELEMETRY_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(16).default(4),
  /** Seconds an agent's key hashes are served from the cache without asking PostgreSQL. */
  AGENT_KEY_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3_600).default(300),
  /** Password sign-in: everyone (on), global administrators only (break-glass), or nobody. */
  COMMANDER_LOCAL_LOGIN: z.enum(['on', 'admin-only', 'off']).default('on'),
  /** One OpenID provider (several: OIDC_PROVIDERS). */
  OIDC_ISSUER_URL: optional,
  OIDC_CLIENT_ID: optional,
  OIDC_CLIENT_SECRET: optional,
  OIDC_SCOPES: optional,
  OIDC_GROUPS_CLAIM: optional,
  OIDC_SUBJECT_CLAIM: optional,
  OIDC_EMAIL_CLAIM: optional,
  OIDC_NAME_CLAIM: optional,
  /** Id of the single provider (names its groups; `?provider=`); default `oidc`. */
  OIDC_PROVIDER_ID: optional,
  /** Shown on the sign-in page as "Sign in with <name>"; default `SSO`. */
  OIDC_PROVIDER_NAME: optional,
  /** Link a first sign-in to the local account with the same, verified, email. */
  OIDC_LINK_BY_EMAIL: z.enum(['true', 'false']).default('false'),
  /** JSON array of providers (see README, "Single sign-on"). */
  OIDC_PROVIDERS: optional,
  /**
   * Several API/connector replicas: the internal listener other replicas forward Kubernetes
   * requests to (port; unset = one replica, no forwarding), its bind address, the URL the others
   * reach it at, and the secret they share (at least 32 characters).
   */
  COMMANDER_CONNECTOR_INTERNAL_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  COMMANDER_CONNECTOR_INTERNAL_HOST: z.string().default('127.0.0.1'),
  COMMANDER_CONNECTOR_ADVERTISE_URL: optional,
  COMMANDER_CONNECTOR_SECRET: optional.refine(
    (v) => v === undefined || v.length >= 32,
    'must be at least 32 characters',
  ),
  /**
   * HTTPS on a second port (kubectl sends its token only over HTTPS): the port, and the PEM
   * certificate and key files (a self-signed pair is generated there on a first start).
   */
  COMMANDER_TLS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  COMMANDER_TLS_CERT_FILE: z.string().default(path.join(REPO_ROOT, '.data/tls/cert.pem')),
  COMMANDER_TLS_KEY_FILE: z.string().default(path.join(REPO_ROOT, '.data/tls/key.pem')),
  /** The server a downloaded kubeconfig names (default: see kubeconfigServer in tls.ts). */
  COMMANDER_KUBECONFIG_SERVER_URL: optional.refine(
    (v) => v === undefined || (URL.canParse(v) && v.startsWith('https://')),
    'must be an https:// URL (kubectl sends tokens only over HTTPS)',
  ),
  /** Lifetime of a downloaded kubeconfig's credential, in hours (default 8). */
  COMMANDER_KUBECONFIG_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(8),
});

const ProviderId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, - and _')
  .refine((v) => v !== 'local', '`local` names the local groups');

const ProviderSchema = z.strictObject({
  id: ProviderId,
  name: z.string().min(1).max(100),
  issuer: z.url(),
  client_id: z.string().min(1),
  client_secret: z.string().min(1).optional(),
  scopes: z.string().default('openid email profile groups'),
  groups_claim: z.string().min(1).default('groups'),
  subject_claim: z.string().min(1).default('sub'),
  email_claim: z.string().min(1).default('email'),
  name_claim: z.string().min(1).default('name'),
  link_by_email: z.boolean().default(false),
});

/** One configured OpenID provider. */
export type OidcProviderConfig = {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  scopes: string;
  claims: { subject: string; email: string; name: string; groups: string };
  linkByEmail: boolean;
};

function oidcProviders(e: z.infer<typeof EnvSchema>): OidcProviderConfig[] {
  const raw: unknown[] = [];
  if (e.OIDC_PROVIDERS) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(e.OIDC_PROVIDERS);
    } catch {
      throw new Error('Invalid configuration: OIDC_PROVIDERS is not JSON');
    }
    if (!Array.isArray(parsed)) {
      throw new Error('Invalid configuration: OIDC_PROVIDERS must be a JSON array');
    }
    raw.push(...(parsed as unknown[]));
  }
  if (e.OIDC_ISSUER_URL || e.OIDC_CLIENT_ID) {
    raw.push({
      id: e.OIDC_PROVIDER_ID ?? 'oidc',
      name: e.OIDC_PROVIDER_NAME ?? 'SSO',
      issuer: e.OIDC_ISSUER_URL,
      client_id: e.OIDC_CLIENT_ID,
      client_secret: e.OIDC_CLIENT_SECRET,
      ...(e.OIDC_SCOPES ? { scopes: e.OIDC_SCOPES } : {}),
      ...(e.OIDC_GROUPS_CLAIM ? { groups_claim: e.OIDC_GROUPS_CLAIM } : {}),
      ...(e.OIDC_SUBJECT_CLAIM ? { subject_claim: e.OIDC_SUBJECT_CLAIM } : {}),
      ...(e.OIDC_EMAIL_CLAIM ? { email_claim: e.OIDC_EMAIL_CLAIM } : {}),
      ...(e.OIDC_NAME_CLAIM ? { name_claim: e.OIDC_NAME_CLAIM } : {}),
      link_by_email: e.OIDC_LINK_BY_EMAIL === 'true',
    });
  }
  const out: OidcProviderConfig[] = [];
  for (const [i, item] of raw.entries()) {
    const p = ProviderSchema.safeParse(item);
    if (!p.success) {
      throw new Error(
        `Invalid configuration: OpenID provider #${i + 1}:\n${z.prettifyError(p.error)}`,
      );
    }
    const v = p.data;
    if (out.some((o) => o.id === v.id)) {
      throw new Error(`Invalid configuration: two OpenID providers are named ${v.id}`);
    }
    if (!v.scopes.split(/\s+/).includes('openid')) {
      throw new Error(`Invalid configuration: OpenID provider ${v.id}: scopes must include openid`);
    }
    out.push({
      id: v.id,
      name: v.name,
      issuer: v.issuer,
      clientId: v.client_id,
      clientSecret: v.client_secret,
      scopes: v.scopes,
      claims: {
        subject: v.subject_claim,
        email: v.email_claim,
        name: v.name_claim,
        groups: v.groups_claim,
      },
      linkByEmail: v.link_by_email,
    });
  }
  return out;
}

export type Config = {
  supervisorPid: number | undefined;
  host: string;
  port: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  databaseUrl: string;
  publicUrl: string;
  caBundle: string;
  agentImage: string | null;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  bootstrapToken: string | undefined;
  encryption: {
    primaryKey: string | undefined;
    previousPrimaryKeys: string[];
    deterministicKey: string | undefined;
    keyDerivationSalt: string | undefined;
    keyFile: string;
  };
  webDist: string;
  secureCookies: boolean;
  trustProxy: boolean;
  loginRateLimit: number;
  metricsToken: string | undefined;
  metricsPublic: boolean;
  webhooks: { allowPrivateTargets: boolean };
  render: {
    maxSteps: number;
    timeoutMs: number;
    maxOutputLength: number;
    maxRange: number;
    maxDepth: number;
    workers: number;
    heapMb: number;
    rateLimit: number;
  };
  telemetry: { flushMs: number; maxBatch: number; maxPending: number; maxInFlight: number };
  agentKeyCacheTtlMs: number;
  localLogin: 'on' | 'admin-only' | 'off';
  oidcProviders: OidcProviderConfig[];
  /** The HTTPS listener on a second port, or null. */
  tls: { port: number; certFile: string; keyFile: string } | null;
  connector: {
    internal: { host: string; port: number; advertiseUrl?: string; secret: string } | null;
    kubeconfigTtlMs: number;
    kubeconfigServerUrl: string | undefined;
  };
};

/** Parses the environment once, at start-up; the only reader of process.env in the API. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  return {
    supervisorPid: e.COMMANDER_SUPERVISOR_PID,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    publicUrl: e.COMMANDER_PUBLIC_URL,
    caBundle: e.COMMANDER_CA_BUNDLE,
    agentImage: e.COMMANDER_AGENT_IMAGE ?? null,
    adminEmail: e.COMMANDER_ADMIN_EMAIL,
    adminPassword: e.COMMANDER_ADMIN_PASSWORD,
    bootstrapToken: e.COMMANDER_BOOTSTRAP_TOKEN,
    encryption: {
      primaryKey: e.ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY,
      previousPrimaryKeys: (e.ACTIVE_RECORD_ENCRYPTION_PREVIOUS_PRIMARY_KEYS ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
      deterministicKey: e.ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY,
      keyDerivationSalt: e.ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT,
      keyFile: e.COMMANDER_KEY_FILE,
    },
    webDist: e.COMMANDER_WEB_DIST,
    secureCookies: e.COMMANDER_SECURE_COOKIES
      ? e.COMMANDER_SECURE_COOKIES === 'true'
      : e.COMMANDER_PUBLIC_URL.startsWith('https:'),
    trustProxy: e.TRUST_PROXY === 'true',
    loginRateLimit: e.LOGIN_RATE_LIMIT,
    metricsToken: e.COMMANDER_METRICS_TOKEN,
    metricsPublic: e.COMMANDER_METRICS_PUBLIC === 'true',
    webhooks: { allowPrivateTargets: e.WEBHOOKS_ALLOW_PRIVATE_TARGETS === 'true' },
    render: {
      maxSteps: e.RENDER_MAX_STEPS,
      timeoutMs: e.RENDER_TIMEOUT_MS,
      maxOutputLength: e.RENDER_MAX_OUTPUT_LENGTH,
      maxRange: e.RENDER_MAX_RANGE,
      maxDepth: e.RENDER_MAX_DEPTH,
      workers: e.RENDER_WORKERS,
      heapMb: e.RENDER_HEAP_MB,
      rateLimit: e.RENDER_RATE_LIMIT,
    },
    telemetry: {
      flushMs: e.TELEMETRY_FLUSH_MS,
      maxBatch: e.TELEMETRY_MAX_BATCH,
      maxPending: e.TELEMETRY_MAX_PENDING,
      maxInFlight: e.TELEMETRY_MAX_IN_FLIGHT,
    },
    agentKeyCacheTtlMs: e.AGENT_KEY_CACHE_TTL_SECONDS * 1000,
    localLogin: e.COMMANDER_LOCAL_LOGIN,
    oidcProviders: oidcProviders(e),
    tls:
      e.COMMANDER_TLS_PORT === undefined
        ? null
        : {
            port: e.COMMANDER_TLS_PORT,
            certFile: e.COMMANDER_TLS_CERT_FILE,
            keyFile: e.COMMANDER_TLS_KEY_FILE,
          },
    connector: {
      internal: connectorInternal(e),
      kubeconfigTtlMs: e.COMMANDER_KUBECONFIG_TTL_HOURS * 3_600_000,
      kubeconfigServerUrl: e.COMMANDER_KUBECONFIG_SERVER_URL,
    },
  };
}

function connectorInternal(e: z.infer<typeof EnvSchema>): Config['connector']['internal'] {
  if (e.COMMANDER_CONNECTOR_INTERNAL_PORT === undefined) {
    return null;
  }
  if (!e.COMMANDER_CONNECTOR_SECRET) {
    throw new Error(
      'Invalid configuration: COMMANDER_CONNECTOR_INTERNAL_PORT needs COMMANDER_CONNECTOR_SECRET (at least 32 characters, the same on every replica)',
    );
  }
  return {
    host: e.COMMANDER_CONNECTOR_INTERNAL_HOST,
    port: e.COMMANDER_CONNECTOR_INTERNAL_PORT,
    ...(e.COMMANDER_CONNECTOR_ADVERTISE_URL
      ? { advertiseUrl: e.COMMANDER_CONNECTOR_ADVERTISE_URL }
      : {}),
    secret: e.COMMANDER_CONNECTOR_SECRET,
  };
}
