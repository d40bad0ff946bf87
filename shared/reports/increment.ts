/**
 * Keys of aggregate items and the one update that adds counts to them (inside a domain change, or
 * alone for the API-call meter): kept apart from ./repository.ts so the meter, loaded by every API
 * function, bundles only this.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../platform/aws-clients.ts';
import { tableName } from '../platform/table.ts';
import type { Fact, Family } from './cells.ts';

export const ENTITY_AGGREGATE = 'aggregate';
export const CELL_PREFIX = 'c|';

export const aggregatePartition = (family: Family, agency: string) => `AGG#${family}#${agency}`;
export const aggregateKey = (family: Family, agency: string, day: string, source: string) => ({
  PK: aggregatePartition(family, agency),
  SK: `${day}#${source}`,
});

export function incrementUpdate(fact: Fact, source: string) {
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

/**
 * Adds counts outside a domain change (the API-call meter's batched flush), at most once per `token`:
 * an ADD is not idempotent, so it goes as a one-item transaction whose ClientRequestToken makes a
 * re-send after a lost answer (the SDK's, or the meter's next flush) a no-op for 10 minutes.
 */
export async function addToAggregate(fact: Fact, source: string, token: string): Promise<void> {
  await ddb().send(
    new TransactWriteCommand({
      TransactItems: [{ Update: incrementUpdate(fact, source) }],
      ClientRequestToken: token,
    }),
  );
}
