/**
 * Report aggregates, pure: the indicator definitions and rounding, cell names, and the property that
 * folding a shuffled, duplicated event stream (deduplicated by event id, as the consumer does) gives
 * exactly the aggregates recomputed from the records. The same property against DynamoDB and the
 * deployed consumer: tests/integration/reports-aggregates.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventDetail } from '#events/envelope.ts';
import { Accumulator, cellName, parseCell, vietnamDayOfInstant } from '#shared/reports/cells.ts';
import { dossierRecordFacts } from '#shared/reports/dossier-facts.ts';
import { factMappings, factsOf } from '#shared/reports/event-facts.ts';
import { reportTable, toCsv } from '#shared/reports/export.ts';
import { documentIndicators, dossierIndicators, rate } from '#shared/reports/indicators.ts';
import { incomingDocumentFacts, outgoingDocumentFacts, storedPaymentFacts } from '#shared/reports/rebuild.ts';
import { deliveries } from '#tests/support/dossier-event-stream.ts';

const AGENCIES = ['000.00.21.H62', '000.01.21.H62', '000.00.22.H62'];

describe('rates', () => {
  it('are computed from counts, half up to 2 decimals, null without a denominator', () => {
    expect(rate(146_777, 161_578)).toEqual({ numerator: 146_777, denominator: 161_578, percent: 90.84 });
    expect(rate(268_958, 279_849).percent).toBe(96.11);
    expect(rate(1, 8).percent).toBe(12.5);
    expect(rate(1, 3).percent).toBe(33.33);
    expect(rate(2, 3).percent).toBe(66.67);
    expect(rate(0, 0).percent).toBeNull();
  });

  it('match a decimal computation for any counts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (d, n) => {
          const exact = (n * 100) / d;
          const percent = rate(n, d).percent!;
          expect(Math.abs(percent - exact)).toBeLessThanOrEqual(0.005 + 1e-9);
        },
      ),
    );
  });
});

describe('cells', () => {
  it('name a metric and its sorted dimensions, and parse back', () => {
    const name = cellName('received', { field: 'Hộ tịch', channel: 'online', inter: true, none: undefined });
    expect(name).toBe('received;channel=online;field=Hộ tịch;inter=1');
    expect(parseCell(name)).toEqual({
      metric: 'received',
      dimensions: { channel: 'online', field: 'Hộ tịch', inter: '1' },
    });
    expect(cellName('x', { field: 'a;b=c' })).toBe('x;field=a b c');
  });

  it('count facts on the Vietnam civil day', () => {
    expect(vietnamDayOfInstant('2021-11-14T16:59:59.999Z')).toBe('2021-11-14');
    expect(vietnamDayOfInstant('2021-11-14T17:00:00.000Z')).toBe('2021-11-15');
    expect(vietnamDayOfInstant('2021-11-15T00:30:00+07:00')).toBe('2021-11-15');
  });
});

describe('dossier indicators', () => {
  it('follow the definitions of docs/reports.md', () => {
    const facts = dossierRecordFacts({
      id: 'a',
      agency: AGENCIES[0]!,
      field: 'Hộ tịch',
      channel: 'online',
      delivery: 'postal',
      fullyOnline: true,
      interAgency: true,
      receivedAt: '2026-01-05T02:00:00Z',
      status: 'returned',
      finishedAt: '2026-01-06T02:00:00Z',
      outcome: 'late',
      pausedAt: ['2026-01-05T03:00:00Z'],
      overdueDueAts: ['2026-01-05T09:00:00Z'],
    });
    const accumulator = new Accumulator();
    accumulator.addAll(facts);
    const cells = Object.assign({}, ...[...accumulator.items.values()].map((item) => item.cells));
    const figures = dossierIndicators(cells);
    expect(figures).toMatchObject({
      received: 1,
      receivedOnline: 1,
      postalReturn: 1,
      interAgency: 1,
      fullyOnline: 1,
      handled: 1,
      due: 1,
      returnedLate: 1,
      onTimeOrEarly: 0,
      paused: 1,
      overdueUnresolved: 1,
    });
    expect(figures.onTimeRate).toEqual({ numerator: 0, denominator: 1, percent: 0 });
  });

  it('signing rate = signed outgoing / outgoing', () => {
    const figures = documentIndicators({ 'outgoing;signed=1': 3, 'outgoing;signed=0': 1, incoming: 7 });
    expect(figures.signingRate).toEqual({ numerator: 3, denominator: 4, percent: 75 });
  });
});

describe('exports', () => {
  it('CSV rows carry counts and rates of the report, then the total', () => {
    const report = {
      family: 'documents' as const,
      groupBy: 'level',
      rows: [
        {
          key: 'commune',
          label: 'commune',
          indicators: documentIndicators({ 'outgoing;signed=1': 2, 'outgoing;signed=0': 1 }),
        },
      ],
      total: documentIndicators({ 'outgoing;signed=1': 2, 'outgoing;signed=0': 1 }),
    };
    const { header, rows } = reportTable(report);
    expect(header).toContain('signingRatePercent');
    expect(rows.at(-1)![0]).toBe('TOTAL');
    expect(toCsv(report)).toContain('66.67,2,3');
  });
});

describe('incremental aggregates equal a full recomputation (property)', () => {
  it('after shuffled, duplicated deliveries', () => {
    fc.assert(
      fc.property(deliveries(AGENCIES), ({ records, delivered }) => {
        const seen = new Set<string>();
        const incremental = new Accumulator();
        for (const event of delivered) {
          const detail = event.detail as EventDetail<unknown>;
          if (seen.has(detail.eventId)) continue; // the consumer's dedupe marker
          seen.add(detail.eventId);
          const mapping = factMappings.find(
            (m) => m.contract.source === event.source && m.contract.detailType === event['detail-type'],
          )!;
          incremental.addAll(factsOf(mapping.contract, detail).filter((fact) => fact.family === 'dossiers'));
        }
        const recomputed = new Accumulator();
        for (const record of records) recomputed.addAll(dossierRecordFacts(record));
        expect(incremental.snapshot()).toEqual(recomputed.snapshot());
      }),
      { numRuns: 200 },
    );
  });
});

describe('fact mappings of the document, payment and signature contracts', () => {
  const cellsOf = (contractName: string) => {
    const mapping = factMappings.find((m) => m.contract.detailType === contractName)!;
    const accumulator = new Accumulator();
    accumulator.addAll(factsOf(mapping.contract, mapping.contract.example as EventDetail<unknown>));
    return accumulator.snapshot();
  };

  it('count an issued document as outgoing (signed) and as sent for billing', () => {
    expect(cellsOf('DocumentIssued')).toEqual({
      'documents|000.21.00.H62|2026-11-22': { 'outgoing;signed=1': 1 },
      'usage|000.21.00.H62|2026-11-22': { documentsSent: 1 },
    });
  });

  it('count a confirmed payment with its amount, channel and procedure', () => {
    const snapshot = cellsOf('PaymentPaid');
    const [key, cells] = Object.entries(snapshot).find(([k]) => k.startsWith('payments|'))!;
    expect(key).toBe('payments|000.01.21.H62|2026-11-21');
    expect(cells).toEqual({
      'amount;channel=online;procedure=1.001193': 58_000,
      'paid;channel=online;procedure=1.001193': 1,
    });
  });

  it('subtract a refund from the amount on the refund day (the payment stays counted)', () => {
    const example = factMappings.find((m) => m.contract.detailType === 'PaymentRefunded')!.contract
      .example as EventDetail<unknown>;
    expect(cellsOf('PaymentRefunded')).toEqual({
      [`payments|000.01.21.H62|${vietnamDayOfInstant(example.occurredAt)}`]: {
        'amount;channel=online;procedure=1.001193': -58_000,
        'refunded;channel=online;procedure=1.001193': 1,
      },
    });
  });

  it('recompute from stored records what the live events counted (rebuild)', () => {
    const paid = factMappings.find((m) => m.contract.detailType === 'PaymentPaid')!.contract
      .example as EventDetail<{ payment: Record<string, unknown> }>;
    const refunded = factMappings.find((m) => m.contract.detailType === 'PaymentRefunded')!.contract
      .example as EventDetail<{ payment: Record<string, unknown>; refund: { amount: number } }>;
    const live = new Accumulator();
    live.addAll(factsOf(factMappings.find((m) => m.contract.detailType === 'PaymentPaid')!.contract, paid));
    live.addAll(
      factsOf(factMappings.find((m) => m.contract.detailType === 'PaymentRefunded')!.contract, refunded),
    );
    const stored = new Accumulator();
    stored.addAll(
      storedPaymentFacts({
        ...paid.data.payment,
        status: 'refunded',
        refund: { at: refunded.occurredAt, amount: refunded.data.refund.amount },
      }),
    );
    expect(stored.snapshot()).toEqual(live.snapshot());
    // Unpaid payments count nothing; documents count on issue, registration and overdue completion.
    expect(storedPaymentFacts({ ...paid.data.payment, status: 'expired', paidAt: undefined })).toEqual([]);
    expect(outgoingDocumentFacts({ agencyCode: 'A01', status: 'draft', signedDigitally: false })).toEqual([]);
    const incoming = new Accumulator();
    incoming.addAll(
      incomingDocumentFacts({
        agencyCode: 'A01',
        receivedAt: '2026-11-20T02:00:00.000Z',
        registeredAt: '2026-11-20T03:00:00.000Z',
        dueDate: '2026-11-25',
        completedAt: '2026-11-27T03:00:00.000Z',
        overdue: true,
      }),
    );
    expect(incoming.snapshot()).toEqual({
      'documents|A01|2026-11-20': { incoming: 1 },
      'documents|A01|2026-11-25': { incomingOverdue: 1 },
      'usage|A01|2026-11-20': { documentsReceived: 1 },
    });
  });

  it('bill every signature to the signing agency', () => {
    const snapshot = cellsOf('SignatureCompleted');
    expect(Object.values(snapshot)).toEqual([{ signatures: 1 }]);
  });

  it('name only published contracts', () => {
    for (const mapping of factMappings) expect(mapping.contract.source).toMatch(/^vnpp\./);
  });
});
