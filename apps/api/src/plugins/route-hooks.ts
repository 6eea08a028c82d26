/**
 * A hook put first among a route's own hooks of one kind (`onRoute`): it runs where a global
 * hook of the plugin would have run (global hooks run before route-level ones), but only on
 * the routes where it can act, so the hot reads do not pay a promise and a turn of Fastify's
 * hook runner per request for a hook that returns at once.
 */
export function prependHook<H>(existing: unknown, hook: H): H[] {
  if (existing === undefined || existing === null) {
    return [hook];
  }
  // The route's own hooks, of the same kind (Fastify's option types are unions of the
  // callback and async forms).
  return [hook, ...((Array.isArray(existing) ? existing : [existing]) as H[])];
}
