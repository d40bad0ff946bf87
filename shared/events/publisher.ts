/**
 * The outbox publisher: turns outbox records from the table's stream into EventBridge events.
 * At-least-once: a record is acknowledged only after EventBridge accepted it; a failed entry (or a
 * crash) makes the stream deliver it again, and consumers deduplicate on `eventId`.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { eventBridgeClient } from '../platform/aws-clients.ts';
import { ENTITY_OUTBOX } from './keys.ts';

export interface OutboxRecord {
  /** Stream sequence number of the INSERT that carried it. */
  readonly sequenceNumber: string;
  readonly eventId: string;
  readonly source: string;
  readonly detailType: string;
  /** The envelope, as committed (JSON). */
  readonly detail: string;
  readonly occurredAt: string;
}

/** PutEvents takes at most 10 entries per call. */
const BATCH = 10;

/** The outbox INSERTs of a stream batch, in stream order; other records are not ours to publish. */
export function outboxRecordsOf(records: readonly DynamoDBRecord[]): OutboxRecord[] {
  return records.flatMap((record) => {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image || image.entityType?.S !== ENTITY_OUTBOX) return [];
    const item = unmarshall(image as Record<string, AttributeValue>) as Record<string, string>;
    return [
      {
        sequenceNumber: record.dynamodb!.SequenceNumber!,
        eventId: item.eventId!,
        source: item.source!,
        detailType: item.detailType!,
        detail: item.detail!,
        occurredAt: (item.SK ?? '').split('#')[0] ?? '',
      },
    ];
  });
}

export const toPutEventsEntry = (record: OutboxRecord, busName: string): PutEventsRequestEntry => ({
  EventBusName: busName,
  Source: record.source,
  DetailType: record.detailType,
  Detail: record.detail,
  Time: record.occurredAt ? new Date(record.occurredAt) : undefined,
});

/**
 * Publishes records in order, 10 at a time. Returns the sequence number of the first record that
 * was not accepted (everything from there on must be delivered again), or undefined when all were.
 */
export async function publishOutboxRecords(
  records: readonly OutboxRecord[],
  busName: string,
): Promise<string | undefined> {
  for (let start = 0; start < records.length; start += BATCH) {
    const batch = records.slice(start, start + BATCH);
    let failedAt: number | undefined;
    try {
      const result = await eventBridgeClient().send(
        new PutEventsCommand({ Entries: batch.map((record) => toPutEventsEntry(record, busName)) }),
      );
      const entries = result.Entries ?? [];
      const index = entries.findIndex((entry) => entry.ErrorCode !== undefined || !entry.EventId);
      if (index >= 0 || entries.length !== batch.length) failedAt = index >= 0 ? index : entries.length;
    } catch {
      failedAt = 0;
    }
    if (failedAt !== undefined) return batch[failedAt]!.sequenceNumber;
  }
  return undefined;
}
