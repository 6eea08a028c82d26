/** What dhctl answered, reduced to what the domain needs. */
export type DhctlOutcome = {
  /** Empty/undefined = success. */
  error?: string | null;
  /** dhctl's final state cache (JSON), stored encrypted for the next operation. */
  state?: string | null;
  /** Parsed result JSON (check/converge/attach), kept on the operation. */
  result?: unknown;
  /** The failure was a cancellation asked for by a user. */
  cancelled?: boolean;
};
