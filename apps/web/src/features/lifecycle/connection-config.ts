import { stringify } from 'yaml';

/** What the attach dialog asks for to reach the masters of an existing cluster. */
export type ConnectionInput = {
  sshUser: string;
  sshPort: number;
  privateKey: string;
  /** Empty when the key has none. */
  passphrase: string;
  /** One or more master addresses. */
  hosts: string[];
  /** Empty host: no bastion. */
  bastion: { host: string; port: number | null; user: string };
};

const API_VERSION = 'dhctl.deckhouse.io/v1';

/**
 * dhctl's connection config: one `SSHConfig` document and an `SSHHost` per master, as YAML
 * (Commander's "SSH parameters"). Blank hosts are skipped; optional fields appear only when set.
 */
export function composeConnectionConfig(input: ConnectionInput): string {
  const key: Record<string, string> = { key: ensureTrailingNewline(input.privateKey) };
  if (input.passphrase !== '') {
    key.passphrase = input.passphrase;
  }
  const config: Record<string, unknown> = {
    apiVersion: API_VERSION,
    kind: 'SSHConfig',
    sshUser: input.sshUser.trim(),
    sshPort: input.sshPort,
    sshAgentPrivateKeys: [key],
  };
  const bastionHost = input.bastion.host.trim();
  if (bastionHost !== '') {
    config.sshBastionHost = bastionHost;
    if (input.bastion.port !== null) {
      config.sshBastionPort = input.bastion.port;
    }
    if (input.bastion.user.trim() !== '') {
      config.sshBastionUser = input.bastion.user.trim();
    }
  }
  const documents = [
    config,
    ...input.hosts
      .map((host) => host.trim())
      .filter((host) => host !== '')
      .map((host) => ({ apiVersion: API_VERSION, kind: 'SSHHost', host })),
  ];
  return documents.map((doc) => stringify(doc, { lineWidth: 0 })).join('---\n');
}

// A PEM key without its final newline is rejected by ssh; users often paste it that way.
function ensureTrailingNewline(text: string): string {
  const trimmed = text.trim();
  return trimmed === '' ? '' : `${trimmed}\n`;
}
