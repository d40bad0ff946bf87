/**
 * Rebuild: recomputes the live dossier aggregates from the source records (every stored dossier:
 * its item, its pauses, and the overdue apology-letter drafts the deadline job recorded in its
 * partition), compares them with the aggregates the consumer maintained, and with `write` replaces
 * the live items by the recomputed ones. Imports are rebuilt by running the import again (their
 * items are written whole). Cost: a scan of the table and one query per dossier, an ops command.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../platform/aws-clients.ts';
import { queryAll } from '../platform/query.ts';
import { tableName } from '../platform/table.ts';
import { Accumulator, type Cells } from './cells.ts';
import { type DossierRecord, dossierRecordFacts, FULL_ONLINE_LEVEL } from './dossier-facts.ts';
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

/** Dossier ids of the table (a paged scan of dossier items). */
async function* dossierIds(): AsyncGenerator<string> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: 'entityType = :type AND SK = :meta',
        ExpressionAttributeValues: { ':type': 'dossier', ':meta': 'META' },
        ProjectionExpression: 'id',
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) yield item.id as string;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

export interface RebuildOptions {
  /** Replace the live items by the recomputed ones (default: compare only). */
  readonly write?: boolean;
  /** Only dossiers of these receiving agencies (default: all). */
  readonly agencies?: readonly string[];
  readonly onProgress?: (dossiers: number) => void;
}

export interface Difference {
  readonly agency: string;
  readonly day: string;
  readonly cell: string;
  readonly live: number;
  readonly recomputed: number;
}

export interface RebuildResult {
  readonly dossiers: number;
  readonly items: number;
  readonly differences: readonly Difference[];
  readonly written: number;
}

export async function recomputeDossierAggregates(
  options: RebuildOptions = {},
): Promise<{ accumulator: Accumulator; dossiers: number }> {
  const accumulator = new Accumulator();
  const only = options.agencies ? new Set(options.agencies) : undefined;
  let dossiers = 0;
  for await (const id of dossierIds()) {
    const items = await queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `DOSSIER#${id}` },
    });
    const record = recordOfStoredDossier(items);
    if (!record || (only && !only.has(record.agency))) continue;
    dossiers += 1;
    accumulator.addAll(dossierRecordFacts(record));
    if (dossiers % 1000 === 0) options.onProgress?.(dossiers);
  }
  return { accumulator, dossiers };
}

const diff = (agency: string, day: string, live: Cells, recomputed: Cells): Difference[] => {
  const differences: Difference[] = [];
  for (const cell of new Set([...Object.keys(live), ...Object.keys(recomputed)])) {
    const a = live[cell] ?? 0;
    const b = recomputed[cell] ?? 0;
    if (a !== b) differences.push({ agency, day, cell, live: a, recomputed: b });
  }
  return differences;
};

/** Compares the live dossier aggregates of the agencies with a recomputation (and repairs them with `write`). */
export async function rebuildDossierAggregates(options: RebuildOptions = {}): Promise<RebuildResult> {
  const { accumulator, dossiers } = await recomputeDossierAggregates(options);
  const agencies = new Set([...accumulator.items.values()].map((item) => item.agency));
  for (const agency of options.agencies ?? []) agencies.add(agency);
  const differences: Difference[] = [];
  const stale = new Accumulator();
  for (const agency of agencies) {
    const live = (await readAggregates('dossiers', agency, '0000-00-00', '9999-12-31')).filter(
      (item) => item.source === 'live',
    );
    const liveByDay = new Map(live.map((item) => [item.day, item.cells]));
    const days = new Set([
      ...liveByDay.keys(),
      ...[...accumulator.items.values()].filter((item) => item.agency === agency).map((item) => item.day),
    ]);
    for (const day of days) {
      const recomputed = accumulator.items.get(`dossiers|${agency}|${day}`)?.cells ?? {};
      const found = diff(agency, day, liveByDay.get(day) ?? {}, recomputed);
      differences.push(...found);
      // A live item with no recomputed counts is rewritten empty.
      if (found.length > 0 && !accumulator.items.has(`dossiers|${agency}|${day}`)) {
        stale.items.set(`dossiers|${agency}|${day}`, { family: 'dossiers', agency, day, cells: {} });
      }
    }
  }
  let written = 0;
  if (options.write && differences.length > 0) {
    for (const [key, item] of stale.items) accumulator.items.set(key, item);
    written = await putAggregates(accumulator, 'live');
  }
  return { dossiers, items: accumulator.items.size, differences, written };
}
