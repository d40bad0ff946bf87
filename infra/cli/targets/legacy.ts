/**
 * Legacy records from the province's earlier one-stop and document systems, imported so reports
 * cover the years before the platform. Each record keeps its legacy identity in its key, so an
 * import that is re-run or resumed writes each record once (present = kept).
 *
 * | access pattern                                  | index | PK                                   | SK                    |
 * |-------------------------------------------------|-------|--------------------------------------|-----------------------|
 * | a legacy dossier                                | table | `LEGACY#DOSSIER#<agency>#<code>`     | `META`                |
 * | an agency's legacy dossiers by receipt date     | GSI1  | `LEGACY#DOSSIERS#<agency>`           | `<receivedAt>#<code>` |
 * | a legacy document                               | table | `LEGACY#DOCUMENT#<agency>#<direction>#<year>#<number>` | `META` |
 * | an agency's legacy documents by date            | GSI1  | `LEGACY#DOCUMENTS#<agency>#<direction>` | `<date>#<number>`  |
 *
 * The reports engine (issue #9) reads these records; when its importer library lands, these
 * writers delegate to it (see docs/extending.md § Import).
 */
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import { outcomeOf } from '#shared/dossiers/dossier.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { backoff } from '#shared/platform/retry.ts';
import { tableName } from '#shared/platform/table.ts';
import type { ImportTarget, WriteResult } from '../import-engine.ts';
import { cell, defined, parseRow, type Row } from '../rows.ts';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const instant = z.iso.datetime({ offset: true });
const yes = (value: unknown) =>
  typeof value === 'boolean'
    ? value
    : value === undefined
      ? undefined
      : ['true', '1', 'yes', 'x'].includes(String(value).toLowerCase());

export const LegacyDossier = z
  .strictObject({
    /** The dossier number in the legacy system (mã hồ sơ). */
    code: text(64),
    agencyCode: agencyCodeSchema,
    procedureCode: text(100),
    procedureName: z.optional(text(500)),
    /** Lĩnh vực. */
    field: z.optional(text(200)),
    applicantKind: z.enum(['citizen', 'business']),
    applicantName: text(300),
    channel: z.enum(['online', 'counter', 'postal']),
    status: z.enum(['processing', 'returned', 'denied', 'cancelled']),
    receivedAt: instant,
    dueAt: instant,
    returnedAt: z.optional(instant),
  })
  .check(
    z.refine((d) => d.status !== 'returned' || d.returnedAt !== undefined, {
      message: 'a returned dossier needs returnedAt',
      path: ['returnedAt'],
    }),
    z.refine((d) => new Date(d.dueAt) >= new Date(d.receivedAt), {
      message: 'dueAt is before receivedAt',
      path: ['dueAt'],
    }),
  );
export type LegacyDossier = z.infer<typeof LegacyDossier>;

export const LegacyDocument = z.strictObject({
  agencyCode: agencyCodeSchema,
  direction: z.enum(['incoming', 'outgoing']),
  /** Số (the registration number in the book of its year). */
  number: z.number().check(z.int(), z.positive()),
  /** Ký hiệu, e.g. `KH-UBND`. */
  notation: z.optional(text(100)),
  documentType: text(100),
  subject: text(1000),
  /** Issue date (outgoing) or arrival date (incoming). */
  date: z.iso.date(),
  signedDigitally: z.optional(z.boolean()),
});
export type LegacyDocument = z.infer<typeof LegacyDocument>;

/** A CSV row has strings; a JSON row is taken as it is. */
const cells = (row: Row): Record<string, unknown> =>
  defined(
    Object.fromEntries(Object.entries(row.value).map(([k, x]) => [k, typeof x === 'string' ? cell(x) : x])),
  );

function documentInput(row: Row): unknown {
  const v = cells(row);
  const number = typeof v.number === 'string' && /^\d+$/.test(v.number) ? Number(v.number) : v.number;
  return defined({ ...v, number, signedDigitally: yes(v.signedDigitally) });
}

/**
 * Writes the records not there yet: one BatchGet to find which keys exist, one BatchWrite for the
 * rest (2 requests per 25 rows). Keys are deterministic, so a record written twice (a resumed batch,
 * a concurrent run) is overwritten with itself, never duplicated.
 */
async function putOnce(items: readonly Record<string, unknown>[]): Promise<WriteResult> {
  const table = tableName();
  const existing = new Set<string>();
  let keys: Record<string, unknown>[] = items.map((item) => ({ PK: item.PK, SK: item.SK }));
  for (let attempt = 0; keys.length > 0; attempt += 1) {
    if (attempt > 0) await backoff(attempt, 50, 2_000);
    const result = await ddb().send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'PK' } } }),
    );
    for (const item of result.Responses?.[table] ?? []) existing.add(item.PK as string);
    keys = (result.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
  }
  const fresh = items.filter((item) => !existing.has(item.PK as string));
  let requests: { PutRequest: { Item: Record<string, unknown> } }[] = fresh.map((Item) => ({
    PutRequest: { Item },
  }));
  for (let attempt = 0; requests.length > 0; attempt += 1) {
    if (attempt > 0) await backoff(attempt, 50, 2_000);
    const result = await ddb().send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
    requests = (result.UnprocessedItems?.[table] as typeof requests | undefined) ?? [];
  }
  return { created: fresh.length, kept: items.length - fresh.length };
}

export const legacyDossierKey = (agencyCode: string, code: string) => ({
  PK: `LEGACY#DOSSIER#${agencyCode}#${code}`,
  SK: 'META',
});
export const legacyDossierPartition = (agencyCode: string) => `LEGACY#DOSSIERS#${agencyCode}`;

export function legacyDossiersTarget(importId: string): ImportTarget<LegacyDossier> {
  return {
    name: 'legacy-dossiers',
    batchSize: 25,
    parse: (row) => parseRow(LegacyDossier, row, cells(row)),
    keyOf: (d) => `${d.agencyCode}#${d.code}`,
    write: (records) =>
      putOnce(
        records.map((d) => ({
          ...legacyDossierKey(d.agencyCode, d.code),
          GSI1PK: legacyDossierPartition(d.agencyCode),
          GSI1SK: `${d.receivedAt}#${d.code}`,
          entityType: 'legacy-dossier',
          ...d,
          ...(d.returnedAt ? { outcome: outcomeOf(d.dueAt, d.returnedAt) } : {}),
          importId,
          importedAt: new Date().toISOString(),
        })),
      ),
  };
}

export function legacyDocumentsTarget(importId: string): ImportTarget<LegacyDocument> {
  const key = (d: LegacyDocument) => `${d.agencyCode}#${d.direction}#${d.date.slice(0, 4)}#${d.number}`;
  return {
    name: 'legacy-documents',
    batchSize: 25,
    parse: (row) => parseRow(LegacyDocument, row, documentInput(row)),
    keyOf: key,
    write: (records) =>
      putOnce(
        records.map((d) => ({
          PK: `LEGACY#DOCUMENT#${key(d)}`,
          SK: 'META',
          GSI1PK: `LEGACY#DOCUMENTS#${d.agencyCode}#${d.direction}`,
          GSI1SK: `${d.date}#${String(d.number).padStart(8, '0')}`,
          entityType: 'legacy-document',
          ...d,
          importId,
          importedAt: new Date().toISOString(),
        })),
      ),
  };
}
