/**
 * Acceptance: aggregates maintained by the deployed consumer (functions/reports/aggregate.ts) equal
 * a full recomputation after a randomized event stream with duplicates and out-of-order deliveries
 * (property, against DynamoDB Local, concurrent deliveries included); the rebuild command agrees
 * with them, finds a corrupted counter and repairs it.
 */
import { randomInt } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handler } from '#functions/reports/aggregate.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { tableName } from '#shared/platform/table.ts';
import { Accumulator } from '#shared/reports/cells.ts';
import { type DossierRecord, dossierRecordFacts } from '#shared/reports/dossier-facts.ts';
import { rebuildDossierAggregates } from '#shared/reports/rebuild.ts';
import { aggregateKey, readAggregates } from '#shared/reports/repository.ts';
import { deliveries, eventsOf } from '#tests/support/dossier-event-stream.ts';

const freshAgencies = () => {
  const run = String(randomInt(100, 999));
  return [1, 2, 3].map((n) => `${run}.0${n}.${String(randomInt(10, 99))}.R${String(randomInt(10, 99))}`);
};

async function liveSnapshot(agencies: readonly string[]) {
  const live = new Accumulator();
  for (const agency of agencies) {
    for (const item of await readAggregates('dossiers', agency, '2000-01-01', '2099-12-31')) {
      if (item.source === 'live') live.add(item);
    }
  }
  return live.snapshot();
}

const recomputed = (records: readonly DossierRecord[]) => {
  const accumulator = new Accumulator();
  for (const record of records) accumulator.addAll(dossierRecordFacts(record));
  return accumulator.snapshot();
};

describe('report aggregates against DynamoDB', () => {
  it('equal a recomputation after shuffled, duplicated, concurrent deliveries (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constant(null).chain(() => deliveries(freshAgencies())),
        async ({ records, delivered }) => {
          const agencies = [...new Set(records.map((record) => record.agency))];
          // Deliver in small concurrent groups: duplicates may race each other.
          for (let i = 0; i < delivered.length; i += 4) {
            await Promise.all(delivered.slice(i, i + 4).map((event) => handler(event)));
          }
          expect(await liveSnapshot(agencies)).toEqual(recomputed(records));
        },
      ),
      { numRuns: 4 },
    );
  }, 240_000);

  it('the rebuild agrees with the live aggregates, detects a wrong counter and repairs it', async () => {
    const [agency] = freshAgencies();
    const records = fc.sample(
      deliveries([agency!]).map(({ records: r }) => r),
      { numRuns: 1, seed: 7 },
    )[0]!;
    const table = tableName();
    for (const record of records) {
      await ddb().send(
        new PutCommand({
          TableName: table,
          Item: {
            PK: `DOSSIER#${record.id}`,
            SK: 'META',
            entityType: 'dossier',
            id: record.id,
            receivingAgency: record.agency,
            procedure: {
              code: '1.001193',
              field: record.field,
              onlineLevel: (record as { fullProcess: boolean }).fullProcess ? 'full-process' : 'partial',
            },
            channel: record.channel,
            delivery: { method: record.delivery },
            interAgency: record.interAgency,
            status: record.status === 'open' ? 'processing' : record.status,
            receivedAt: record.receivedAt,
            ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
            ...(record.outcome ? { outcome: record.outcome } : {}),
            pauses: (record.pausedAt ?? []).map((from) => ({ from, note: 'thiếu giấy tờ' })),
          },
        }),
      );
      for (const dueAt of record.overdueDueAts ?? []) {
        await ddb().send(
          new PutCommand({
            TableName: table,
            Item: {
              PK: `DOSSIER#${record.id}`,
              SK: `LETTER#${dueAt}`,
              entityType: 'apology-letter',
              status: 'draft',
              dueAt,
            },
          }),
        );
      }
      for (const event of eventsOf(record as DossierRecord & { fullProcess: boolean })) await handler(event);
    }

    const agreed = await rebuildDossierAggregates({ agencies: [agency!] });
    expect(agreed.dossiers).toBe(records.length);
    expect(agreed.differences).toEqual([]);

    // Corrupt one live counter: the rebuild finds exactly it, then repairs it.
    const [firstKey, firstCells] = Object.entries(await liveSnapshot([agency!]))[0]!;
    const day = firstKey.split('|')[2]!;
    const cell = Object.keys(firstCells)[0]!;
    await ddb().send(
      new UpdateCommand({
        TableName: table,
        Key: aggregateKey('dossiers', agency!, day, 'live'),
        UpdateExpression: 'ADD #c :n',
        ExpressionAttributeNames: { '#c': `c|${cell}` },
        ExpressionAttributeValues: { ':n': 5 },
      }),
    );
    const found = await rebuildDossierAggregates({ agencies: [agency!], write: true });
    expect(found.differences).toEqual([
      { agency, day, cell, live: firstCells[cell]! + 5, recomputed: firstCells[cell] },
    ]);
    expect(found.written).toBeGreaterThan(0);
    expect((await rebuildDossierAggregates({ agencies: [agency!] })).differences).toEqual([]);
    expect(await liveSnapshot([agency!])).toEqual(recomputed(records));
  }, 240_000);
});
