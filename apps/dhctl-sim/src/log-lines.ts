// dhctl-style ("logboek") tree output: processes open with ┌, nest with │, close with └ and
// their duration, e.g.
//   ┌ Preparing SSH client
//   │ Connecting to 10.0.0.1:22
//   └ Preparing SSH client (1.23 seconds)

function seconds(value: number): string {
  return `${value.toFixed(2)} seconds`;
}

/** A closed process block with a plausible duration. */
export function processBlock(
  title: string,
  body: readonly string[],
  durationSeconds?: number,
): string[] {
  const duration = durationSeconds ?? 0.05 + Math.random() * 2;
  return [`┌ ${title}`, ...body.map((line) => `│ ${line}`), `└ ${title} (${seconds(duration)})`];
}

/**
 * The log of one phase: an outer process block whose lines are sent in batches as the work
 * goes on (the real writer flushes per write, so consumers see the tree grow).
 */
export class PhaseLog {
  readonly #title: string;
  readonly #send: (lines: string[]) => void;
  readonly #startedAt = Date.now();
  #isOpen = false;

  /**
   * @param operation e.g. `Bootstrap`.
   * @param title the phase title, e.g. `Install Deckhouse`.
   * @param send delivers a batch of lines to the client.
   */
  constructor(operation: string, title: string, send: (lines: string[]) => void) {
    this.#title = `⛵ ~ ${operation}: ${title}`;
    this.#send = send;
  }

  /** Opens the block (idempotent). */
  open(): void {
    if (!this.#isOpen) {
      this.#isOpen = true;
      this.#send([`┌ ${this.#title}`]);
    }
  }

  /** Sends plain lines inside the block. */
  lines(...lines: string[]): void {
    this.open();
    this.#send(lines.map((line) => `│ ${line}`));
  }

  /** Sends a nested, closed process block. */
  step(title: string, body: readonly string[] = []): void {
    this.open();
    this.#send(processBlock(title, body).map((line) => `│ ${line}`));
  }

  /** Closes the block with the real elapsed time. */
  close(): void {
    this.open();
    this.#send([`└ ${this.#title} (${seconds((Date.now() - this.#startedAt) / 1000)})`]);
  }

  /** Reports an error and closes the block as failed. */
  fail(message: string): void {
    this.open();
    this.#send([`│ ❗ Error: ${message}`, `└ ${this.#title} (failed)`]);
  }
}
