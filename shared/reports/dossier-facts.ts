/**
 * The dossier indicator family (one-stop-shop statistics, seed 002 §2): which facts a dossier
 * produces, from its live events or from a record (a legacy import row, or a stored dossier when
 * rebuilding). Pure, no AWS. Definitions of the indicators built from these cells: docs/reports.md.
 *
 * Every fact is attributed to the **receiving agency** (the one-stop counter that issued the dossier
 * number and returns the result), on the Vietnam civil day of the instant that defines it:
 * | cell                                   | day of            | live event                                  |
 * |----------------------------------------|-------------------|---------------------------------------------|
 * | `received;channel;delivery;field;inter;full` | receipt     | DossierStatusChanged, action `receive`      |
 * | `returned;outcome;field;inter`         | result returned   | DossierStatusChanged, to `returned`         |
 * | `denied;field` / `cancelled;field`     | decision          | DossierStatusChanged, to `denied`/`cancelled` |
 * | `paused;field`                         | supplement asked  | DossierStatusChanged, action `request-supplement` |
 * | `overdue;field`                        | missed appointment| DossierOverdue (once per appointment date)  |
 */
import * as z from 'zod/mini';
import type { EventDetail } from '#events/envelope.ts';
import { cellName, type Fact, instantSchema, vietnamDayOfInstant } from './cells.ts';

const isoInstant = instantSchema;

/**
 * A dossier as the reports see it: the row shape of the legacy import (NDJSON, one per line) and
 * what the rebuild derives from a stored dossier. Only facts, no applicant.
 */
export const DossierRecord = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  /** Receiving agency (electronic identifier code). */
  agency: z.string().check(z.minLength(3), z.maxLength(32)),
  field: z.string().check(z.minLength(1), z.maxLength(200)),
  procedureCode: z.optional(z.string().check(z.maxLength(64))),
  /** How it was submitted: online, at the counter, by post. */
  channel: z.enum(['online', 'counter', 'postal']),
  /** How the result is returned. */
  delivery: z.optional(z.enum(['counter', 'online', 'postal'])),
  interAgency: z.optional(z.boolean()),
  /** Submitted online for a full-process online procedure (dịch vụ công trực tuyến toàn trình). */
  fullyOnline: z.optional(z.boolean()),
  receivedAt: z.nullable(isoInstant),
  status: z.enum(['open', 'returned', 'denied', 'cancelled']),
  finishedAt: z.optional(z.nullable(isoInstant)),
  /** For returned dossiers: against the appointment date (computed when it was returned). */
  outcome: z.optional(z.nullable(z.enum(['early', 'on-time', 'late']))),
  /** Instants the clock was paused for a supplement (yêu cầu bổ sung). */
  pausedAt: z.optional(z.array(isoInstant)),
  /** Appointment dates the dossier missed while unresolved. */
  overdueDueAts: z.optional(z.array(isoInstant)),
});
export type DossierRecord = z.infer<typeof DossierRecord>;

const day = (iso: string): string => vietnamDayOfInstant(iso);
const one = (agency: string, at: string, cell: string): Fact => ({
  family: 'dossiers',
  agency,
  day: day(at),
  cells: { [cell]: 1 },
});

interface ReceiptFields {
  readonly agency: string;
  readonly field: string;
  readonly channel: string;
  readonly delivery?: string | undefined;
  readonly interAgency?: boolean | undefined;
  readonly fullyOnline?: boolean | undefined;
}

export const receivedFact = (r: ReceiptFields, receivedAt: string): Fact =>
  one(
    r.agency,
    receivedAt,
    cellName('received', {
      channel: r.channel,
      delivery: r.delivery ?? 'counter',
      field: r.field,
      inter: r.interAgency ?? false,
      full: r.fullyOnline ?? false,
    }),
  );

export function finishedFact(
  r: { agency: string; field: string; interAgency?: boolean | undefined },
  status: 'returned' | 'denied' | 'cancelled',
  finishedAt: string,
  outcome: string | null | undefined,
): Fact {
  if (status === 'returned') {
    return one(
      r.agency,
      finishedAt,
      cellName('returned', { outcome: outcome ?? 'late', field: r.field, inter: r.interAgency ?? false }),
    );
  }
  return one(r.agency, finishedAt, cellName(status, { field: r.field }));
}

export const pausedFact = (agency: string, field: string, at: string): Fact =>
  one(agency, at, cellName('paused', { field }));

export const overdueFact = (agency: string, field: string, dueAt: string): Fact =>
  one(agency, dueAt, cellName('overdue', { field }));

/** Every fact of a dossier record (import and rebuild). */
export function dossierRecordFacts(record: DossierRecord): Fact[] {
  const facts: Fact[] = [];
  if (record.receivedAt) facts.push(receivedFact(record, record.receivedAt));
  if (record.status !== 'open' && record.finishedAt) {
    facts.push(finishedFact(record, record.status, record.finishedAt, record.outcome));
  }
  for (const at of record.pausedAt ?? []) facts.push(pausedFact(record.agency, record.field, at));
  for (const dueAt of record.overdueDueAts ?? []) facts.push(overdueFact(record.agency, record.field, dueAt));
  return facts;
}

/** The summary every dossier event carries (events/dossiers/dossier-events.v1.ts). */
interface Summary {
  receivingAgency: string;
  field: string;
  channel: 'online' | 'counter';
  deliveryMethod: 'counter' | 'online' | 'postal';
  interAgency: boolean;
  onlineLevel: string;
  receivedAt: string | null;
  finishedAt: string | null;
  outcome: 'early' | 'on-time' | 'late' | null;
}

export const FULL_ONLINE_LEVEL = 'full-process';

const receiptOf = (dossier: Summary): ReceiptFields => ({
  agency: dossier.receivingAgency,
  field: dossier.field,
  channel: dossier.channel,
  delivery: dossier.deliveryMethod,
  interAgency: dossier.interAgency,
  fullyOnline: dossier.channel === 'online' && dossier.onlineLevel === FULL_ONLINE_LEVEL,
});

/** Facts of a DossierStatusChanged v1 event. */
export function statusChangedFacts(
  detail: EventDetail<{ action: string; toStatus: string; dossier: Summary }>,
): Fact[] {
  const { action, toStatus, dossier } = detail.data;
  const facts: Fact[] = [];
  if (action === 'receive')
    facts.push(receivedFact(receiptOf(dossier), dossier.receivedAt ?? detail.occurredAt));
  if (action === 'request-supplement') {
    facts.push(pausedFact(dossier.receivingAgency, dossier.field, detail.occurredAt));
  }
  if (toStatus === 'returned' || toStatus === 'denied' || toStatus === 'cancelled') {
    facts.push(
      finishedFact(
        { agency: dossier.receivingAgency, field: dossier.field, interAgency: dossier.interAgency },
        toStatus,
        dossier.finishedAt ?? detail.occurredAt,
        dossier.outcome,
      ),
    );
  }
  return facts;
}

/** Facts of a DossierOverdue v1 event. */
export function overdueEventFacts(detail: EventDetail<{ dueAt: string; dossier: Summary }>): Fact[] {
  return [overdueFact(detail.data.dossier.receivingAgency, detail.data.dossier.field, detail.data.dueAt)];
}
