/**
 * Rebuild: recomputes the live aggregates of every family from the source records in the table,
 * compares them with the aggregates the consumer maintained, and with `write` replaces the live
 * items by the recomputed ones. Imports are rebuilt by running the import again (their items are
 * written whole). Cost: a scan of the table and one query per dossier, an ops command.
 *
 * | family      | source records                                                                 |
 * |-------------|--------------------------------------------------------------------------------|
 * | `dossiers`  | `DOSSIER#<id>` partitions: the item, its pauses, overdue apology-letter drafts |
 * | `documents` | `DOC#<id>`/META (issued outgoing), `INDOC#<id>`/META (registered, completed overdue) |
 * | `payments`  | `PAYMENT#<id>`/META (paid or refunded; a refund subtracts on its day)          |
 * | `usage`     | the same records, for `dossiersReceived`, `documentsSent`, `documentsReceived`, `payments` |
 *
 * Not recomputable, kept as maintained and left out of the comparison: usage `signatures` (a seal
 * signature leaves only a confirmed signed file, indistinguishable from other confirmed files),
 * `storageBytes` (signed files are stored confirmed without a FileConfirmed event, so confirmed
 * file items do not tell which bytes were billed) and `apiCalls` (only metered, source `meter`).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../platform/aws-clients.ts';
import { queryAll } from '../platform/query.ts';
import { tableName } from '../platform/table.ts';
import { Accumulator, type Cells, FAMILIES, type Fact, type Family, parseCell } from './cells.ts';
import { incomingFact, incomingOverdueFact, outgoingFact } from './document-facts.ts';
import { type DossierRecord, dossierRecordFacts, FULL_ONLINE_LEVEL } from './dossier-facts.ts';
import { usageFact } from './event-facts.ts';
import type { UsageMetric } from './indicators.ts';
import { paymentFact, refundFact } from './payment-facts.ts';
import { putAggregates, readAggregates } from './repository.ts';

/** The report view of a stored dossier partition (META, history, letters). */
export function recordOfStoredDossier(items: readonly Record<string, unknown>[]): DossierRecord | undefined {
  const meta = items.find((item) => item.SK === 'META' && item.entityType === 'dossier');
  if (!meta) return undefined;
  const status = meta.status as string;
  const final = status === 'returned' || status === 'denied' || status === 'cancelled';
  const procedure = meta.procedure as { field: string; code: string; onlineLevel: string };
  const channel = meta.channel as 'online' | 'counter';
  return {
    id: meta.id as string,
    agency: meta.receivingAgency as string,
    field: procedure.field,
    procedureCode: procedure.code,
    channel,
    delivery: (meta.delivery as { method: 'counter' | 'online' | 'postal' }).method,
    interAgency: meta.interAgency as boolean,
    fullyOnline: channel === 'online' && procedure.onlineLevel === FULL_ONLINE_LEVEL,
    receivedAt: (meta.receivedAt as string | undefined) ?? null,
    status: final ? (status as 'returned' | 'denied' | 'cancelled') : 'open',
    finishedAt: final ? ((meta.finishedAt as string | undefined) ?? null) : null,
    outcome: (meta.outcome as 'early' | 'on-time' | 'late' | undefined) ?? null,
    pausedAt: ((meta.pauses as { from: string }[] | undefined) ?? []).map((pause) => pause.from),
    overdueDueAts: items
      .filter((item) => item.entityType === 'apology-letter' && item.status === 'draft' && item.dueAt)
      .map((item) => item.dueAt as string),
  };
}

/** Usage metrics recomputed from stored records; the others are kept as maintained (see above). */
export const RECOMPUTED_USAGE: readonly UsageMetric[] = [
  'dossiersReceived',
  'documentsSent',
  'documentsReceived',
  'payments',
];
/** Usage metrics the rebuild cannot recompute from stored data. */
export const NOT_RECOMPUTED_USAGE: readonly UsageMetric[] = ['signatures', 'storageBytes', 'apiCalls'];

const recomputable = (family: Family, cell: string): boolean =>
  family !== 'usage' || RECOMPUTED_USAGE.includes(parseCell(cell).metric as UsageMetric);

const SOURCE_TYPES = ['dossier', 'document', 'incoming-document', 'payment'] as const;

/** META items of the source records (a paged scan). */
async function* sourceItems(): AsyncGenerator<Record<string, unknown>> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: 'SK = :meta AND entityType IN (:t0, :t1, :t2, :t3)',
        ExpressionAttributeValues: {
          ':meta': 'META',
          ...Object.fromEntries(SOURCE_TYPES.map((type, i) => [`:t${i}`, type])),
        },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) yield item;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** The facts of a stored outgoing document (`DOC#<id>`/META): issued, signed or not; billed as sent. */
export function outgoingDocumentFacts(meta: Record<string, unknown>): Fact[] {
  const issuedAt = meta.issuedAt as string | undefined;
  if (!issuedAt) return [];
  const agency = meta.agencyCode as string;
  return [
    outgoingFact(agency, issuedAt, meta.signedDigitally === true),
    usageFact(agency, issuedAt, 'documentsSent'),
  ];
}

/** The facts of a stored incoming document (`INDOC#<id>`/META): arrival, registration, overdue completion. */
export function incomingDocumentFacts(meta: Record<string, unknown>): Fact[] {
  const agency = meta.agencyCode as string;
  const facts = [usageFact(agency, meta.receivedAt as string, 'documentsReceived')];
  const registeredAt = meta.registeredAt as string | undefined;
  if (registeredAt) facts.push(incomingFact(agency, registeredAt));
  if (meta.overdue === true) {
    facts.push(
      incomingOverdueFact(agency, (meta.dueDate as string | undefined) ?? (meta.completedAt as string)),
    );
  }
  return facts;
}

/** The facts of a stored payment (`PAYMENT#<id>`/META): paid (and refunded) ones only. */
export function storedPaymentFacts(meta: Record<string, unknown>): Fact[] {
  const paidAt = meta.paidAt as string | undefined;
  const status = meta.status as string;
  if (!paidAt || (status !== 'paid' && status !== 'refunded')) return [];
  const payment = {
    agency: meta.agencyCode as string,
    procedureCode: meta.procedureCode as string,
    channel: 'online' as const,
  };
  const facts = [
    paymentFact({ ...payment, amount: meta.amount as number, paidAt }),
    usageFact(payment.agency, paidAt, 'payments'),
  ];
  const refund = meta.refund as { at: string; amount: number } | undefined;
  if (status === 'refunded' && refund)
    facts.push(refundFact({ ...payment, amount: refund.amount, refundedAt: refund.at }));
  return facts;
}

export interface RebuildOptions {
  /** Replace the live items by the recomputed ones (default: compare only). */
  readonly write?: boolean;
  /** Only records of these agencies (default: all). */
  readonly agencies?: readonly string[];
  /** Families to rebuild (default: all). */
  readonly families?: readonly Family[];
  readonly onProgress?: (records: number) => void;
}

export interface Difference {
  readonly family: Family;
  readonly agency: string;
  readonly day: string;
  readonly cell: string;
  readonly live: number;
  readonly recomputed: number;
}

export interface RebuildResult {
  /** Source records read, by kind. */
  readonly records: {
    dossiers: number;
    outgoingDocuments: number;
    incomingDocuments: number;
    payments: number;
  };
  /** Kept for callers of the dossier-only rebuild. */
  readonly dossiers: number;
  readonly items: number;
  readonly differences: readonly Difference[];
  readonly written: number;
  /** What the rebuild cannot recompute from stored data (kept as maintained, not compared). */
  readonly notRecomputed: readonly string[];
}

export async function recomputeAggregates(options: RebuildOptions = {}): Promise<{
  accumulator: Accumulator;
  records: RebuildResult['records'];
}> {
  const accumulator = new Accumulator();
  const only = options.agencies ? new Set(options.agencies) : undefined;
  const families = new Set(options.families ?? FAMILIES);
  const records = { dossiers: 0, outgoingDocuments: 0, incomingDocuments: 0, payments: 0 };
  const add = (facts: Fact[]) => {
    for (const fact of facts) {
      if (families.has(fact.family) && (!only || only.has(fact.agency))) accumulator.add(fact);
    }
  };
  let read = 0;
  for await (const meta of sourceItems()) {
    read += 1;
    if (read % 1000 === 0) options.onProgress?.(read);
    switch (meta.entityType) {
      case 'dossier': {
        if (!families.has('dossiers') && !families.has('usage')) break;
        if (only && !only.has(meta.receivingAgency as string)) break;
        const items = await queryAll({
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': meta.PK },
        });
        const record = recordOfStoredDossier(items);
        if (!record) break;
        records.dossiers += 1;
        const facts = dossierRecordFacts(record);
        if (record.receivedAt) facts.push(usageFact(record.agency, record.receivedAt, 'dossiersReceived'));
        add(facts);
        break;
      }
      case 'document':
        records.outgoingDocuments += 1;
        add(outgoingDocumentFacts(meta));
        break;
      case 'incoming-document':
        records.incomingDocuments += 1;
        add(incomingDocumentFacts(meta));
        break;
      case 'payment':
        records.payments += 1;
        add(storedPaymentFacts(meta));
        break;
    }
  }
  return { accumulator, records };
}

/** Kept for callers: the dossier family only. */
export async function recomputeDossierAggregates(
  options: RebuildOptions = {},
): Promise<{ accumulator: Accumulator; dossiers: number }> {
  const { accumulator, records } = await recomputeAggregates({ ...options, families: ['dossiers'] });
  return { accumulator, dossiers: records.dossiers };
}

const diff = (family: Family, agency: string, day: string, live: Cells, recomputed: Cells): Difference[] => {
  const differences: Difference[] = [];
  for (const cell of new Set([...Object.keys(live), ...Object.keys(recomputed)])) {
    if (!recomputable(family, cell)) continue;
    const a = live[cell] ?? 0;
    const b = recomputed[cell] ?? 0;
    if (a !== b) differences.push({ family, agency, day, cell, live: a, recomputed: b });
  }
  return differences;
};

/**
 * Compares the live aggregates of the families (default: all) with a recomputation from the source
 * records, and with `write` replaces every differing live item by the recomputed one (cells the
 * rebuild cannot recompute keep their maintained values).
 */
export async function rebuildAggregates(options: RebuildOptions = {}): Promise<RebuildResult> {
  const families = options.families ?? FAMILIES;
  const { accumulator, records } = await recomputeAggregates(options);
  const differences: Difference[] = [];
  const repaired = new Accumulator();
  for (const family of families) {
    const recomputedItems = [...accumulator.items.values()].filter((item) => item.family === family);
    const agencies = new Set(recomputedItems.map((item) => item.agency));
    for (const agency of options.agencies ?? []) agencies.add(agency);
    for (const agency of agencies) {
      const live = (await readAggregates(family, agency, '0000-00-00', '9999-12-31')).filter(
        (item) => item.source === 'live',
      );
      const liveByDay = new Map(live.map((item) => [item.day, item.cells]));
      const days = new Set([
        ...liveByDay.keys(),
        ...recomputedItems.filter((item) => item.agency === agency).map((item) => item.day),
      ]);
      for (const day of days) {
        const key = `${family}|${agency}|${day}`;
        const liveCells = liveByDay.get(day) ?? {};
        const recomputed = accumulator.items.get(key)?.cells ?? {};
        const found = diff(family, agency, day, liveCells, recomputed);
        if (found.length === 0) continue;
        differences.push(...found);
        // The item is rewritten whole: recomputed cells, plus the maintained cells not recomputed.
        const cells: Cells = { ...recomputed };
        for (const [cell, value] of Object.entries(liveCells)) {
          if (!recomputable(family, cell)) cells[cell] = value;
        }
        repaired.items.set(key, { family, agency, day, cells });
      }
    }
  }
  let written = 0;
  if (options.write && repaired.items.size > 0) written = await putAggregates(repaired, 'live');
  return {
    records,
    dossiers: records.dossiers,
    items: accumulator.items.size,
    differences,
    written,
    notRecomputed: families.includes('usage') ? NOT_RECOMPUTED_USAGE.map((metric) => `usage:${metric}`) : [],
  };
}

/** Compares the live dossier aggregates of the agencies with a recomputation (and repairs them with `write`). */
export const rebuildDossierAggregates = (options: RebuildOptions = {}): Promise<RebuildResult> =>
  rebuildAggregates({ ...options, families: ['dossiers'] });
