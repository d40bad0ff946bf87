/**
 * `commitChange`: the one way a state change is written. The domain write(s), the audit record
 * extending the owning agency's hash chain, and the outbox record of each event commit in ONE
 * DynamoDB transaction, so a change is never recorded without its audit and its events, nor the
 * reverse. The outbox is published to EventBridge from the table's stream (functions/events/publish.ts).
 *
 * Group commit: the changes of one agency extend one chain, so they commit one transaction at a
 * time per container. Changes that arrive while a transaction is in flight wait in the chain's
 * queue and the next transaction takes them together (up to DynamoDB's 100 items): each keeps its
 * own items and audit record (consecutive records of the chain), the chain head moves once. A batch
 * commits or fails as a whole; when it fails, the changes that caused it are retried alone, so each
 * caller sees exactly the outcome its change would have had by itself.
 *
 * Lost answers: a transaction may be applied and its answer lost (a socket timeout after the
 * response). Each transaction carries its own ClientRequestToken, so a re-send of it (the SDK's
 * retries, then ours) is answered as the first was applied, for DynamoDB's 10-minute window; when
 * no answer comes back at all, the batch's last audit record is read back: there with our hash, the
 * batch committed. A committed change is never reported failed.
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import { type Actor, detailSchema, type EventContract, type EventDetail } from '#events/envelope.ts';
import { mainTable } from '#infra/resources.ts';
import { type AuditRecord, changedFields, digestOf, GENESIS_HASH, hashOf } from '../audit/chain.ts';
import {
  auditEntityIndex,
  auditHeadIndex,
  auditHeadKey,
  auditRecordKey,
  ENTITY_AUDIT,
  ENTITY_AUDIT_HEAD,
} from '../audit/keys.ts';
import { ENTITY_OUTBOX, OUTBOX_TTL_SECONDS, outboxKey } from '../events/keys.ts';
import { ServiceUnavailableError } from '../http/errors.ts';
import { isRetryableAwsError } from '../http/problem.ts';
import { ddb } from './aws-clients.ts';
import { ENV, optionalEnv } from './env.ts';
import { backoff } from './retry.ts';
import { nowIso, tableName } from './table.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Who is changing what, and under which request: from the HTTP request or the causing event. */
export interface ChangeContext {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId?: string;
}

export interface DomainWrite {
  readonly item: TransactItem;
  /** The error to raise when this write's condition fails (e.g. 409, 412). */
  readonly onConditionFailed?: () => Error;
  /**
   * Set on a counter's conditional advance (shared/numbering/counter.ts): changes committed together
   * (group commit, below) that advance the same counter by consecutive steps share ONE write of it,
   * from the first step's `from` to the last step's `to` (a transaction may touch an item once).
   */
  readonly advance?: CounterAdvance;
}

export interface CounterAdvance {
  readonly from: number;
  readonly to: number;
  /** The conditional write moving the counter from `from` to `to`. */
  readonly write: (from: number, to: number) => TransactItem;
}

export interface PendingEvent<S extends z.ZodMiniType = z.ZodMiniType> {
  readonly contract: EventContract<S>;
  readonly data: z.input<S>;
  readonly recipients: readonly string[];
}

export interface Change {
  readonly context: ChangeContext;
  /** The agency whose audit chain records the change (the owner of the entity). */
  readonly agencyCode: string;
  readonly action: string;
  readonly entity: { readonly type: string; readonly id: string };
  readonly before?: unknown;
  readonly after?: unknown;
  readonly writes: readonly DomainWrite[];
  readonly events?: readonly PendingEvent[];
}

export interface CommittedChange {
  readonly audit: AuditRecord;
  readonly events: readonly EventDetail<unknown>[];
}

/** Attempts per change when the chain head moved (another container) or DynamoDB reported a conflict. */
const MAX_ATTEMPTS = 10;
/** DynamoDB's limits on one TransactWriteItems call, the size with room for attribute overheads. */
const MAX_TRANSACTION_ITEMS = 100;
const MAX_TRANSACTION_BYTES = 3_500_000;

function buildEvent(change: Change, event: PendingEvent, occurredAt: string): EventDetail<unknown> {
  const detail = {
    eventId: randomUUID(),
    schemaVersion: event.contract.version,
    occurredAt,
    province: optionalEnv(ENV.provinceCode) ?? 'unknown',
    agencyCode: change.agencyCode,
    recipients: [...new Set(event.recipients)],
    entity: { ...change.entity },
    correlationId: change.context.correlationId,
    ...(change.context.causationId ? { causationId: change.context.causationId } : {}),
    actor: change.context.actor,
    data: event.data,
  };
  // The producer validates before writing: a malformed event is our bug, never published.
  return detailSchema(event.contract).parse(detail) as EventDetail<unknown>;
}

/**
 * The last head this container wrote or read, per chain. Changes to a chain are serialised in the
 * container (one transaction at a time per chain), so the cache is exact unless another container
 * moved the chain; then the head's condition fails, the entry is dropped and the head read again.
 */
const knownHeads = new Map<string, { seq: number; hash: string }>();

async function readHead(chain: string): Promise<{ seq: number; hash: string }> {
  const known = knownHeads.get(chain);
  if (known) return known;
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: auditHeadKey(chain), ConsistentRead: true }),
  );
  return Item ? { seq: Item.seq as number, hash: Item.hash as string } : { seq: 0, hash: GENESIS_HASH };
}

interface Queued {
  readonly change: Change;
  readonly resolve: (committed: CommittedChange) => void;
  readonly reject: (error: unknown) => void;
  attempts: number;
  /** Commit this change in a transaction of its own (its write failed in a batch: find out alone). */
  alone: boolean;
}

/** Per chain: the changes waiting, and whether a transaction is being written. */
const chains = new Map<string, { waiting: Queued[]; writing: boolean }>();

/** Commits a change; changes to one agency's chain are committed in order of arrival, several at a time. */
export function commitChange(change: Change): Promise<CommittedChange> {
  return new Promise((resolve, reject) => {
    let chain = chains.get(change.agencyCode);
    if (!chain) {
      chain = { waiting: [], writing: false };
      chains.set(change.agencyCode, chain);
    }
    chain.waiting.push({ change, resolve, reject, attempts: 0, alone: false });
    if (!chain.writing) void drain(change.agencyCode, chain);
  });
}

async function drain(agencyCode: string, chain: { waiting: Queued[]; writing: boolean }): Promise<void> {
  chain.writing = true;
  const committedCounters = new Map<string, number>();
  try {
    while (chain.waiting.length) {
      const batch = takeBatch(chain.waiting);
      const retry = await commitBatch(agencyCode, batch, committedCounters).catch((error: unknown) => {
        for (const queued of batch) queued.reject(error);
        return [];
      });
      chain.waiting.unshift(...retry);
      if (committedCounters.size) failStaleSteps(chain.waiting, committedCounters);
      committedCounters.clear();
    }
  } finally {
    chain.writing = false;
    if (chains.get(agencyCode) === chain && !chain.waiting.length) chains.delete(agencyCode);
  }
}

/**
 * A counter only moves up: once a transaction moved it to `to`, a waiting step from a lower value
 * can never commit. Its change fails now, as DynamoDB would make it fail, without a round trip.
 */
function failStaleSteps(waiting: Queued[], counters: ReadonlyMap<string, number>): void {
  for (const queued of [...waiting]) {
    const stale = queued.change.writes.find((write) => {
      const value = write.advance && counters.get(itemIdentity(write.item));
      return value !== undefined && write.advance!.from < value && write.onConditionFailed;
    });
    if (!stale) continue;
    waiting.splice(waiting.indexOf(queued), 1);
    queued.reject(stale.onConditionFailed!());
  }
}

const tableKeyNames = [mainTable.partitionKey.name, mainTable.sortKey.name];

/** The item a transaction entry touches, for "one item once per transaction". */
function itemIdentity(item: TransactItem): string {
  const operation = item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck;
  if (!operation) return randomUUID();
  const key =
    'Key' in operation && operation.Key
      ? operation.Key
      : 'Item' in operation && operation.Item
        ? Object.fromEntries(tableKeyNames.map((name) => [name, operation.Item?.[name]]))
        : {};
  return `${operation.TableName}\n${JSON.stringify(tableKeyNames.map((name) => key[name]))}`;
}

const sizeOf = (change: Change) => JSON.stringify(change.writes.map((write) => write.item)).length + 4096;

/**
 * The next transaction's changes, taken out of `waiting`: in order of arrival, leaving for a later
 * transaction a change that touches an item another one already does, or whose counter step does not
 * continue the steps already taken; within DynamoDB's limits.
 */
function takeBatch(waiting: Queued[]): Queued[] {
  if (waiting[0]!.alone) return waiting.splice(0, 1);
  const batch: Queued[] = [];
  const touched = new Set<string>();
  const counters = new Map<string, { from: number; to: number }>();
  let items = 1; // the chain head
  let bytes = 0;
  for (let added = true; added; ) {
    added = false;
    for (const queued of waiting) {
      if (queued.alone || batch.includes(queued)) continue;
      const { change } = queued;
      const plain = change.writes.filter((write) => !write.advance).map((write) => itemIdentity(write.item));
      if (new Set(plain).size !== plain.length || plain.some((id) => touched.has(id) || counters.has(id)))
        continue;
      const ranges = new Map(counters);
      let continues = true;
      for (const write of change.writes) {
        if (!write.advance) continue;
        const id = itemIdentity(write.item);
        const { from, to } = write.advance;
        const range = ranges.get(id);
        if (touched.has(id)) continues = false;
        else if (!range) ranges.set(id, { from, to });
        else if (from === range.to) ranges.set(id, { from: range.from, to });
        else if (to === range.from) ranges.set(id, { from, to: range.to });
        else continues = false;
      }
      if (!continues) continue;
      // Its items, its audit record and outbox records, and the counters it adds to the batch.
      const more = plain.length + 1 + (change.events?.length ?? 0) + (ranges.size - counters.size);
      if (
        batch.length &&
        (items + more > MAX_TRANSACTION_ITEMS || bytes + sizeOf(change) > MAX_TRANSACTION_BYTES)
      )
        continue;
      batch.push(queued);
      for (const id of plain) touched.add(id);
      for (const [id, range] of ranges) counters.set(id, range);
      items += more;
      bytes += sizeOf(change);
      added = true;
    }
  }
  for (const queued of batch) waiting.splice(waiting.indexOf(queued), 1);
  return batch;
}

/** What each entry of the transaction belongs to, to read CancellationReasons. */
type Owner =
  | { kind: 'write'; change: number; write: number }
  | { kind: 'counter'; counter: string }
  | { kind: 'head' }
  | { kind: 'record' };

/** Writes one batch; resolves or rejects its changes and returns those to try again (first in line). */
async function commitBatch(
  agencyCode: string,
  batch: Queued[],
  committedCounters: Map<string, number>,
): Promise<Queued[]> {
  const table = tableName();
  const head = await readHead(agencyCode).catch((error: unknown) => error as Error);
  if (head instanceof Error) {
    for (const queued of batch) queued.reject(head);
    return [];
  }
  const items: TransactItem[] = [];
  const owners: Owner[] = [];
  const counters = new Map<string, { advance: CounterAdvance; from: number; to: number }>();
  const committed: CommittedChange[] = [];
  let previous = head;
  let built = 0;
  try {
    for (const [c, { change }] of batch.entries()) {
      const at = nowIso();
      const unhashed: Omit<AuditRecord, 'hash'> = {
        chain: agencyCode,
        seq: previous.seq + 1,
        at,
        actor: change.context.actor,
        action: change.action,
        entity: { ...change.entity },
        beforeDigest: digestOf(change.before),
        afterDigest: digestOf(change.after),
        changed: changedFields(change.before, change.after),
        requestId: change.context.correlationId,
        prevHash: previous.hash,
      };
      const audit: AuditRecord = { ...unhashed, hash: hashOf(unhashed) };
      const events = (change.events ?? []).map((event) => buildEvent(change, event, at));
      const expiresAt = Math.floor(Date.now() / 1000) + OUTBOX_TTL_SECONDS;
      for (const [w, write] of change.writes.entries()) {
        if (write.advance) {
          const id = itemIdentity(write.item);
          const range = counters.get(id);
          counters.set(id, {
            advance: write.advance,
            from: Math.min(range?.from ?? write.advance.from, write.advance.from),
            to: Math.max(range?.to ?? write.advance.to, write.advance.to),
          });
          continue;
        }
        items.push(write.item);
        owners.push({ kind: 'write', change: c, write: w });
      }
      items.push({
        Put: {
          TableName: table,
          Item: {
            ...auditRecordKey(audit.chain, audit.seq),
            ...auditEntityIndex(audit.entity, at, audit.chain, audit.seq),
            entityType: ENTITY_AUDIT,
            ...audit,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
      owners.push({ kind: 'record' });
      for (const [i, detail] of events.entries()) {
        items.push({
          Put: {
            TableName: table,
            Item: {
              ...outboxKey(detail.occurredAt, detail.eventId),
              entityType: ENTITY_OUTBOX,
              eventId: detail.eventId,
              source: change.events![i]!.contract.source,
              detailType: change.events![i]!.contract.detailType,
              detail: JSON.stringify(detail),
              expiresAt,
            },
          },
        });
        owners.push({ kind: 'record' });
      }
      committed.push({ audit, events });
      previous = { seq: audit.seq, hash: audit.hash };
      built += 1;
    }
  } catch (error) {
    // A change that cannot be built (an invalid event) fails alone; the others go again.
    batch[built]!.reject(error);
    return batch.filter((_, i) => i !== built);
  }
  for (const [counter, { advance, from, to }] of counters) {
    items.push(advance.write(from, to));
    owners.push({ kind: 'counter', counter });
  }
  const last = committed.at(-1)!.audit;
  items.push({
    Put: {
      TableName: table,
      Item: {
        ...auditHeadKey(agencyCode),
        ...auditHeadIndex(agencyCode),
        entityType: ENTITY_AUDIT_HEAD,
        chain: agencyCode,
        seq: last.seq,
        hash: last.hash,
        at: last.at,
      },
      ConditionExpression: head.seq === 0 ? 'attribute_not_exists(PK)' : 'seq = :seq',
      ...(head.seq === 0 ? {} : { ExpressionAttributeValues: { ':seq': head.seq } }),
    },
  });
  owners.push({ kind: 'head' });

  try {
    await writeTransaction(items, agencyCode, last);
    knownHeads.set(agencyCode, { seq: last.seq, hash: last.hash });
    for (const [counter, { to }] of counters) committedCounters.set(counter, to);
    for (const [i, queued] of batch.entries()) queued.resolve(committed[i]!);
    return [];
  } catch (error) {
    knownHeads.delete(agencyCode);
    return settleFailure(error, batch, owners);
  }
}

/** Sends of one transaction (each with the SDK's own attempts) while its outcome is unknown. */
const SENDS = 3;

/**
 * Writes a batch's transaction, resolving an unknown outcome (no answer: timeout, reset, throttled
 * re-sends) by sending the same transaction with the same token again, then by reading back the
 * batch's last audit record. Throws only when the transaction is known not to have committed (a
 * cancellation) or nothing shows it did.
 */
async function writeTransaction(items: TransactItem[], chain: string, last: AuditRecord): Promise<void> {
  const command = new TransactWriteCommand({ TransactItems: items, ClientRequestToken: randomUUID() });
  let unknown: unknown;
  for (let send = 1; send <= SENDS; send += 1) {
    try {
      await ddb().send(command);
      return;
    } catch (error) {
      if (!isRetryableAwsError(error)) throw error;
      unknown = error;
      if (send < SENDS) await backoff(send + 2);
    }
  }
  const readBack = await ddb()
    .send(
      new GetCommand({ TableName: tableName(), Key: auditRecordKey(chain, last.seq), ConsistentRead: true }),
    )
    .catch(() => undefined);
  if (readBack?.Item?.hash === last.hash) return;
  throw unknown;
}

async function settleFailure(error: unknown, batch: Queued[], owners: Owner[]): Promise<Queued[]> {
  if (!(error instanceof TransactionCanceledException)) {
    if (batch.length === 1) {
      batch[0]!.reject(error);
      return [];
    }
    // Which change the error belongs to is unknown: each goes again alone and meets its own outcome.
    for (const queued of batch) queued.alone = true;
    return batch;
  }
  const failed = (error.CancellationReasons ?? []).flatMap((reason, i) =>
    reason?.Code === 'ConditionalCheckFailed' ? [owners[i]!] : [],
  );
  const failedCounters = new Set(
    failed.flatMap((owner) => (owner.kind === 'counter' ? [owner.counter] : [])),
  );
  const settled = new Set<Queued>();
  for (const [c, queued] of batch.entries()) {
    // The change's first write whose condition failed (a shared counter write counts for each sharer).
    const writes = queued.change.writes;
    const w = writes.findIndex((write, i) =>
      write.advance
        ? failedCounters.has(itemIdentity(write.item))
        : failed.some((owner) => owner.kind === 'write' && owner.change === c && owner.write === i),
    );
    if (w < 0) continue;
    const write = writes[w]!;
    if (batch.length === 1 || (write.advance && write.onConditionFailed)) {
      // Alone, or a counter step: the counter was not where the steps expected; take another number.
      queued.reject(write.onConditionFailed?.() ?? error);
      settled.add(queued);
    } else queued.alone = true;
  }
  const again = batch.filter((queued) => !settled.has(queued));
  // Nothing of ours failed: the chain head moved (another container) or DynamoDB saw a conflict.
  const contended = failed.every((owner) => owner.kind === 'head' || owner.kind === 'record');
  if (contended) {
    const exhausted = again.filter((queued) => ++queued.attempts >= MAX_ATTEMPTS);
    for (const queued of exhausted)
      queued.reject(new ServiceUnavailableError('The agency is busy; retry the request'));
    if (exhausted.length < again.length) await backoff(Math.min(...again.map((queued) => queued.attempts)));
    return again.filter((queued) => !exhausted.includes(queued));
  }
  return again;
}
