/**
 * The official-document indicator family (văn bản đến / đi, seed 002 §1). Pure, no AWS.
 *
 * | cell                     | day of                  | fact                                            |
 * |--------------------------|-------------------------|-------------------------------------------------|
 * | `incoming`               | registration (số đến)   | an incoming document registered by the agency   |
 * | `incomingOverdue`        | its handling due date   | an incoming document not completed by its due date |
 * | `outgoing;signed=0|1`    | issue (ban hành)        | an outgoing document issued, digitally signed or not |
 *
 * Levels (province / department / district / commune) are not stored: a report groups agencies by
 * their level in the agency tree at report time, so a restructured tree regroups history too.
 */
import * as z from 'zod/mini';
import { cellName, type Fact, instantSchema, vietnamDayOfInstant } from './cells.ts';

const isoInstant = instantSchema;

/** A legacy document row of the import (NDJSON): one registered incoming or issued outgoing document. */
export const DocumentRecord = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  agency: z.string().check(z.minLength(3), z.maxLength(32)),
  direction: z.enum(['incoming', 'outgoing']),
  /** Registration (incoming) or issue (outgoing) instant. */
  at: isoInstant,
  /** Outgoing: issued with a digital signature. */
  signed: z.optional(z.boolean()),
  /** Incoming: its handling due date, and whether it was completed after it (or not at all). */
  dueAt: z.optional(isoInstant),
  overdue: z.optional(z.boolean()),
});
export type DocumentRecord = z.infer<typeof DocumentRecord>;

const day = (iso: string): string => vietnamDayOfInstant(iso);
const fact = (agency: string, at: string, cell: string): Fact => ({
  family: 'documents',
  agency,
  day: day(at),
  cells: { [cell]: 1 },
});

export const incomingFact = (agency: string, registeredAt: string) => fact(agency, registeredAt, 'incoming');
export const incomingOverdueFact = (agency: string, dueAt: string) => fact(agency, dueAt, 'incomingOverdue');
export const outgoingFact = (agency: string, issuedAt: string, signed: boolean) =>
  fact(agency, issuedAt, cellName('outgoing', { signed }));

export function documentRecordFacts(record: DocumentRecord): Fact[] {
  if (record.direction === 'outgoing')
    return [outgoingFact(record.agency, record.at, record.signed ?? false)];
  const facts = [incomingFact(record.agency, record.at)];
  if (record.overdue) facts.push(incomingOverdueFact(record.agency, record.dueAt ?? record.at));
  return facts;
}
