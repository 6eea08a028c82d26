/**
 * Coalesces single-key lookups into batched ones: the keys asked for during one turn of the
 * event loop (every request parsed from the sockets that were readable together) are read with
 * ONE call of `loadMany` (one `WHERE … = ANY($1)` statement) when the loop turns
 * (`setImmediate`), at most `maxKeys` per call. Each caller gets its own key's value, or null when
 * `loadMany` has none for it; a failed call fails each of its callers. A key asked for twice in
 * one turn is read once.
 *
 * The agent key cache's misses go through it: when a fleet of agents starts (or an API process
 * does), thousands of different clusters' first requests arrive within seconds, and one
 * statement per turn instead of one per request keeps the agent pool's connections free for
 * the telemetry and status batches.
 */
export function batchedLookup<V>(
  loadMany: (keys: string[]) => Promise<Map<string, V>>,
  options: { maxKeys?: number } = {},
): (key: string) => Promise<V | null> {
  const maxKeys = options.maxKeys ?? 500;
  type Waiter = { resolve: (value: V | null) => void; reject: (error: unknown) => void };
  let waiting = new Map<string, Waiter[]>();
  let scheduled = false;

  const run = (batch: Map<string, Waiter[]>) => {
    loadMany([...batch.keys()]).then(
      (found) => {
        for (const [key, waiters] of batch) {
          const value = found.get(key) ?? null;
          waiters.forEach((w) => w.resolve(value));
        }
      },
      (error: unknown) => {
        for (const waiters of batch.values()) {
          waiters.forEach((w) => w.reject(error));
        }
      },
    );
  };

  const flush = () => {
    scheduled = false;
    const all = waiting;
    waiting = new Map();
    let batch = new Map<string, Waiter[]>();
    for (const [key, waiters] of all) {
      batch.set(key, waiters);
      if (batch.size >= maxKeys) {
        run(batch);
        batch = new Map();
      }
    }
    if (batch.size > 0) {
      run(batch);
    }
  };

  return (key) =>
    new Promise<V | null>((resolve, reject) => {
      const waiters = waiting.get(key);
      if (waiters) {
        waiters.push({ resolve, reject });
      } else {
        waiting.set(key, [{ resolve, reject }]);
      }
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
