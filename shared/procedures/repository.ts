/**
 * Persistence of the procedure catalog in the main table (keys: ./keys.ts). Every change goes
 * through commitChange: the procedure's items, the audit record and the ProcedurePublished event
 * commit together. Every accepted change publishes a new immutable version (`V#…`) and moves `META`
 * (and the per-level listing copies) to it; dossiers keep reading the version they were received under.
 *
 * Catalog changes are recorded in the audit chain of the province's root agency (UBND tỉnh), passed
 * in by the caller as `catalogAgency` (./catalog-agency.ts): the catalog belongs to the province, not
 * to the department of the admin who edits it.
 */
import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ProcedurePublishedV1 } from '#events/procedures/procedure-published.v1.ts';
import { getAgency, listAgencies } from '../agencies/repository.ts';
import { canonicalJson } from '../audit/chain.ts';
import {
  ConflictError,
  type FieldIssue,
  HttpProblem,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../http/errors.ts';
import { assertIfMatch, type IfMatch } from '../http/etag.ts';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, type Page } from '../http/pagination.ts';
import { ddb } from '../platform/aws-clients.ts';
import { type ChangeContext, commitChange, type DomainWrite } from '../platform/change.ts';
import { backoff } from '../platform/retry.ts';
import { nowIso, stripKeys, tableName } from '../platform/table.ts';
import {
  CATALOG_PARTITION,
  ENTITY_PROCEDURE,
  ENTITY_PROCEDURE_LISTING,
  ENTITY_PROCEDURE_VERSION,
  fieldPartition,
  levelFieldPartition,
  levelPartition,
  onlineLevelPartition,
  procedureIndexKeys,
  procedureKey,
  procedureLevelIndexKeys,
  procedureLevelKey,
  procedureVersionKey,
} from './keys.ts';
import {
  type CreateProcedure,
  type OnlineLevel,
  type Procedure,
  type ProcedureDraft,
  procedureIssues,
  type UpdateProcedure,
} from './procedure.ts';
import { totalFees } from './workflow.ts';

/** Field order of the API shape. */
const FIELD_ORDER: readonly (keyof Procedure)[] = [
  'code',
  'name',
  'field',
  'implementingLevels',
  'implementingAgencies',
  'onlineLevel',
  'processingDays',
  'fees',
  'requiredPapers',
  'formSchema',
  'workflow',
  'resultDelivery',
  'legalBasis',
  'description',
  'status',
  'version',
  'createdAt',
  'updatedAt',
];

/**
 * The API shape of a stored item. The form schema is stored as its JSON text: DynamoDB maps do not
 * keep key order, and the order of `properties` is the order a front-end renders the form in.
 */
function toProcedure(item: Record<string, unknown>): Procedure {
  const stored = stripKeys(item) as Record<string, unknown>;
  if (typeof stored.formSchema === 'string') stored.formSchema = JSON.parse(stored.formSchema);
  const procedure: Record<string, unknown> = {};
  for (const name of FIELD_ORDER) if (stored[name] !== undefined) procedure[name] = stored[name];
  return procedure as Procedure;
}

const stored = (procedure: Procedure) => ({ ...procedure, formSchema: JSON.stringify(procedure.formSchema) });

const metaItem = (procedure: Procedure) => ({
  ...procedureKey(procedure.code),
  ...procedureIndexKeys(procedure),
  entityType: ENTITY_PROCEDURE,
  ...stored(procedure),
});

const versionItem = (procedure: Procedure) => ({
  ...procedureVersionKey(procedure.code, procedure.version),
  entityType: ENTITY_PROCEDURE_VERSION,
  ...stored(procedure),
});

const levelItem = (procedure: Procedure, level: string) => ({
  ...procedureLevelKey(procedure.code, level),
  ...procedureLevelIndexKeys(procedure, level),
  entityType: ENTITY_PROCEDURE_LISTING,
  ...stored(procedure),
});

/**
 * Reads a procedure: the current version, or the given one (a dossier reads the version it was
 * received under). Undefined when the procedure or that version does not exist.
 */
export async function getProcedure(code: string, version?: number): Promise<Procedure | undefined> {
  const Key = version === undefined ? procedureKey(code) : procedureVersionKey(code, version);
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key }));
  return Item ? toProcedure(Item) : undefined;
}

export async function requireProcedure(code: string, version?: number): Promise<Procedure> {
  const procedure = await getProcedure(code, version);
  if (!procedure) {
    throw new NotFoundError(
      version === undefined
        ? `Procedure ${code} does not exist`
        : `Procedure ${code} has no version ${version}`,
    );
  }
  return procedure;
}

export interface ListProceduresFilter {
  field?: string | undefined;
  level?: string | undefined;
  onlineLevel?: OnlineLevel | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/**
 * Lists current versions, each filter combination served by one index query (./keys.ts):
 * ordered by code, or by online level then code when a field or level is given.
 */
export async function listProcedures(filter: ListProceduresFilter): Promise<Page<Procedure>> {
  const { field, level, onlineLevel } = filter;
  let index: 'GSI1' | 'GSI2' | 'GSI3';
  let partition: string;
  /** The sort-key prefix the online level selects, when it is not in the partition. */
  let prefix: string | undefined;
  if (level !== undefined && field !== undefined) {
    [index, partition, prefix] = ['GSI2', levelFieldPartition(level, field), onlineLevel];
  } else if (level !== undefined) {
    [index, partition, prefix] = ['GSI3', levelPartition(level), onlineLevel];
  } else if (field !== undefined) {
    [index, partition, prefix] = ['GSI2', fieldPartition(field), onlineLevel];
  } else if (onlineLevel !== undefined) {
    [index, partition, prefix] = ['GSI3', onlineLevelPartition(onlineLevel), undefined];
  } else {
    [index, partition, prefix] = ['GSI1', CATALOG_PARTITION, undefined];
  }
  const pk = `${index}PK`;
  const sk = `${index}SK`;
  const startKey = decodeCursor(filter.cursor, { [pk]: partition });
  if (prefix !== undefined && startKey && !startKey[sk]?.startsWith(`${prefix}#`)) {
    throw new HttpProblem('invalid-cursor', 'The cursor belongs to another query; start again without it');
  }
  const query: Pick<QueryCommandInput, 'IndexName' | 'KeyConditionExpression' | 'ExpressionAttributeValues'> =
    prefix === undefined
      ? {
          IndexName: index,
          KeyConditionExpression: `${pk} = :pk`,
          ExpressionAttributeValues: { ':pk': partition },
        }
      : {
          IndexName: index,
          KeyConditionExpression: `${pk} = :pk AND begins_with(${sk}, :prefix)`,
          ExpressionAttributeValues: { ':pk': partition, ':prefix': `${prefix}#` },
        };
  const { Items = [], LastEvaluatedKey } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      ...query,
      Limit: filter.limit ?? DEFAULT_PAGE_SIZE,
      ExclusiveStartKey: startKey,
    }),
  );
  return { items: Items.map(toProcedure), nextCursor: encodeCursor(LastEvaluatedKey) };
}

/**
 * The rules that need the agency registry, with paths relative to the procedure: the receiving
 * levels and the levels steps climb to have agencies in this province, named agencies exist, and
 * an implementing agency is at one of the implementing levels.
 */
async function registryIssues(draft: ProcedureDraft): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const levels = new Map<string, Promise<boolean>>();
  const levelExists = (level: string) => {
    let known = levels.get(level);
    if (!known) {
      known = listAgencies({ level, limit: 1 }).then((page) => page.items.length > 0);
      levels.set(level, known);
    }
    return known;
  };
  const checks: Promise<void>[] = [];
  draft.implementingLevels.forEach((level, i) => {
    checks.push(
      levelExists(level).then((exists) => {
        if (!exists) {
          issues.push({
            path: `implementingLevels.${i}`,
            message: `No agency of level "${level}" in this province`,
            code: 'unknown_level',
          });
        }
      }),
    );
  });
  (draft.implementingAgencies ?? []).forEach((code, i) => {
    checks.push(
      getAgency(code).then((agency) => {
        if (!agency) {
          issues.push({
            path: `implementingAgencies.${i}`,
            message: `Agency ${code} does not exist`,
            code: 'agency_not_found',
          });
        } else if (!draft.implementingLevels.includes(agency.level)) {
          issues.push({
            path: `implementingAgencies.${i}`,
            message: `Agency ${code} is at level "${agency.level}", not one of the implementing levels`,
            code: 'level_mismatch',
          });
        }
      }),
    );
  });
  draft.workflow.forEach((step, i) => {
    const agency = step.agency;
    if (agency.kind === 'fixed') {
      checks.push(
        getAgency(agency.agencyCode).then((found) => {
          if (!found) {
            issues.push({
              path: `workflow.${i}.agency.agencyCode`,
              message: `Agency ${agency.agencyCode} does not exist`,
              code: 'agency_not_found',
            });
          }
        }),
      );
    } else if (agency.kind === 'ancestor') {
      checks.push(
        levelExists(agency.level).then((exists) => {
          if (!exists) {
            issues.push({
              path: `workflow.${i}.agency.level`,
              message: `No agency of level "${agency.level}" in this province`,
              code: 'unknown_level',
            });
          }
        }),
      );
    }
  });
  await Promise.all(checks);
  return issues.sort((a, b) => a.path.localeCompare(b.path));
}

/** Fields whose values name agencies or levels of the registry. */
const REGISTRY_FIELDS: readonly string[] = ['implementingLevels', 'implementingAgencies', 'workflow'];

/**
 * Every rule of a procedure draft; a 400 listing each issue under `body.` when any fails. The
 * registry is consulted when references are new (`changed` absent on creation) or changed, so a
 * later restructure of the tree never blocks an unrelated change such as deactivating a procedure.
 */
async function assertValid(draft: ProcedureDraft, changed?: readonly string[]): Promise<void> {
  const pure = procedureIssues(draft);
  const checkRegistry = changed === undefined || changed.some((field) => REGISTRY_FIELDS.includes(field));
  const issues = pure.length > 0 || !checkRegistry ? pure : await registryIssues(draft);
  if (issues.length > 0) {
    throw new ValidationError(issues.map((issue) => ({ ...issue, path: `body.${issue.path}` })));
  }
}

/** Agencies a catalog event concerns: the province root, named receivers, fixed step agencies. */
function recipientsOf(procedure: Procedure, catalogAgency: string): string[] {
  const fixed = procedure.workflow.flatMap((step) =>
    step.agency.kind === 'fixed' ? [step.agency.agencyCode] : [],
  );
  return [...new Set([catalogAgency, ...(procedure.implementingAgencies ?? []), ...fixed])];
}

const snapshot = (procedure: Procedure) => ({
  code: procedure.code,
  name: procedure.name,
  field: procedure.field,
  version: procedure.version,
  implementingLevels: procedure.implementingLevels,
  onlineLevel: procedure.onlineLevel,
  processingDays: procedure.processingDays,
  feeTotal: totalFees(procedure).total,
  status: procedure.status,
});

/** Adds a procedure to the catalog at version 1 (409 if the code exists) and publishes it. */
export async function createProcedure(
  input: CreateProcedure,
  context: ChangeContext,
  catalogAgency: string,
): Promise<Procedure> {
  await assertValid(input);
  const now = nowIso();
  const procedure = {
    ...input,
    status: input.status ?? 'active',
    version: 1,
    createdAt: now,
    updatedAt: now,
  } satisfies Procedure;
  const table = tableName();
  const exists = () => new ConflictError(`Procedure ${procedure.code} already exists`);
  await commitChange({
    context,
    agencyCode: catalogAgency,
    action: 'procedure.created',
    entity: { type: ENTITY_PROCEDURE, id: procedure.code },
    after: procedure,
    writes: [
      {
        item: {
          Put: {
            TableName: table,
            Item: metaItem(procedure),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: exists,
      },
      {
        item: {
          Put: {
            TableName: table,
            Item: versionItem(procedure),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: exists,
      },
      ...procedure.implementingLevels.map((level) => ({
        item: { Put: { TableName: table, Item: levelItem(procedure, level) } },
      })),
    ],
    events: [
      {
        contract: ProcedurePublishedV1,
        data: { procedure: snapshot(procedure), previousVersion: null, changed: [] },
        recipients: recipientsOf(procedure, catalogAgency),
      },
    ],
  });
  return procedure;
}

const MAX_UPDATE_ATTEMPTS = 10;

class LostRace extends Error {}

/** Names of the fields whose value differs (the form schema's key order counts: it is the form's order). */
function changedFieldsOf(before: Procedure, after: Procedure): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof Procedure>;
  return [...names].filter((name) => {
    if (name === 'version' || name === 'updatedAt') return false;
    if (name === 'formSchema') return JSON.stringify(before.formSchema) !== JSON.stringify(after.formSchema);
    return canonicalJson(before[name]) !== canonicalJson(after[name]);
  });
}

/**
 * Applies a change (null removes an optional field) as a new version, conditional on If-Match when
 * given. A change that alters nothing returns the current version as is. The previous versions stay
 * readable; `META` and the listing copies move to the new one.
 */
export async function updateProcedure(
  code: string,
  patch: UpdateProcedure,
  ifMatch: IfMatch | undefined,
  context: ChangeContext,
  catalogAgency: string,
): Promise<Procedure> {
  for (let attempt = 1; ; attempt += 1) {
    const before = await requireProcedure(code);
    assertIfMatch(ifMatch, before.version);
    const merged: Record<string, unknown> = { ...before, version: before.version + 1, updatedAt: nowIso() };
    for (const [field, value] of Object.entries(patch)) {
      if (value === null) delete merged[field];
      else if (value !== undefined) merged[field] = value;
    }
    const after = merged as Procedure;
    const changed = changedFieldsOf(before, after);
    if (changed.length === 0) return before;
    await assertValid(after, changed);

    const table = tableName();
    const removedLevels = before.implementingLevels.filter(
      (level) => !after.implementingLevels.includes(level),
    );
    const writes: DomainWrite[] = [
      {
        item: {
          Put: {
            TableName: table,
            Item: metaItem(after),
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': before.version },
          },
        },
        // Changed between our read and our write: stale for an If-Match caller, else try again.
        onConditionFailed: () => (ifMatch !== undefined ? new PreconditionFailedError() : new LostRace()),
      },
      {
        item: {
          Put: {
            TableName: table,
            Item: versionItem(after),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () => (ifMatch !== undefined ? new PreconditionFailedError() : new LostRace()),
      },
      ...after.implementingLevels.map((level) => ({
        item: { Put: { TableName: table, Item: levelItem(after, level) } },
      })),
      ...removedLevels.map((level) => ({
        item: { Delete: { TableName: table, Key: procedureLevelKey(code, level) } },
      })),
    ];
    try {
      await commitChange({
        context,
        agencyCode: catalogAgency,
        action: 'procedure.updated',
        entity: { type: ENTITY_PROCEDURE, id: code },
        before,
        after,
        writes,
        events: [
          {
            contract: ProcedurePublishedV1,
            data: { procedure: snapshot(after), previousVersion: before.version, changed },
            recipients: recipientsOf(after, catalogAgency),
          },
        ],
      });
      return after;
    } catch (error) {
      if (!(error instanceof LostRace) || attempt >= MAX_UPDATE_ATTEMPTS) {
        throw error instanceof LostRace
          ? new ConflictError('The procedure is being changed by someone else; retry')
          : error;
      }
      await backoff(attempt);
    }
  }
}
