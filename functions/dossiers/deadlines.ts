/**
 * Scheduled (hourly): flags dossiers due within a working day or overdue, with their events and
 * draft apology letters (shared/dossiers/deadline-job.ts). Locally it runs on demand:
 * POST /local/workers/dossier-deadlines/run. A run with failed flags throws, so it is retried and
 * alarmed on; flags already made are not made again.
 */
import { type DeadlineRunSummary, flagDeadlines } from '#shared/dossiers/deadline-job.ts';
import { logger } from '#shared/platform/observability.ts';

export async function handler(): Promise<DeadlineRunSummary> {
  const summary = await flagDeadlines();
  logger.info('dossier deadlines flagged', { ...summary });
  if (summary.failed > 0) throw new Error(`${summary.failed} dossier deadline flag(s) failed; see the log`);
  return summary;
}
