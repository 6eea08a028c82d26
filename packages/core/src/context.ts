import type { TemplateSections } from '@commander/contracts';
import type { Encryptor } from '@commander/crypto';
import type { Db } from '@commander/db';
import type { RenderLimits, RenderResult, SpecialVariables } from '@commander/renderer';

/** Minimal structured logger (pino-compatible subset). */
export type Logger = {
  info: (obj: object | string, msg?: string) => void;
  warn: (obj: object | string, msg?: string) => void;
  error: (obj: object | string, msg?: string) => void;
  debug: (obj: object | string, msg?: string) => void;
};

/** Encryption at rest (Rails Active Record format): the one type, packages/crypto's. */
export type { Encryptor } from '@commander/crypto';

/** Who is acting: recorded in audit events and operations. */
export type Actor = {
  type: 'user' | 'auth_token' | 'system' | 'agent';
  /** User, token or cluster id; null for the system. */
  id: string | null;
  /** Email, token name or "system". */
  name: string;
};

/** The workspace a workspace-scoped call works in. */
export type WorkspaceRef = { id: string; slug: string };

/** Facts about this installation that templates and dhctl need. */
export type InstanceInfo = {
  /** Commander's public host (template variable dc_domain). */
  publicHost: string;
  /** Commander's public URL (agents reach the agent API under it). */
  publicUrl: string;
  /** Base64 CA bundle agents trust (dc_caBundle); empty when not configured. */
  caBundle: string;
  /** This installation's UUID (dhctl's commander_uuid). */
  commanderUuid: string;
  /**
   * The commander-agent image installed into clusters (COMMANDER_AGENT_IMAGE). When set, the
   * `commander-agent` resource group carries the agent's Deployment, ServiceAccount and RBAC;
   * when absent, only its namespace and credentials (the agent is deployed some other way).
   */
  agentImage?: string | null;
};

/**
 * Renders configurations somewhere else than the calling thread (the API's worker pool,
 * `@commander/core/render-pool`), within `limits`.
 */
export type ConfigurationRenderer = {
  readonly limits: Readonly<RenderLimits>;
  render: (
    sections: TemplateSections,
    values: Record<string, unknown>,
    specials: SpecialVariables,
  ) => Promise<RenderResult>;
};

/** Writes one audit line to stdout (tagged ["audit"]); injected so tests can capture it. */
export type AuditSink = (line: Record<string, unknown>) => void;

/**
 * Everything a use case needs; built per request by the API's auth plugin and per job by the
 * manager. Use cases never read process.env, Fastify or globals.
 */
export type ServiceContext = {
  db: Db;
  actor: Actor;
  /** The current workspace of workspace-scoped calls; null on global calls. */
  workspace: WorkspaceRef | null;
  /** Effective permissions of the actor (global ones plus those in `workspace`). */
  permissions: ReadonlySet<string>;
  log: Logger;
  encryptor: Encryptor;
  instance: InstanceInfo;
  auditSink: AuditSink;
  /**
   * Where renders run. The API passes its render pool (off the event loop); without one
   * (manager, scripts, tests) renders run in-process within `renderLimits`.
   */
  renderer?: ConfigurationRenderer | undefined;
  /** Limits of in-process renders (default: the renderer's defaults). */
  renderLimits?: Partial<RenderLimits> | undefined;
  requestId?: string | undefined;
  remoteAddress?: string | undefined;
};

/** A logger that drops everything (tests, scripts). */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
