/**
 * Persistence of subscriptions in the main table (keys: ./keys.ts). Every change goes through
 * commitChange: the subscription item, its event-type index items and the audit record in the
 * owning agency's chain commit together. Secrets are stored here and returned only by creation and
 * rotation; reads return the public view.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { getAgency } from '../agencies/repository.ts';
import {
  ConflictError,
  ForbiddenError,
  HttpProblem,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../http/errors.ts';
import { assertIfMatch, type IfMatch } from '../http/etag.ts';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, type Page } from '../http/pagination.ts';
import { ddb } from '../platform/aws-clients.ts';
import { type ChangeContext, commitChange, type DomainWrite } from '../platform/change.ts';
import { queryPage } from '../platform/query.ts';
import { backoff } from '../platform/retry.ts';
import { nowIso, stripKeys, tableName } from '../platform/table.ts';
import { type Delivery, toDelivery } from './delivery.ts';
import {
  agencySubscriptionsPartition,
  DELIVERY_SK_PREFIX,
  ENTITY_SUBSCRIPTION,
  ENTITY_SUBSCRIPTION_TYPE,
  subscriptionIndexKeys,
  subscriptionKey,
  subscriptionTypeIndexKeys,
  subscriptionTypeKey,
} from './keys.ts';
import {
  type CreateSubscription,
  generateSecret,
  mayUseProvinceScope,
  publicView,
  rotateSecrets,
  type StoredSubscription,
  type Subscription,
  type SubscriptionWithSecret,
  secretHintOf,
  type UpdateSubscription,
} from './subscription.ts';
import { checkWebhookUrl, loopbackAllowed } from './url-rules.ts';

const SUBSCRIPTION_FIELDS = [
  'id',
  'agencyCode',
  'url',
  'eventTypes',
  'status',
  'scope',
  'description',
  'secretHint',
  'signingSecret',
  'previousSigningSecret',
  'previousSecretExpiresAt',
  'version',
  'createdAt',
  'updatedAt',
] as const;

/** The stored subscription, fields in a reader-friendly order. */
function toStored(item: Record<string, unknown>): StoredSubscription {
  const fields = stripKeys(item) as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const name of SUBSCRIPTION_FIELDS) if (fields[name] !== undefined) ordered[name] = fields[name];
  return ordered as unknown as StoredSubscription;
}

const toItem = (subscription: StoredSubscription) => ({
  ...subscriptionKey(subscription.id),
  ...subscriptionIndexKeys(subscription),
  entityType: ENTITY_SUBSCRIPTION,
  ...subscription,
});

const typeItem = (subscription: StoredSubscription, detailType: string) => ({
  ...subscriptionTypeKey(subscription.id, detailType),
  ...subscriptionTypeIndexKeys(subscription, detailType),
  entityType: ENTITY_SUBSCRIPTION_TYPE,
  subscriptionId: subscription.id,
  agencyCode: subscription.agencyCode,
  scope: subscription.scope,
  status: subscription.status,
  detailType,
});

/** Event types whose index items exist: all of them while active, none while paused. */
const indexedTypes = (subscription: StoredSubscription): Set<string> =>
  new Set(subscription.status === 'active' ? subscription.eventTypes : []);

/** Index-item writes that take the event-type items from `before` to `after` (never the same key twice). */
function typeItemWrites(
  before: StoredSubscription | undefined,
  after: StoredSubscription | undefined,
): DomainWrite[] {
  const table = tableName();
  const had = before ? indexedTypes(before) : new Set<string>();
  const has = after ? indexedTypes(after) : new Set<string>();
  const writes: DomainWrite[] = [];
  for (const detailType of had) {
    if (has.has(detailType) || !before) continue;
    writes.push({ item: { Delete: { TableName: table, Key: subscriptionTypeKey(before.id, detailType) } } });
  }
  for (const detailType of has) {
    if (had.has(detailType) || !after) continue;
    writes.push({ item: { Put: { TableName: table, Item: typeItem(after, detailType) } } });
  }
  return writes;
}

function assertWebhookUrl(url: string): void {
  const verdict = checkWebhookUrl(url, { allowLoopback: loopbackAllowed() });
  if (!verdict.ok)
    throw new ValidationError([{ path: 'body.url', message: verdict.reason, code: 'url_not_allowed' }]);
}

export async function getStoredSubscription(id: string): Promise<StoredSubscription | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: subscriptionKey(id), ConsistentRead: true }),
  );
  return Item ? toStored(Item) : undefined;
}

async function requireStored(id: string): Promise<StoredSubscription> {
  const stored = await getStoredSubscription(id);
  if (!stored) throw new NotFoundError(`Subscription ${id} does not exist`);
  return stored;
}

export async function requireSubscription(id: string): Promise<Subscription> {
  return publicView(await requireStored(id));
}

export interface NewSubscription extends Omit<CreateSubscription, 'agencyCode'> {
  /** The owning agency, resolved by the caller (the principal's agency, or a province admin's choice). */
  readonly agencyCode: string;
}

/** Creates a subscription with a fresh secret, returned this once. */
export async function createSubscription(
  input: NewSubscription,
  context: ChangeContext,
): Promise<SubscriptionWithSecret> {
  assertWebhookUrl(input.url);
  const owner = await getAgency(input.agencyCode);
  if (!owner) {
    throw new ValidationError([
      {
        path: 'body.agencyCode',
        message: `Agency ${input.agencyCode} does not exist`,
        code: 'agency_not_found',
      },
    ]);
  }
  const scope = input.scope ?? 'agency';
  if (scope === 'province' && !mayUseProvinceScope(owner)) {
    throw new ForbiddenError("Only the province's own agency may subscribe to every agency's events");
  }
  const now = nowIso();
  const secret = generateSecret();
  const stored: StoredSubscription = {
    id: randomUUID(),
    agencyCode: input.agencyCode,
    url: input.url,
    eventTypes: [...input.eventTypes],
    status: 'active',
    scope,
    ...(input.description ? { description: input.description } : {}),
    secretHint: secretHintOf(secret),
    signingSecret: secret,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const view = publicView(stored);
  await commitChange({
    context,
    agencyCode: stored.agencyCode,
    action: 'subscription.created',
    entity: { type: ENTITY_SUBSCRIPTION, id: stored.id },
    after: view,
    writes: [
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: toItem(stored),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () => new ConflictError('A subscription with this id already exists; retry'),
      },
      ...typeItemWrites(undefined, stored),
    ],
  });
  return { ...view, secret };
}

export interface ListSubscriptionsFilter {
  agencyCode: string;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export async function listSubscriptions(filter: ListSubscriptionsFilter): Promise<Page<Subscription>> {
  const pk = agencySubscriptionsPartition(filter.agencyCode);
  return queryPage(
    { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': pk } },
    { ...filter, pinned: { GSI1PK: pk } },
    (item) => publicView(toStored(item)),
  );
}

class LostRace extends Error {}
const MAX_WRITE_ATTEMPTS = 10;

/**
 * Reads, transforms and writes a subscription under a version condition, retrying when another
 * writer got there first (412 instead when the caller sent If-Match).
 */
async function changeSubscription(
  id: string,
  ifMatch: IfMatch | undefined,
  context: ChangeContext,
  action: string,
  transform: (before: StoredSubscription, now: string) => StoredSubscription,
): Promise<StoredSubscription> {
  for (let attempt = 1; ; attempt += 1) {
    const before = await requireStored(id);
    assertIfMatch(ifMatch, before.version);
    const now = nowIso();
    const after = { ...transform(before, now), version: before.version + 1, updatedAt: now };
    try {
      await commitChange({
        context,
        agencyCode: before.agencyCode,
        action,
        entity: { type: ENTITY_SUBSCRIPTION, id },
        before: publicView(before),
        after: publicView(after),
        writes: [
          {
            item: {
              Put: {
                TableName: tableName(),
                Item: toItem(after),
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':version': before.version },
              },
            },
            onConditionFailed: () => (ifMatch !== undefined ? new PreconditionFailedError() : new LostRace()),
          },
          ...typeItemWrites(before, after),
        ],
      });
      return after;
    } catch (error) {
      if (!(error instanceof LostRace)) throw error;
      if (attempt >= MAX_WRITE_ATTEMPTS)
        throw new ConflictError('The subscription is being changed by someone else; retry');
      await backoff(attempt);
    }
  }
}

/** Changes the URL, event types, status or description (null removes the description). */
export async function updateSubscription(
  id: string,
  patch: UpdateSubscription,
  ifMatch: IfMatch | undefined,
  context: ChangeContext,
): Promise<Subscription> {
  if (patch.url !== undefined) assertWebhookUrl(patch.url);
  const after = await changeSubscription(id, ifMatch, context, 'subscription.updated', (before) => {
    const { description: _description, ...rest } = before;
    const description =
      patch.description === undefined ? before.description : (patch.description ?? undefined);
    return {
      ...rest,
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.eventTypes !== undefined ? { eventTypes: [...patch.eventTypes] } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(description !== undefined ? { description } : {}),
    };
  });
  return publicView(after);
}

/** A new signing secret, returned this once; the previous one keeps signing for 24 h. */
export async function rotateSubscriptionSecret(
  id: string,
  ifMatch: IfMatch | undefined,
  context: ChangeContext,
): Promise<SubscriptionWithSecret> {
  const secret = generateSecret();
  const after = await changeSubscription(
    id,
    ifMatch,
    context,
    'subscription.secret-rotated',
    (before, now) => {
      const { previousSigningSecret: _p, previousSecretExpiresAt: _e, ...rest } = before;
      return { ...rest, ...rotateSecrets(before, new Date(now), secret), secretHint: secretHintOf(secret) };
    },
  );
  return { ...publicView(after), secret };
}

/** Deletes a subscription and its index items; its deliveries stay readable in the table until they expire. */
export async function deleteSubscription(
  id: string,
  ifMatch: IfMatch | undefined,
  context: ChangeContext,
): Promise<void> {
  const before = await requireStored(id);
  assertIfMatch(ifMatch, before.version);
  await commitChange({
    context,
    agencyCode: before.agencyCode,
    action: 'subscription.deleted',
    entity: { type: ENTITY_SUBSCRIPTION, id },
    before: publicView(before),
    writes: [
      {
        item: {
          Delete: {
            TableName: tableName(),
            Key: subscriptionKey(id),
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': before.version },
          },
        },
        onConditionFailed: () =>
          ifMatch !== undefined
            ? new PreconditionFailedError()
            : new ConflictError('The subscription changed while deleting; retry'),
      },
      ...typeItemWrites(before, undefined),
    ],
  });
}

/** A subscription's deliveries, newest event first. */
export async function listDeliveries(
  subscriptionId: string,
  page: { limit?: number | undefined; cursor?: string | undefined },
): Promise<Page<Delivery>> {
  const pk = subscriptionKey(subscriptionId).PK;
  const start = decodeCursor(page.cursor, { PK: pk });
  if (start && !start.SK?.startsWith(DELIVERY_SK_PREFIX)) {
    throw new HttpProblem('invalid-cursor', 'The cursor belongs to another query; start again without it');
  }
  const { Items = [], LastEvaluatedKey } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': DELIVERY_SK_PREFIX },
      ScanIndexForward: false,
      Limit: page.limit ?? DEFAULT_PAGE_SIZE,
      ExclusiveStartKey: start,
    }),
  );
  return { items: Items.map(toDelivery), nextCursor: encodeCursor(LastEvaluatedKey) };
}
