import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is `whsec_<base64>`,
 * the key its base64-decoded bytes; `webhook-signature` is `v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">` (space-separated when several keys sign).
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** Receivers should refuse a timestamp further than this from their clock (replay window). */
export const WEBHOOK_REPLAY_WINDOW_SECONDS = 300;

export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64');
}

function key(secret: string): Buffer {
  const raw = secret.startsWith(WEBHOOK_SECRET_PREFIX)
    ? secret.slice(WEBHOOK_SECRET_PREFIX.length)
    : secret;
  return Buffer.from(raw, 'base64');
}

/** `v1,<base64 signature>` of one message. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', key(secret)).update(`${id}.${timestamp}.${body}`).digest();
  return `v1,${mac.toString('base64')}`;
}

/**
 * A receiver's check (what the README shows): the timestamp within the replay window of `now`
 * and one `v1` signature matching, compared in constant time.
 */
export function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  now: number = Date.now(),
): boolean {
  const timestamp = Number(headers.timestamp);
  if (
    !Number.isInteger(timestamp) ||
    Math.abs(now / 1000 - timestamp) > WEBHOOK_REPLAY_WINDOW_SECONDS
  ) {
    return false;
  }
  const expected = Buffer.from(signWebhook(secret, headers.id, timestamp, body));
  return headers.signature.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
