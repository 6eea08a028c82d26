// Where the agent's Commander URL and agent key come from: the environment, or the Secret
// `d8-commander-agent/commander-agent-credentials` that Commander installs with the agent.
import { readFile } from 'node:fs/promises';

import type { KubeClient } from './kube-client.js';

/** What the agent needs to talk to Commander. */
export type AgentCredentials = {
  /** Agent API base, `…/agent_api/<cluster uuid>`. */
  commanderUrl: string;
  token: string;
  /** Extra CA (PEM) trusted for `commanderUrl`, or `null`. */
  ca: string | null;
};

/** Supplies credentials; `invalidate()` makes the next `get()` read them again. */
export type CredentialsSource = {
  get(): Promise<AgentCredentials>;
  invalidate(): void;
};

function decode(data: Record<string, unknown> | undefined, key: string): string | null {
  const value = data?.[key];
  if (typeof value !== 'string' || value === '') {
    return null;
  }
  return Buffer.from(value, 'base64').toString('utf8').trim();
}

/**
 * Reads the credentials Secret (`token`, `commander_url`, optional `ca.crt`; `data` is
 * base64, `stringData` is accepted too for hand-made Secrets).
 *
 * @throws Error when the Secret is missing or incomplete.
 */
export async function readCredentialsSecret(
  kube: KubeClient,
  namespace: string,
  name: string,
): Promise<AgentCredentials> {
  const secret = (await kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name })) as {
    data?: Record<string, unknown>;
    stringData?: Record<string, unknown>;
  } | null;
  if (!secret) {
    throw new Error(`Secret ${namespace}/${name} not found: no credentials for Commander`);
  }
  const plain = (key: string) => {
    const value = secret.stringData?.[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
  };
  const token = decode(secret.data, 'token') ?? plain('token');
  const commanderUrl = decode(secret.data, 'commander_url') ?? plain('commander_url');
  if (!token || !commanderUrl) {
    throw new Error(`Secret ${namespace}/${name} lacks "token" or "commander_url"`);
  }
  return { token, commanderUrl, ca: decode(secret.data, 'ca.crt') ?? plain('ca.crt') };
}

/**
 * The credentials source for a configuration: fixed ones from the environment, else the Secret,
 * re-read after `invalidate()` (Commander rotates the key by updating the Secret).
 */
export function credentialsSource(options: {
  kube: KubeClient;
  fromEnv: { commanderUrl: string; token: string } | null;
  caFile: string | null;
  namespace: string;
  secretName: string;
}): CredentialsSource {
  let cached: Promise<AgentCredentials> | null = null;
  const load = async (): Promise<AgentCredentials> => {
    const fileCa = options.caFile ? await readFile(options.caFile, 'utf8') : null;
    if (options.fromEnv) {
      return { ...options.fromEnv, ca: fileCa };
    }
    const fromSecret = await readCredentialsSecret(
      options.kube,
      options.namespace,
      options.secretName,
    );
    return { ...fromSecret, ca: fileCa ?? fromSecret.ca };
  };
  return {
    get() {
      cached ??= load().catch((error: unknown) => {
        cached = null;
        throw error;
      });
      return cached;
    },
    invalidate() {
      cached = null;
    },
  };
}
