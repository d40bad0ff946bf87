/**
 * A report: the aggregate items of the agencies in scope over a day range, summed by a grouping,
 * turned into indicators (./indicators.ts). Cost: one key query per agency in scope, reading one
 * item per day and source, whatever the number of dossiers or documents behind them.
 */
import { vietnamDayOf } from '#shared/calendar/civil-date.ts';
import type { Principal } from '../http/auth.ts';
import { NotFoundError, ValidationError } from '../http/errors.ts';
import { now } from '../platform/clock.ts';
import { queryAll } from '../platform/query.ts';
import { type Cells, type Family, parseCell } from './cells.ts';
import { type Indicators, indicatorsOf } from './indicators.ts';
import { type AggregateItem, readAggregatesOf } from './repository.ts';

export const GROUP_BY = ['agency', 'level', 'field', 'procedure', 'month', 'none'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** Longest range one report may cover (days), so a request's cost stays bounded. */
export const MAX_RANGE_DAYS = 1100;

export interface ReportRequest {
  readonly family: Family;
  /** The agency reported on; with `includeChildren`, its whole subtree. */
  readonly agency: string;
  readonly from: string;
  readonly to: string;
  readonly groupBy: GroupBy;
  readonly includeChildren: boolean;
  /** Only agencies of these levels (e.g. district + commune, as the one-stop software reports). */
  readonly levels?: readonly string[] | undefined;
}

export interface ReportRow {
  readonly key: string;
  /** Agency name (groupBy agency), level slug (groupBy level) … */
  readonly label: string;
  readonly indicators: Indicators;
}

export interface Report {
  readonly family: Family;
  readonly agency: { code: string; name: string; level: string };
  readonly from: string;
  readonly to: string;
  readonly groupBy: GroupBy;
  readonly includeChildren: boolean;
  readonly levels: readonly string[] | null;
  /** Agencies whose counts are included. */
  readonly agencyCount: number;
  readonly total: Indicators;
  readonly rows: readonly ReportRow[];
  readonly generatedAt: string;
}

export interface AgencyInfo {
  readonly code: string;
  readonly name: string;
  readonly level: string;
  readonly ancestors: readonly string[];
}

const TREE_TTL_MS = 15_000;
let tree: { at: number; byCode: Map<string, AgencyInfo> } | undefined;

/** Every agency of the province (one key query on GSI1), cached for a minute per container. */
export async function agencyTree(): Promise<Map<string, AgencyInfo>> {
  if (tree && Date.now() - tree.at < TREE_TTL_MS) return tree.byCode;
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': 'AGENCIES' },
  });
  const byCode = new Map<string, AgencyInfo>();
  for (const item of items) {
    byCode.set(item.code as string, {
      code: item.code as string,
      name: item.name as string,
      level: item.level as string,
      ancestors: (item.ancestors as string[]) ?? [],
    });
  }
  tree = { at: Date.now(), byCode };
  return byCode;
}

/** Test hook: agencies created by a test are seen at once. */
export const forgetAgencyTree = (): void => {
  tree = undefined;
};

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

export function assertRange(from: string, to: string): void {
  if (from > to) {
    throw new ValidationError([
      { path: 'query.from', message: '`from` must not be after `to`', code: 'invalid_range' },
    ]);
  }
  if (daysBetween(from, to) > MAX_RANGE_DAYS) {
    throw new ValidationError([
      { path: 'query.to', message: `A report covers at most ${MAX_RANGE_DAYS} days`, code: 'too_big' },
    ]);
  }
}

/** The agencies in scope: the agency, and with children its whole subtree. */
export async function scopeOf(agency: string, includeChildren: boolean): Promise<AgencyInfo[]> {
  let byCode = await agencyTree();
  if (!byCode.has(agency)) {
    forgetAgencyTree(); // created since the tree was cached?
    byCode = await agencyTree();
  }
  const root = byCode.get(agency);
  if (!root) throw new NotFoundError(`No agency ${agency}`);
  if (!includeChildren) return [root];
  return [root, ...[...byCode.values()].filter((candidate) => candidate.ancestors.includes(agency))];
}

function groupKey(groupBy: GroupBy, item: AggregateItem, cell: string, info: AgencyInfo | undefined): string {
  switch (groupBy) {
    case 'agency':
      return item.agency;
    case 'level':
      return info?.level ?? 'unknown';
    case 'month':
      return item.day.slice(0, 7);
    case 'field':
      return parseCell(cell).dimensions.field ?? '(none)';
    case 'procedure':
      return parseCell(cell).dimensions.procedure ?? '(none)';
    case 'none':
      return 'total';
  }
}

/** Sums items into cells per group (pure; exported for tests and the benchmark). */
export function summarise(
  items: readonly AggregateItem[],
  groupBy: GroupBy,
  agencies: ReadonlyMap<string, AgencyInfo>,
): { total: Cells; groups: Map<string, Cells> } {
  const total: Cells = {};
  const groups = new Map<string, Cells>();
  for (const item of items) {
    const info = agencies.get(item.agency);
    for (const [cell, value] of Object.entries(item.cells)) {
      total[cell] = (total[cell] ?? 0) + value;
      const key = groupKey(groupBy, item, cell, info);
      let cells = groups.get(key);
      if (!cells) {
        cells = {};
        groups.set(key, cells);
      }
      cells[cell] = (cells[cell] ?? 0) + value;
    }
  }
  return { total, groups };
}

export async function buildReport(request: ReportRequest): Promise<Report> {
  assertRange(request.from, request.to);
  const scope = (await scopeOf(request.agency, request.includeChildren)).filter(
    (info) => !request.levels?.length || request.levels.includes(info.level),
  );
  if (scope.length === 0) {
    throw new ValidationError([
      { path: 'query.levels', message: 'No agency of these levels in scope', code: 'invalid_value' },
    ]);
  }
  const byCode = new Map(scope.map((info) => [info.code, info]));
  const items = await readAggregatesOf(
    request.family,
    scope.map((info) => info.code),
    request.from,
    request.to,
  );
  const { total, groups } = summarise(items, request.groupBy, byCode);
  const indicators = indicatorsOf[request.family];
  const keys =
    request.groupBy === 'agency'
      ? scope.map((info) => info.code)
      : [...groups.keys()].sort((a, b) => a.localeCompare(b, 'vi'));
  const rows = keys.map((key) => ({
    key,
    label: request.groupBy === 'agency' ? (byCode.get(key)?.name ?? key) : key,
    indicators: indicators(groups.get(key) ?? {}),
  }));
  const root = (await agencyTree()).get(request.agency)!;
  return {
    family: request.family,
    agency: { code: root.code, name: root.name, level: root.level },
    from: request.from,
    to: request.to,
    groupBy: request.groupBy,
    includeChildren: request.includeChildren,
    levels: request.levels?.length ? [...request.levels] : null,
    agencyCount: scope.length,
    total: indicators(total),
    rows,
    generatedAt: now().toISOString(),
  };
}

/** Today in Vietnam (the default end of a report). */
export const today = (): string => vietnamDayOf(now());

/** First and last day of a `YYYY-MM` month. */
export function monthRange(month: string): { from: string; to: string } {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** Usage of every agency of the province over a month, one row per agency (billing). */
export async function buildUsageReport(month: string): Promise<Report> {
  const { from, to } = monthRange(month);
  const byCode = await agencyTree();
  const agencies = [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  const items = await readAggregatesOf(
    'usage',
    agencies.map((info) => info.code),
    from,
    to,
  );
  const { total, groups } = summarise(items, 'agency', byCode);
  const indicators = indicatorsOf.usage;
  const root = agencies.find((info) => info.ancestors.length === 0) ?? agencies[0];
  return {
    family: 'usage',
    agency: root
      ? { code: root.code, name: root.name, level: root.level }
      : { code: '', name: '', level: '' },
    from,
    to,
    groupBy: 'agency',
    includeChildren: true,
    levels: null,
    agencyCount: agencies.length,
    total: indicators(total),
    rows: agencies.map((info) => ({
      key: info.code,
      label: info.name,
      indicators: indicators(groups.get(info.code) ?? {}),
    })),
    generatedAt: now().toISOString(),
  };
}

/** The agency a report is about: the one asked for, else the caller's own. */
export function reportAgency(query: { agency?: string | undefined }, principal: Principal): string {
  const agency = query.agency ?? principal.agencyCode;
  if (!agency) {
    throw new ValidationError([
      { path: 'query.agency', message: 'Name the agency to report on', code: 'required' },
    ]);
  }
  return agency;
}
