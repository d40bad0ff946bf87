/**
 * Acceptance: aggregates maintained by the deployed consumer (functions/reports/aggregate.ts) equal
 * a full recomputation after a randomized event stream with duplicates and out-of-order deliveries
 * (property, against DynamoDB Local, concurrent deliveries included); the rebuild command agrees
 * with them, finds a corrupted counter and repairs it — dossiers from stored records, and documents,
 * payments (a refund included) and usage driven through the local runtime.
 */
import { randomInt } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handler } from '#functions/reports/aggregate.ts';
import { vietnamDayOf } from '#shared/calendar/civil-date.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { tableName } from '#shared/platform/table.ts';
import { Accumulator } from '#shared/reports/cells.ts';
import { type DossierRecord, dossierRecordFacts } from '#shared/reports/dossier-facts.ts';
import { rebuildAggregates, rebuildDossierAggregates } from '#shared/reports/rebuild.ts';
import { aggregateKey, readAggregates } from '#shared/reports/repository.ts';
import { A, B, C, drain, issued } from '#tests/support/documents.ts';
import { deliveries, eventsOf } from '#tests/support/dossier-event-stream.ts';
import { call } from '#tests/support/http.ts';
import { createFeeProcedure, receivedDossier, requestPayment, TOTAL } from '#tests/support/payments.ts';

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
      { family: 'dossiers', agency, day, cell, live: firstCells[cell]! + 5, recomputed: firstCells[cell] },
    ]);
    expect(found.written).toBeGreaterThan(0);
    expect((await rebuildDossierAggregates({ agencies: [agency!] })).differences).toEqual([]);
    expect(await liveSnapshot([agency!])).toEqual(recomputed(records));
  }, 240_000);
});

/** A dossier of C paid on the sandbox gateway (and refunded by C's leader when asked). */
async function sandboxPayment(procedureCode: string, refund = false) {
  const dossier = await receivedDossier(procedureCode);
  const payment = await requestPayment(dossier.id, 'sandbox');
  const paid = await call('POST', '/v1/payments/sandbox', {
    rawBody: `code=${payment.code}&outcome=paid`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(paid.status, paid.text).toBe(200);
  if (refund) {
    const refunded = await call('POST', `/v1/payments/${payment.id}/refund`, {
      as: 'leader.lienbao',
      body: { reason: 'Hồ sơ bị từ chối' },
    });
    expect(refunded.status, refunded.text).toBe(200);
  }
  return payment;
}

describe('rebuild of every family, driven through the local runtime', () => {
  it('agrees with the live documents, payments and usage aggregates, finds corrupted counters and repairs them', async () => {
    // Documents: one issued signed and sent to B and C (B registers its copy), one issued on paper.
    const { document: signed } = await issued();
    await issued({}, { paper: true });
    const sent = await call('POST', `/v1/documents/${signed.id}/send`, { as: 'clerk.vinhyen' });
    expect(sent.status, sent.text).toBe(202);
    await drain();
    const inbox = await call<{ items: { id: string; source: { documentId: string } }[] }>(
      'GET',
      `/v1/agencies/${B}/documents/incoming?sender=${A}&limit=100`,
      { as: 'clerk.tichson' },
    );
    const copy = inbox.body.items.find((item) => item.source.documentId === signed.id)!;
    const registered = await call('POST', `/v1/incoming-documents/${copy.id}/transitions`, {
      as: 'clerk.tichson',
      body: { action: 'register' },
    });
    expect(registered.status, registered.text).toBe(200);

    // Payments at C: one paid, one paid and refunded (the refund subtracts from the amount).
    const procedureCode = await createFeeProcedure();
    await sandboxPayment(procedureCode);
    await sandboxPayment(procedureCode, true);
    await drain();

    const agencies = [A, B, C];
    const agreed = await rebuildAggregates({ agencies });
    expect(agreed.differences).toEqual([]);
    expect(agreed.records.outgoingDocuments).toBeGreaterThanOrEqual(2);
    expect(agreed.records.incomingDocuments).toBeGreaterThanOrEqual(1);
    expect(agreed.records.payments).toBeGreaterThanOrEqual(2);
    expect(agreed.notRecomputed).toEqual(['usage:signatures', 'usage:storageBytes', 'usage:apiCalls']);

    // The live payments of the procedure (new, so only this test's): 2 paid, net amount = one TOTAL.
    const day = vietnamDayOf(new Date());
    const payments = (await readAggregates('payments', C, day, day)).find((item) => item.source === 'live')!;
    const paidCell = `paid;channel=online;procedure=${procedureCode}`;
    const amountCell = `amount;channel=online;procedure=${procedureCode}`;
    expect(payments.cells[paidCell]).toBe(2);
    expect(payments.cells[amountCell]).toBe(TOTAL);
    expect(payments.cells[`refunded;channel=online;procedure=${procedureCode}`]).toBe(1);

    // Corrupt one document counter and one payment counter: the rebuild finds exactly them and repairs them.
    const documents = (await readAggregates('documents', A, day, day)).find(
      (item) => item.source === 'live',
    )!;
    const outgoingCell = 'outgoing;signed=1';
    const corrupt = (family: 'documents' | 'payments', agency: string, cell: string, n: number) =>
      ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: aggregateKey(family, agency, day, 'live'),
          UpdateExpression: 'ADD #c :n',
          ExpressionAttributeNames: { '#c': `c|${cell}` },
          ExpressionAttributeValues: { ':n': n },
        }),
      );
    await corrupt('documents', A, outgoingCell, 3);
    await corrupt('payments', C, amountCell, 1000);
    const found = await rebuildAggregates({ agencies, write: true });
    expect(found.differences).toEqual([
      {
        family: 'documents',
        agency: A,
        day,
        cell: outgoingCell,
        live: documents.cells[outgoingCell]! + 3,
        recomputed: documents.cells[outgoingCell],
      },
      { family: 'payments', agency: C, day, cell: amountCell, live: TOTAL + 1000, recomputed: TOTAL },
    ]);
    expect(found.written).toBe(2);
    expect((await rebuildAggregates({ agencies })).differences).toEqual([]);
    const repaired = (await readAggregates('payments', C, day, day)).find((item) => item.source === 'live')!;
    expect(repaired.cells).toEqual(payments.cells);
  }, 60_000);
});
