/**
 * Replay of published events for a time window. In AWS the bus archive replays them
 * (StartReplay); the outbox (kept 30 days) can replay too, and is the only source locally.
 * Consumers deduplicate on eventId, so a replay re-applies only what a consumer has not applied.
 */

import { PutEventsCommand, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { eventBridgeClient } from '../platform/aws-clients.ts';
import { queryAll } from '../platform/query.ts';
import { type OutboxRecord, toPutEventsEntry } from './publisher.ts';

function* daysBetween(from: Date, to: Date): Generator<string> {
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  while (day <= to) {
    yield day.toISOString().slice(0, 10);
    day.setUTCDate(day.getUTCDate() + 1);
  }
}

export async function outboxRecordsBetween(from: Date, to: Date): Promise<OutboxRecord[]> {
  const records: OutboxRecord[] = [];
  for (const day of daysBetween(from, to)) {
    const items = await queryAll({
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': `OUTBOX#${day}`,
        ':from': from.toISOString(),
        ':to': `${to.toISOString()}~`,
      },
    });
    for (const item of items) {
      records.push({
        sequenceNumber: item.SK as string,
        eventId: item.eventId as string,
        source: item.source as string,
        detailType: item.detailType as string,
        detail: item.detail as string,
        occurredAt: (item.SK as string).split('#')[0]!,
      });
    }
  }
  return records;
}

/** Re-publishes the outbox records of a window to the bus; returns how many were accepted. */
export async function replayFromOutbox(
  from: Date,
  to: Date,
  busName: string,
): Promise<{ sent: number; failed: number }> {
  const records = await outboxRecordsBetween(from, to);
  let sent = 0;
  let failed = 0;
  for (let start = 0; start < records.length; start += 10) {
    const batch = records.slice(start, start + 10);
    const result = await eventBridgeClient().send(
      new PutEventsCommand({ Entries: batch.map((record) => toPutEventsEntry(record, busName)) }),
    );
    failed += result.FailedEntryCount ?? 0;
    sent += batch.length - (result.FailedEntryCount ?? 0);
  }
  return { sent, failed };
}

/** Starts an archive replay into the bus (AWS). */
export async function replayFromArchive(
  from: Date,
  to: Date,
  archiveArn: string,
  busArn: string,
): Promise<string> {
  const name = `replay-${from.toISOString().replace(/\D/g, '').slice(0, 14)}-${Date.now().toString(36)}`;
  await eventBridgeClient().send(
    new StartReplayCommand({
      ReplayName: name,
      EventSourceArn: archiveArn,
      EventStartTime: from,
      EventEndTime: to,
      Destination: { Arn: busArn },
    }),
  );
  return name;
}
