/**
 * Aggregate items: per family, agency and Vietnam day, one item per source of its counts.
 *
 * | access pattern                                   | index | PK                         | SK                      |
 * |--------------------------------------------------|-------|----------------------------|-------------------------|
 * | an agency's counts of a family over a day range  | table | `AGG#<family>#<agency>`    | `<yyyy-mm-dd>#<source>` (BETWEEN) |
 *
 * Sources: `live` (the aggregator consumer, one transaction per event with its dedupe marker),
 * `meter` (batched API-call counts), `import#<importId>` (a legacy import's totals, written whole
 * and idempotently). A report reads days × agencies items, whatever the number of records.
 * Counters are top-level attributes named `c|<cell>` (so `ADD` needs no map to exist first).
 */

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ddb } from '../platform/aws-clients.ts';
import type { DomainWrite } from '../platform/change.ts';
import { queryAll } from '../platform/query.ts';
import { backoff } from '../platform/retry.ts';
import { tableName } from '../platform/table.ts';
import type { Accumulator, Cells, Fact, Family } from './cells.ts';

export const ENTITY_AGGREGATE = 'aggregate';
const CELL_PREFIX = 'c|';

export const aggregatePartition = (family: Family, agency: string) => `AGG#${family}#${agency}`;
export const aggregateKey = (family: Family, agency: string, day: string, source: string) => ({
  PK: aggregatePartition(family, agency),
  SK: `${day}#${source}`,
});

export interface AggregateItem {
  readonly family: Family;
  readonly agency: string;
  readonly day: string;
  readonly source: string;
  readonly cells: Cells;
}

function cellsOf(item: Record<string, unknown>): Cells {
  const cells: Cells = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(CELL_PREFIX) && typeof value === 'number')
      cells[name.slice(CELL_PREFIX.length)] = value;
  }
  return cells;
}

/** Facts merged per item (family, agency, day). */
function mergeFacts(facts: readonly Fact[]): Fact[] {
  const merged = new Map<string, { family: Family; agency: string; day: string; cells: Cells }>();
  for (const fact of facts) {
    const key = `${fact.family}|${fact.agency}|${fact.day}`;
    const item = merged.get(key) ?? { family: fact.family, agency: fact.agency, day: fact.day, cells: {} };
    for (const [cell, n] of Object.entries(fact.cells)) item.cells[cell] = (item.cells[cell] ?? 0) + n;
    merged.set(key, item);
  }
  return [...merged.values()];
}

function incrementUpdate(fact: Fact, source: string) {
  const names: Record<string, string> = {
    '#family': 'family',
    '#agency': 'agency',
    '#day': 'day',
    '#source': 'source',
    '#type': 'entityType',
  };
  const values: Record<string, unknown> = {
    ':family': fact.family,
    ':agency': fact.agency,
    ':day': fact.day,
    ':source': source,
    ':type': ENTITY_AGGREGATE,
  };
  const adds: string[] = [];
  Object.entries(fact.cells).forEach(([cell, n], i) => {
    names[`#c${i}`] = `${CELL_PREFIX}${cell}`;
    values[`:c${i}`] = n;
    adds.push(`#c${i} :c${i}`);
  });
  return {
    TableName: tableName(),
    Key: aggregateKey(fact.family, fact.agency, fact.day, source),
    UpdateExpression: `SET #family = :family, #agency = :agency, #day = :day, #source = :source, #type = :type ADD ${adds.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Applies an event's facts to the live aggregates together with the consumer's dedupe marker, in
 * one transaction: the increments happen exactly once per event. Aggregates are a projection
 * rebuilt from source records (./rebuild.ts), not a domain change, so no audit record is written.
 */
export async function applyLiveFacts(facts: readonly Fact[], consumed: DomainWrite): Promise<void> {
  const updates: TransactItem[] = mergeFacts(facts).map((fact) => ({
    Update: incrementUpdate(fact, 'live'),
  }));
  for (let attempt = 1; ; attempt += 1) {
    try {
      await ddb().send(new TransactWriteCommand({ TransactItems: [consumed.item, ...updates] }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        throw consumed.onConditionFailed?.() ?? error;
      }
      // Two events of one agency and day raced on the same item: try again.
      if (attempt >= 8) throw error;
      await backoff(attempt);
    }
  }
}

/** Adds counts outside a transaction (the API-call meter's batched flush). */
export async function addToAggregate(fact: Fact, source: string): Promise<void> {
  await ddb().send(new UpdateCommand(incrementUpdate(fact, source)));
}

const BATCH = 25;

/**
 * Writes whole items (an import's totals, a rebuild's result) with PUT: writing them again gives
 * the same state, so an interrupted import or rebuild is simply run again.
 */
export async function putAggregates(
  accumulator: Accumulator,
  source: string,
  concurrency = 6,
): Promise<number> {
  const table = tableName();
  const items = [...accumulator.items.values()].map((item) => {
    const attributes: Record<string, unknown> = {
      ...aggregateKey(item.family, item.agency, item.day, source),
      entityType: ENTITY_AGGREGATE,
      family: item.family,
      agency: item.agency,
      day: item.day,
      source,
    };
    for (const [cell, n] of Object.entries(item.cells)) attributes[`${CELL_PREFIX}${cell}`] = n;
    return attributes;
  });
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += BATCH) batches.push(items.slice(i, i + BATCH));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 1; requests.length > 0; attempt += 1) {
        const result = await ddb().send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
        if (requests.length > 0) {
          if (attempt >= 10) throw new Error('Aggregate batch write kept being throttled');
          await backoff(attempt);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return items.length;
}

/** Every aggregate item of one agency and family within [from, to] (days, inclusive). */
export async function readAggregates(
  family: Family,
  agency: string,
  from: string,
  to: string,
): Promise<AggregateItem[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': aggregatePartition(family, agency), ':from': from, ':to': `${to}#~` },
  });
  return items.map((item) => ({
    family,
    agency,
    day: item.day as string,
    source: item.source as string,
    cells: cellsOf(item),
  }));
}

/** The same for many agencies, a bounded number of queries at a time. */
export async function readAggregatesOf(
  family: Family,
  agencies: readonly string[],
  from: string,
  to: string,
  concurrency = 16,
): Promise<AggregateItem[]> {
  const result: AggregateItem[] = [];
  let next = 0;
  const worker = async () => {
    while (next < agencies.length) {
      const agency = agencies[next++]!;
      result.push(...(await readAggregates(family, agency, from, to)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, agencies.length) }, worker));
  return result;
}
