/**
 * EventBridge target: creates the webhook deliveries of one platform event (shared/subscriptions/fan-out.ts).
 * Invoked asynchronously by the bus rule for every `vnpp.*` event; a malformed envelope is thrown, so
 * it is retried and then dead-lettered where it can be inspected.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { EnvelopeMeta } from '#events/envelope.ts';
import { logger } from '#shared/platform/observability.ts';
import { type FanOutResult, fanOut } from '#shared/subscriptions/fan-out.ts';

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<FanOutResult> {
  const parsed = EnvelopeMeta.safeParse(event.detail);
  if (!parsed.success) {
    logger.error('event without a valid envelope', {
      source: event.source,
      detailType: event['detail-type'],
      issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    });
    throw new Error(`Event ${event.id} (${event['detail-type']}) has no valid envelope`);
  }
  const result = await fanOut(parsed.data, event);
  // Most events match no subscription: those are logged at debug level, not once per event at info.
  const log = result.candidates > 0 ? logger.info.bind(logger) : logger.debug.bind(logger);
  log('webhook fan-out', { eventId: parsed.data.eventId, detailType: event['detail-type'], ...result });
  return result;
}
