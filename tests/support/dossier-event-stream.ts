/**
 * Dossier records and the live events the platform emits for them (receive, supplement requests,
 * overdue flags, the final decision), as EventBridge events: what the report property tests feed
 * the aggregator, shuffled and duplicated.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import fc from 'fast-check';
import { DossierOverdueV1 } from '#events/dossiers/dossier-deadline.v1.ts';
import {
  DossierStatusChangedV1,
  envelopeExample,
  summaryExample,
} from '#events/dossiers/dossier-events.v1.ts';
import type { EventContract } from '#events/envelope.ts';
import type { DossierRecord } from '#shared/reports/dossier-facts.ts';

const START = Date.parse('2026-01-01T00:00:00Z');
const instant = fc.integer({ min: 0, max: 40 * 86_400 }).map((s) => new Date(START + s * 1000).toISOString());

/** Random dossier records of the given agencies (live channels only: online or counter). */
export const dossierRecords = (agencies: readonly string[]) =>
  fc.array(
    fc
      .record({
        agency: fc.constantFrom(...agencies),
        field: fc.constantFrom('Hộ tịch', 'Đất đai', 'Xây dựng'),
        channel: fc.constantFrom('online' as const, 'counter' as const),
        delivery: fc.constantFrom('counter' as const, 'online' as const, 'postal' as const),
        interAgency: fc.boolean(),
        fullProcess: fc.boolean(),
        receivedAt: instant,
        status: fc.constantFrom(
          'open' as const,
          'returned' as const,
          'denied' as const,
          'cancelled' as const,
        ),
        finishedAt: instant,
        outcome: fc.constantFrom('early' as const, 'on-time' as const, 'late' as const),
        pausedAt: fc.array(instant, { maxLength: 2 }),
        overdueDueAts: fc.array(instant, { maxLength: 2 }),
      })
      .map((r): DossierRecord & { fullProcess: boolean } => ({
        id: randomUUID(),
        agency: r.agency,
        field: r.field,
        channel: r.channel,
        delivery: r.delivery,
        interAgency: r.interAgency,
        fullyOnline: r.channel === 'online' && r.fullProcess,
        fullProcess: r.fullProcess,
        receivedAt: r.receivedAt,
        status: r.status,
        finishedAt: r.status === 'open' ? null : r.finishedAt,
        outcome: r.status === 'returned' ? r.outcome : null,
        pausedAt: r.pausedAt,
        overdueDueAts: r.overdueDueAts,
      })),
    { minLength: 1, maxLength: 25 },
  );

function summaryOf(record: DossierRecord & { fullProcess: boolean }, finished: boolean) {
  return {
    ...summaryExample,
    id: record.id,
    field: record.field,
    onlineLevel: record.fullProcess ? 'full-process' : 'partial',
    channel: record.channel as 'online' | 'counter',
    deliveryMethod: record.delivery ?? 'counter',
    receivingAgency: record.agency,
    currentAgency: record.agency,
    interAgency: record.interAgency ?? false,
    status: finished && record.status !== 'open' ? record.status : ('processing' as const),
    receivedAt: record.receivedAt,
    finishedAt: finished ? (record.finishedAt ?? null) : null,
    outcome: finished ? (record.outcome ?? null) : null,
  };
}

const wrap = (
  contract: EventContract,
  occurredAt: string,
  agency: string,
  data: unknown,
): EventBridgeEvent<string, unknown> => ({
  version: '0',
  id: randomUUID(),
  'detail-type': contract.detailType,
  source: contract.source,
  account: '000000000000',
  time: occurredAt,
  region: 'ap-southeast-1',
  resources: [],
  detail: {
    ...envelopeExample,
    eventId: randomUUID(),
    occurredAt,
    agencyCode: agency,
    recipients: [agency],
    data,
  },
});

/** Every live event of a record, in the order the platform would emit them. */
export function eventsOf(
  record: DossierRecord & { fullProcess: boolean },
): EventBridgeEvent<string, unknown>[] {
  const events: EventBridgeEvent<string, unknown>[] = [];
  const open = summaryOf(record, false);
  if (record.receivedAt) {
    events.push(
      wrap(DossierStatusChangedV1, record.receivedAt, record.agency, {
        action: 'receive',
        fromStatus: 'submitted',
        toStatus: 'received',
        stepIndex: 0,
        dossier: { ...open, status: 'received' },
      }),
    );
  }
  for (const at of record.pausedAt ?? []) {
    events.push(
      wrap(DossierStatusChangedV1, at, record.agency, {
        action: 'request-supplement',
        fromStatus: 'processing',
        toStatus: 'awaiting-supplement',
        stepIndex: 0,
        dossier: { ...open, status: 'awaiting-supplement' },
      }),
    );
  }
  for (const dueAt of record.overdueDueAts ?? []) {
    events.push(
      wrap(DossierOverdueV1, dueAt, record.agency, {
        dossier: open,
        dueAt,
        apologyLetterId: `LETTER#${dueAt}`,
      }),
    );
  }
  if (record.status !== 'open' && record.finishedAt) {
    const action = record.status === 'returned' ? 'return' : record.status === 'denied' ? 'deny' : 'cancel';
    events.push(
      wrap(DossierStatusChangedV1, record.finishedAt, record.agency, {
        action,
        fromStatus: record.status === 'returned' ? 'released' : 'processing',
        toStatus: record.status,
        stepIndex: 0,
        dossier: summaryOf(record, true),
      }),
    );
  }
  return events;
}

/** The events of many records, each delivered 1–3 times, in a shuffled order. */
export const deliveries = (agencies: readonly string[]) =>
  dossierRecords(agencies).chain((records) => {
    const events = records.flatMap(eventsOf);
    return fc
      .tuple(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: events.length, maxLength: events.length }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
      )
      .map(([copies, randoms]) => {
        const delivered = events.flatMap((event, i) => Array.from({ length: copies[i]! }, () => event));
        const keys = delivered.map(() => randoms.next().value as number);
        const order = delivered.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
        return { records, delivered: order.map((i) => delivered[i]!) };
      });
  });
