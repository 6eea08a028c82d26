import { DhctlServerNotFoundError } from './errors.js';

/** Key of the fallback server in a server map. */
export const DEFAULT_DHCTL_SERVER_KEY = 'default';

function normalize(version: string): string {
  return version.trim().replace(/^v/i, '');
}

function majorMinor(version: string): string | null {
  const match = /^(\d+)\.(\d+)(?:\.|$|-)/.exec(normalize(version));
  return match ? `${match[1]}.${match[2]}` : null;
}

/**
 * Chooses the dhctl server for a cluster's DKP version. dhctl must match the cluster's DKP
 * version, so Commander runs one server per version.
 *
 * Lookup order: the exact version (`"1.69.3"`; a leading `v` is ignored on both sides), then
 * its major.minor (`"1.69"`), then `"default"`. Without a version only `"default"` matches.
 *
 * @param servers DKP version (or `"default"`) → server address.
 * @returns the address.
 * @throws DhctlServerNotFoundError naming the version and the configured keys when nothing matches.
 */
export function pickDhctlServer(
  servers: Readonly<Record<string, string>>,
  version?: string,
): string {
  const byKey = new Map<string, string>();
  for (const [key, address] of Object.entries(servers)) {
    byKey.set(key === DEFAULT_DHCTL_SERVER_KEY ? key : normalize(key), address);
  }
  const candidates: string[] = [];
  if (version !== undefined && version.trim() !== '') {
    candidates.push(normalize(version));
    const minor = majorMinor(version);
    if (minor) {
      candidates.push(minor);
    }
  }
  candidates.push(DEFAULT_DHCTL_SERVER_KEY);
  for (const candidate of candidates) {
    const address = byKey.get(candidate);
    if (address) {
      return address;
    }
  }
  const known = Object.keys(servers);
  throw new DhctlServerNotFoundError(
    `no dhctl server for DKP version ${version ? JSON.stringify(version) : '(none)'}: ` +
      (known.length
        ? `configured versions are ${known.join(', ')}`
        : 'no dhctl servers are configured') +
      `; add one for this version or a "${DEFAULT_DHCTL_SERVER_KEY}" server`,
  );
}
