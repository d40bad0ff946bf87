/**
 * Scheduled (daily, 02:00 Vietnam time): reconciles yesterday's statement of every gateway with our
 * records (shared/payments/jobs.ts); reports: GET /v1/payments/reconciliations/{date}. A day can be
 * run again with POST /v1/payments/reconciliations/{date}.
 */
import { DAY_MS, vietnamDayOf } from '#shared/calendar/civil-date.ts';
import { reconcileDay } from '#shared/payments/jobs.ts';
import { now } from '#shared/platform/clock.ts';
import { logger } from '#shared/platform/observability.ts';

export async function handler(): Promise<{ day: string; gateways: number; clean: boolean }> {
  const day = vietnamDayOf(new Date(now().getTime() - DAY_MS));
  const reports = await reconcileDay(day);
  const clean = reports.every(
    (report) => !report.missing.length && !report.extra.length && !report.mismatched.length,
  );
  logger.info('daily payment reconciliation', { day, gateways: reports.length, clean });
  return { day, gateways: reports.length, clean };
}
