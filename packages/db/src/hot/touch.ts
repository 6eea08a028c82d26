import type pg from 'pg';

/** Last-use times gathered by the API between two flushes (id → time). */
export type LastUsedBatch = {
  tokens: Map<string, Date>;
  sessions: Map<string, Date>;
  users: Map<string, Date>;
};

/**
 * Writes a batch of last-use times in ONE statement (three data-modifying CTEs): never moves a
 * time backwards, and touches only the columns the auth-change triggers ignore
 * (`auth_tokens.last_used_at`, `sessions.last_used_at`, `users.last_seen_at`).
 */
export async function touchLastUsed(pool: pg.Pool, batch: LastUsedBatch): Promise<void> {
  if (batch.tokens.size + batch.sessions.size + batch.users.size === 0) {
    return;
  }
  await pool.query({
    name: 'hot_touch_last_used',
    text: `WITH t AS (
  UPDATE auth_tokens a SET last_used_at = v.at
  FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
  WHERE a.id = v.id AND (a.last_used_at IS NULL OR a.last_used_at < v.at)
), s AS (
  UPDATE sessions x SET last_used_at = v.at
  FROM unnest($3::uuid[], $4::timestamptz[]) AS v(id, at)
  WHERE x.id = v.id AND x.last_used_at < v.at
)
UPDATE users u SET last_seen_at = v.at
FROM unnest($5::uuid[], $6::timestamptz[]) AS v(id, at)
WHERE u.id = v.id AND (u.last_seen_at IS NULL OR u.last_seen_at < v.at)`,
    values: [
      [...batch.tokens.keys()],
      [...batch.tokens.values()],
      [...batch.sessions.keys()],
      [...batch.sessions.values()],
      [...batch.users.keys()],
      [...batch.users.values()],
    ],
  });
}
