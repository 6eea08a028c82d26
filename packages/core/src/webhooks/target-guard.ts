import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

import { AppError } from '../errors.js';

/**
 * The SSRF guard of outgoing webhooks: addresses a webhook may not reach unless private targets
 * are allowed (WEBHOOKS_ALLOW_PRIVATE_TARGETS): unspecified, loopback, private, carrier-grade
 * NAT, link-local (cloud metadata 169.254.169.254 among them), benchmarking, multicast and
 * reserved ranges, IPv6 unique-local, link-local, IPv4-mapped and NAT64 forms of them.
 */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');
}

/** True when a webhook may not be sent to this address (a literal IPv4 or IPv6 address). */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) {
    return FORBIDDEN.check(address, 'ipv4');
  }
  if (family === 6) {
    // IPv4-mapped (::ffff:a.b.c.d, ::ffff:7f00:1): refused whole (BlockList would match an
    // IPv6 rule against every IPv4 address, so the range is not in it).
    if (/^(0{0,4}:){0,5}:?ffff:/i.test(address) && !/^ffff:/i.test(address)) {
      return true;
    }
    return FORBIDDEN.check(address, 'ipv6');
  }
  return true;
}

export type ResolvedTarget = { address: string; family: 4 | 6 };

/**
 * Resolves a webhook URL's host to the address the request will connect to (connecting to that
 * address, not resolving again, so DNS rebinding cannot swap it). Refused when any address the
 * name resolves to is forbidden (unless `allowPrivate`).
 * @throws AppError webhook_target_forbidden
 */
export async function resolveWebhookTarget(
  url: URL,
  allowPrivate: boolean,
): Promise<ResolvedTarget> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host);
  const addresses: ResolvedTarget[] = literal
    ? [{ address: host, family: literal as 4 | 6 }]
    : (await lookup(host, { all: true, verbatim: true })).map((a) => ({
        address: a.address,
        family: a.family as 4 | 6,
      }));
  if (addresses.length === 0) {
    throw new AppError('webhook_target_forbidden', `${host} does not resolve`);
  }
  if (!allowPrivate) {
    const bad = addresses.find((a) => isForbiddenAddress(a.address));
    if (bad) {
      throw new AppError(
        'webhook_target_forbidden',
        `${host} resolves to ${bad.address}, a private, loopback, link-local or reserved address (WEBHOOKS_ALLOW_PRIVATE_TARGETS is off)`,
        { field: 'url' },
      );
    }
  }
  return addresses[0]!;
}
