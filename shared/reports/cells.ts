/**
 * Counter cells: the unit every indicator is built from. Pure, no AWS.
 *
 * A fact ("a dossier was received online at agency A on day D, field Hộ tịch") increments one or
 * more cells of the aggregate item of (family, agency, day). A cell is named by its metric and its
 * dimensions, written canonically (`received;channel=online;field=Hộ tịch`), so a report can sum
 * cells by any dimension (field, channel, procedure …) without the aggregator knowing about it.
 * Increments commute, so facts may be applied in any order; each fact is applied once (the
 * consumer's dedupe marker commits in the same transaction as the increments).
 */
import * as z from 'zod/mini';
import { vietnamDayOf } from '#shared/calendar/civil-date.ts';

/** Indicator families: each is a declarative mapping from events (or imported rows) to facts. */
export const FAMILIES = ['dossiers', 'documents', 'payments', 'usage'] as const;
export type Family = (typeof FAMILIES)[number];

export type Dimensions = Readonly<Record<string, string | number | boolean | undefined>>;

/** One set of increments to the aggregate item of (family, agency, day). */
export interface Fact {
  readonly family: Family;
  readonly agency: string;
  /** Vietnam civil day, `YYYY-MM-DD`. */
  readonly day: string;
  /** Cell name → increment (counts, VND amounts, bytes). */
  readonly cells: Readonly<Record<string, number>>;
}

const UNSAFE = /[;=\n\r]/;
const clean = (value: string): string =>
  UNSAFE.test(value) ? value.replace(/[;=\n\r]/g, ' ').trim() : value.trim();

/** The canonical cell name of a metric and its dimensions (sorted; undefined dimensions left out). */
export function cellName(metric: string, dimensions: Dimensions = {}): string {
  let name = clean(metric);
  for (const key of Object.keys(dimensions).sort()) {
    const value = dimensions[key];
    if (value === undefined) continue;
    name += `;${key}=${clean(typeof value === 'boolean' ? (value ? '1' : '0') : String(value))}`;
  }
  return name;
}

const dayCache = new Map<string, string>();

/**
 * The Vietnam civil day (`YYYY-MM-DD`) of an ISO 8601 instant. Instants written in UTC (`…Z`, what
 * the platform writes) are memoised by their UTC hour: imports call this millions of times.
 */
export function vietnamDayOfInstant(iso: string): string {
  if (iso.length >= 20 && iso[10] === 'T' && iso.endsWith('Z')) {
    const hour = iso.slice(0, 13);
    let day = dayCache.get(hour);
    if (day === undefined) {
      day = vietnamDayOf(new Date(`${hour}:00:00Z`));
      if (dayCache.size > 200_000) dayCache.clear();
      dayCache.set(hour, day);
    }
    return day;
  }
  return vietnamDayOf(new Date(iso));
}

export interface ParsedCell {
  readonly metric: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

const parsedCache = new Map<string, ParsedCell>();

export function parseCell(name: string): ParsedCell {
  const hit = parsedCache.get(name);
  if (hit) return hit;
  const [metric = '', ...parts] = name.split(';');
  const dimensions: Record<string, string> = {};
  for (const part of parts) {
    const at = part.indexOf('=');
    if (at > 0) dimensions[part.slice(0, at)] = part.slice(at + 1);
  }
  const parsed = { metric, dimensions };
  if (parsedCache.size < 50_000) parsedCache.set(name, parsed);
  return parsed;
}

/** Counters of one (family, agency, day): cell name → value. */
export type Cells = Record<string, number>;

/**
 * Aggregates in memory, keyed by family, agency and day: what the importer, the rebuild and the
 * property tests fold facts into, and what the stored aggregate items hold.
 */
export class Accumulator {
  readonly items = new Map<string, { family: Family; agency: string; day: string; cells: Cells }>();

  add(fact: Fact): void {
    const key = `${fact.family}|${fact.agency}|${fact.day}`;
    let item = this.items.get(key);
    if (!item) {
      item = { family: fact.family, agency: fact.agency, day: fact.day, cells: {} };
      this.items.set(key, item);
    }
    for (const [cell, increment] of Object.entries(fact.cells)) {
      item.cells[cell] = (item.cells[cell] ?? 0) + increment;
    }
  }

  addAll(facts: Iterable<Fact>): void {
    for (const fact of facts) this.add(fact);
  }

  /** Items sorted by key, with zero cells dropped (a comparison baseline). */
  snapshot(): Record<string, Cells> {
    const result: Record<string, Cells> = {};
    for (const key of [...this.items.keys()].sort()) {
      const cells = this.items.get(key)!.cells;
      const kept: Cells = {};
      for (const name of Object.keys(cells).sort()) if (cells[name] !== 0) kept[name] = cells[name]!;
      if (Object.keys(kept).length > 0) result[key] = kept;
    }
    return result;
  }

  toJSON(): unknown {
    return [...this.items.values()];
  }

  static fromJSON(value: unknown): Accumulator {
    const accumulator = new Accumulator();
    for (const item of value as { family: Family; agency: string; day: string; cells: Cells }[]) {
      accumulator.add(item);
    }
    return accumulator;
  }
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 instant with its offset (`2021-11-14T02:00:00Z`): a light check, run once per imported row. */
export const instantSchema = z
  .string()
  .check(
    z.refine(
      (text) => INSTANT.test(text) && Number.isFinite(Date.parse(text)),
      'An ISO 8601 instant with an offset, e.g. 2021-11-14T09:00:00+07:00',
    ),
  );
