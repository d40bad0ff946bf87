/**
 * Table stream → EventBridge: publishes outbox records (filtered to `entityType = outbox` by the
 * event-source mapping in AWS; the local stream poller calls this same handler). Reports the first
 * failed record so the stream retries from there: nothing committed is ever skipped.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { outboxRecordsOf, publishOutboxRecords } from '#shared/events/publisher.ts';
import { ENV, requireEnv } from '#shared/platform/env.ts';
import { logger } from '#shared/platform/observability.ts';

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const records = outboxRecordsOf(event.Records);
  if (records.length === 0) return { batchItemFailures: [] };
  const failed = await publishOutboxRecords(records, requireEnv(ENV.eventBusName));
  if (failed)
    logger.warn('outbox publication incomplete; the stream will retry', {
      from: failed,
      total: records.length,
    });
  return { batchItemFailures: failed ? [{ itemIdentifier: failed }] : [] };
}
