/**
 * Persistence of agencies in the main table (keys: ./keys.ts). Every change goes through
 * commitChange: the agency item, its audit record and its event commit together.
 */
import { GetCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { AgencyCreatedV1, AgencyDeletedV1, AgencyUpdatedV1 } from '#events/agencies/agency-changed.v1.ts';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../http/errors.ts';
import { assertIfMatch, type IfMatch } from '../http/etag.ts';
import type { Page } from '../http/pagination.ts';
import { ddb } from '../platform/aws-clients.ts';
import { type ChangeContext, commitChange } from '../platform/change.ts';
import { queryPage } from '../platform/query.ts';
import { backoff } from '../platform/retry.ts';
import { nowIso, stripKeys, tableName } from '../platform/table.ts';
import { type Agency, ancestorsUnder, type CreateAgency, type UpdateAgency } from './agency.ts';
import { agencyIndexKeys, agencyKey, ENTITY_AGENCY } from './keys.ts';

/** The API shape of a stored item, fields in a reader-friendly order. */
function toAgency(item: Record<string, unknown>): Agency {
  const { code, name, shortName, level, parentCode, ancestors, childCount, ...rest } = stripKeys(
    item,
  ) as Agency;
  return { code, name, shortName, level, parentCode, ancestors, childCount, ...rest };
}

const toItem = (agency: Agency) => ({
  ...agencyKey(agency.code),
  ...agencyIndexKeys(agency),
  entityType: ENTITY_AGENCY,
  ...agency,
});

const snapshot = ({ code, name, level, parentCode, version }: Agency) => ({
  code,
  name,
  level,
  parentCode,
  version,
});

/** Every agency an agency-tree event concerns: the agency and all above it. */
const treeRecipients = (agency: Agency) => [...agency.ancestors, agency.code];

export async function getAgency(code: string): Promise<Agency | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: agencyKey(code) }));
  return Item ? toAgency(Item) : undefined;
}

export async function requireAgency(code: string): Promise<Agency> {
  const agency = await getAgency(code);
  if (!agency) throw new NotFoundError(`Agency ${code} does not exist`);
  return agency;
}

const parentMissing = (parentCode: string | null) =>
  new ValidationError([
    {
      path: 'body.parentCode',
      message: `Parent agency ${parentCode} does not exist`,
      code: 'parent_not_found',
    },
  ]);

/**
 * Creates an agency under an existing parent. The same transaction counts the child on the parent
 * (so "has children" is strongly consistent for deletes), audits and emits AgencyCreated.
 */
export async function createAgency(input: CreateAgency, context: ChangeContext): Promise<Agency> {
  const parentCode = input.parentCode ?? null;
  const parent = parentCode ? await getAgency(parentCode) : undefined;
  if (parentCode && !parent) throw parentMissing(parentCode);
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
  const table = tableName();
  await commitChange({
    context,
    agencyCode: agency.code,
    action: 'agency.created',
    entity: { type: ENTITY_AGENCY, id: agency.code },
    after: agency,
    writes: [
      {
        item: {
          Put: { TableName: table, Item: toItem(agency), ConditionExpression: 'attribute_not_exists(PK)' },
        },
        onConditionFailed: () => new ConflictError(`Agency ${agency.code} already exists`),
      },
      ...(parentCode
        ? [
            {
              item: {
                Update: {
                  TableName: table,
                  Key: agencyKey(parentCode),
                  UpdateExpression: 'ADD childCount :one',
                  ConditionExpression: 'attribute_exists(PK)',
                  ExpressionAttributeValues: { ':one': 1 },
                },
              },
              onConditionFailed: () => parentMissing(parentCode),
            },
          ]
        : []),
    ],
    events: [
      { contract: AgencyCreatedV1, data: { agency: snapshot(agency) }, recipients: treeRecipients(agency) },
    ],
  });
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
  return queryPage(query, { ...filter, pinned }, toAgency);
}

const MAX_UPDATE_ATTEMPTS = 10;

/** Applies an update (null removes a field), conditional on If-Match when given. */
export async function updateAgency(
  code: string,
  patch: UpdateAgency,
  ifMatch: IfMatch | undefined,
  context: ChangeContext,
): Promise<Agency> {
  for (let attempt = 1; ; attempt += 1) {
    const before = await requireAgency(code);
    assertIfMatch(ifMatch, before.version);
    const after: Record<string, unknown> = { ...before, version: before.version + 1, updatedAt: nowIso() };
    for (const [field, value] of Object.entries(patch)) {
      if (value === null) delete after[field];
      else if (value !== undefined) after[field] = value;
    }
    const updated = after as Agency;
    try {
      await commitChange({
        context,
        agencyCode: code,
        action: 'agency.updated',
        entity: { type: ENTITY_AGENCY, id: code },
        before,
        after: updated,
        writes: [
          {
            item: {
              Put: {
                TableName: tableName(),
                Item: toItem(updated),
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':version': before.version },
              },
            },
            // Changed between our read and our write: stale for an If-Match caller, else try again.
            onConditionFailed: () => (ifMatch !== undefined ? new PreconditionFailedError() : new LostRace()),
          },
        ],
        events: [
          {
            contract: AgencyUpdatedV1,
            data: { agency: snapshot(updated), changed: Object.keys(patch) },
            recipients: treeRecipients(updated),
          },
        ],
      });
      return updated;
    } catch (error) {
      if (!(error instanceof LostRace) || attempt >= MAX_UPDATE_ATTEMPTS) {
        throw error instanceof LostRace
          ? new ConflictError('The agency is being changed by someone else; retry')
          : error;
      }
      await backoff(attempt);
    }
  }
}

class LostRace extends Error {}

/** Deletes a leaf agency; refuses (409) while it has children. */
export async function deleteAgency(
  code: string,
  ifMatch: IfMatch | undefined,
  context: ChangeContext,
): Promise<void> {
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
  const table = tableName();
  await commitChange({
    context,
    agencyCode: code,
    action: 'agency.deleted',
    entity: { type: ENTITY_AGENCY, id: code },
    before: agency,
    writes: [
      {
        item: {
          Delete: {
            TableName: table,
            Key: agencyKey(code),
            ConditionExpression:
              '(attribute_not_exists(childCount) OR childCount = :zero) AND #version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':zero': 0, ':version': agency.version },
          },
        },
        onConditionFailed: () =>
          new ConflictError(
            `Agency ${code} changed while deleting (a child was added or it was updated); retry`,
          ),
      },
      ...(agency.parentCode
        ? [
            {
              item: {
                Update: {
                  TableName: table,
                  Key: agencyKey(agency.parentCode),
                  UpdateExpression: 'ADD childCount :minusOne',
                  ConditionExpression: 'attribute_exists(PK)',
                  ExpressionAttributeValues: { ':minusOne': -1 },
                },
              },
            },
          ]
        : []),
    ],
    events: [
      { contract: AgencyDeletedV1, data: { agency: snapshot(agency) }, recipients: treeRecipients(agency) },
    ],
  });
}
