import type { AgentContext } from '../agent/agent-context.js';
import type { ParsedTelemetry } from './ingest.js';

/**
 * `POST /telemetry`: one sample of the agent's cluster, stored in a batch; resolves once it is
 * committed (a 204 is never lost). Throws `service_unavailable` with `IngestRefusal` details
 * when the buffer is full or Commander is shutting down.
 */
export async function reportTelemetry(ctx: AgentContext, body: ParsedTelemetry): Promise<void> {
  await ctx.telemetry.submit(ctx.agent, body, true);
}
