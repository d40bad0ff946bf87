/** Persistence of agencies in the main table (keys: ./keys.ts). */
import {
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../http/errors.ts';
import { assertIfMatch, type IfMatch, ifMatchCondition } from '../http/etag.ts';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, type Page } from '../http/pagination.ts';
import { ddb } from '../platform/aws-clients.ts';
import {
  cancellationCodes,
  isConditionalCheckFailed,
  nowIso,
  stripKeys,
  tableName,
} from '../platform/table.ts';
import { type Agency, ancestorsUnder, type CreateAgency, type UpdateAgency } from './agency.ts';
import { agencyIndexKeys, agencyKey, ENTITY_AGENCY } from './keys.ts';

/** The API shape of a stored item, fields in a reader-friendly order. */
function toAgency(item: Record<string, unknown>): Agency {
  const { code, name, shortName, level, parentCode, ancestors, childCount, ...rest } = stripKeys(
    item,
  ) as Agency;
  return { code, name, shortName, level, parentCode, ancestors, childCount, ...rest };
}

export async function getAgency(code: string): Promise<Agency | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: agencyKey(code) }));
  return Item ? toAgency(Item) : undefined;
}

export async function requireAgency(code: string): Promise<Agency> {
  const agency = await getAgency(code);
  if (!agency) throw new NotFoundError(`Agency ${code} does not exist`);
  return agency;
}

/**
 * Creates an agency under an existing parent, in one transaction that also counts the child on
 * the parent (so "has children" is strongly consistent for deletes).
 */
export async function createAgency(input: CreateAgency): Promise<Agency> {
  const parentCode = input.parentCode ?? null;
  const parent = parentCode ? await getAgency(parentCode) : undefined;
  if (parentCode && !parent) {
    throw new ValidationError([
      {
        path: 'body.parentCode',
        message: `Parent agency ${parentCode} does not exist`,
        code: 'parent_not_found',
      },
    ]);
  }
  const now = nowIso();
  const agency: Agency = {
    ...input,
    parentCode,
    ancestors: ancestorsUnder(parent),
    childCount: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const put = {
    Put: {
      TableName: tableName(),
      Item: { ...agencyKey(agency.code), ...agencyIndexKeys(agency), entityType: ENTITY_AGENCY, ...agency },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
  const countOnParent = parentCode
    ? [
        {
          Update: {
            TableName: tableName(),
            Key: agencyKey(parentCode),
            UpdateExpression: 'ADD childCount :one',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ]
    : [];
  try {
    await ddb().send(new TransactWriteCommand({ TransactItems: [put, ...countOnParent] }));
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes?.[0] === 'ConditionalCheckFailed')
      throw new ConflictError(`Agency ${agency.code} already exists`);
    if (codes?.[1] === 'ConditionalCheckFailed') {
      throw new ValidationError([
        {
          path: 'body.parentCode',
          message: `Parent agency ${parentCode} does not exist`,
          code: 'parent_not_found',
        },
      ]);
    }
    throw error;
  }
  return agency;
}

export interface ListAgenciesFilter {
  level?: string | undefined;
  parent?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export async function listAgencies(filter: ListAgenciesFilter): Promise<Page<Agency>> {
  let query: Pick<QueryCommandInput, 'IndexName' | 'KeyConditionExpression' | 'ExpressionAttributeValues'>;
  let pinned: Record<string, string>;
  if (filter.parent !== undefined) {
    const pk = `AGENCIES#PARENT#${filter.parent}`;
    pinned = { GSI3PK: pk };
    query = filter.level
      ? {
          IndexName: 'GSI3',
          KeyConditionExpression: 'GSI3PK = :pk AND begins_with(GSI3SK, :level)',
          ExpressionAttributeValues: { ':pk': pk, ':level': `${filter.level}#` },
        }
      : {
          IndexName: 'GSI3',
          KeyConditionExpression: 'GSI3PK = :pk',
          ExpressionAttributeValues: { ':pk': pk },
        };
  } else if (filter.level !== undefined) {
    const pk = `AGENCIES#LEVEL#${filter.level}`;
    pinned = { GSI2PK: pk };
    query = {
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    };
  } else {
    pinned = { GSI1PK: 'AGENCIES' };
    query = {
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': 'AGENCIES' },
    };
  }
  const { Items = [], LastEvaluatedKey } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      ...query,
      Limit: filter.limit ?? DEFAULT_PAGE_SIZE,
      ExclusiveStartKey: decodeCursor(filter.cursor, pinned),
    }),
  );
  return {
    items: Items.map(toAgency),
    nextCursor: encodeCursor(LastEvaluatedKey),
  };
}

/** Applies an update, conditional on If-Match when given. */
export async function updateAgency(code: string, patch: UpdateAgency, ifMatch?: IfMatch): Promise<Agency> {
  const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':one': 1, ':now': nowIso() };
  const sets = ['#version = #version + :one', '#updatedAt = :now'];
  const removes: string[] = [];
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    if (value === null) removes.push(`#${field}`);
    else {
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
  }
  const versionCheck = ifMatchCondition(ifMatch);
  Object.assign(values, versionCheck.values);
  const condition = ['attribute_exists(PK)', versionCheck.expression].filter(Boolean).join(' AND ');
  try {
    const { Attributes } = await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: agencyKey(code),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return toAgency(Attributes ?? {});
  } catch (error) {
    if (isConditionalCheckFailed(error)) {
      const old = (error as { Item?: Record<string, unknown> }).Item;
      if (!old) throw new NotFoundError(`Agency ${code} does not exist`);
      throw new PreconditionFailedError();
    }
    throw error;
  }
}

/** Deletes a leaf agency; refuses (409) while it has children. */
export async function deleteAgency(code: string, ifMatch?: IfMatch): Promise<void> {
  const agency = await requireAgency(code);
  if (agency.childCount > 0) {
    throw new ConflictError(
      `Agency ${code} has ${agency.childCount} child agencies; move or delete them first`,
      {
        childCount: agency.childCount,
      },
    );
  }
  assertIfMatch(ifMatch, agency.version);
  const values: Record<string, unknown> = { ':zero': 0, ':version': agency.version };
  const remove = {
    Delete: {
      TableName: tableName(),
      Key: agencyKey(code),
      ConditionExpression: '(attribute_not_exists(childCount) OR childCount = :zero) AND version = :version',
      ExpressionAttributeValues: values,
    },
  };
  const uncountOnParent = agency.parentCode
    ? [
        {
          Update: {
            TableName: tableName(),
            Key: agencyKey(agency.parentCode),
            UpdateExpression: 'ADD childCount :minusOne',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':minusOne': -1 },
          },
        },
      ]
    : [];
  try {
    await ddb().send(new TransactWriteCommand({ TransactItems: [remove, ...uncountOnParent] }));
  } catch (error) {
    if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') {
      throw new ConflictError(
        `Agency ${code} changed while deleting (a child was added or it was updated); retry`,
      );
    }
    throw error;
  }
}
