/** Scheduled (every minute): sends the due webhook deliveries (shared/subscriptions/sender.ts). */
import { logger } from '#shared/platform/observability.ts';
import { type SendSummary, sendDueDeliveries } from '#shared/subscriptions/sender.ts';

export async function handler(): Promise<SendSummary> {
  const summary = await sendDueDeliveries();
  logger.info('webhook deliveries sent', { ...summary });
  return summary;
}
