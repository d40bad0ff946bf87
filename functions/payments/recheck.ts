/**
 * Scheduled (every 5 minutes): queries the gateway of every payment pending for more than 15
 * minutes and applies its answer; expires what was never paid (shared/payments/jobs.ts). Locally on
 * demand: POST /local/workers/payments-recheck/run. A run with errors throws, so it is alarmed on.
 */
import { type RecheckSummary, recheckPending } from '#shared/payments/jobs.ts';
import { logger } from '#shared/platform/observability.ts';

export async function handler(): Promise<RecheckSummary> {
  const summary = await recheckPending();
  logger.info('pending payments re-checked', { ...summary });
  if (summary.errors > 0) throw new Error(`${summary.errors} payment re-check(s) failed; see the log`);
  return summary;
}
