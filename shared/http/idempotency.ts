/**
 * `Idempotency-Key` on creating POSTs, stored in the main table. Records are per caller (partition
 * `IDEMPOTENCY#<sub>`, sort key = operation + SHA-256 of the key), kept 24 h (TTL `expiresAt`).
 * A replay returns the stored response with `Idempotent-Replayed: true`; the same key with a
 * different request is 422; a concurrent duplicate while the first is running is 409; a request that
 * fails stores nothing (its record is deleted), so the client may retry with the same key.
 *
 * The protocol of Powertools Idempotency (in-progress record written conditionally, completed with
 * the response, deleted on failure; an in-progress record left by a crashed invocation expires with
 * the invocation's remaining time), in three conditional writes of our own: Powertools Idempotency
 * bundled its JMESPath engine and persistence layers (about 45 KB minified in every API function) for
 * what is here one key and one payload hash.
 *
 * Lost answers: each request marks the record it writes with an `owner` token of its own. When the
 * SDK re-sends the in-progress write after its answer was lost, the condition fails on our own
 * record: the owner says the key is ours, not another request's. When no answer comes back at all,
 * the record is released (deleted if ours) before the 503, so the client's retry can take the key.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ddb } from '../platform/aws-clients.ts';
import { logger } from '../platform/observability.ts';
import { isConditionalCheckFailed, tableName } from '../platform/table.ts';
import { HttpProblem } from './errors.ts';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

export const ENTITY_IDEMPOTENCY = 'idempotency';

/** How long an in-progress record blocks duplicates when the invocation's remaining time is unknown. */
const DEFAULT_IN_PROGRESS_MS = 60_000;

export interface IdempotentCall {
  operationId: string;
  callerSub: string;
  key: string;
  /** Everything that makes two requests "the same": method, path, body. */
  fingerprint: string;
  context: Context;
}

interface IdempotencyRecord {
  status: 'IN_PROGRESS' | 'COMPLETED';
  fingerprint: string;
  /** The request that took the key (recognises our own write after a lost answer). */
  owner?: string;
  /** Epoch ms after which an IN_PROGRESS record no longer blocks (the invocation is over). */
  inProgressUntil?: number;
  /** The stored response (JSON), on COMPLETED records. */
  response?: string;
  /** TTL, epoch seconds. */
  expiresAt: number;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function idempotencyRecordKey(call: Pick<IdempotentCall, 'operationId' | 'callerSub' | 'key'>) {
  return { PK: `IDEMPOTENCY#${call.callerSub}`, SK: `${call.operationId}#${sha256Hex(call.key)}` };
}

function remainingMs(context: Context): number {
  const remaining =
    typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : NaN;
  return Number.isFinite(remaining) && remaining > 0 ? remaining : DEFAULT_IN_PROGRESS_MS;
}

export async function runIdempotent(
  call: IdempotentCall,
  run: () => Promise<APIGatewayProxyStructuredResultV2>,
): Promise<{ response: APIGatewayProxyStructuredResultV2; replayed: boolean }> {
  const key = idempotencyRecordKey(call);
  const fingerprint = sha256Hex(call.fingerprint);
  const owner = randomUUID();
  const now = Date.now();
  try {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...key,
          entityType: ENTITY_IDEMPOTENCY,
          status: 'IN_PROGRESS',
          fingerprint,
          owner,
          inProgressUntil: now + remainingMs(call.context),
          expiresAt: Math.floor(now / 1000) + IDEMPOTENCY_TTL_SECONDS,
        } satisfies IdempotencyRecord & typeof key & { entityType: string },
        // Free, expired (TTL deletion lags), or left in progress by an invocation that is over.
        ConditionExpression:
          'attribute_not_exists(PK) OR expiresAt < :nowSeconds OR (#status = :inProgress AND inProgressUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':nowSeconds': Math.floor(now / 1000),
          ':now': now,
          ':inProgress': 'IN_PROGRESS',
        },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) {
      // Unknown whether the record was written (its answer may have been lost): release it if ours.
      await release(key, owner);
      throw error;
    }
    const record = await readRecord(key);
    // Our own write, applied before its answer was lost and re-sent by the SDK: the key is ours.
    if (record?.owner !== owner) return { response: responseOf(record, fingerprint), replayed: true };
  }

  let response: APIGatewayProxyStructuredResultV2;
  try {
    response = await run();
  } catch (error) {
    // Nothing is stored for a failure: the same key may be retried.
    await release(key, owner);
    throw error;
  }
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'SET #status = :completed, #response = :response REMOVE inProgressUntil',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
        ExpressionAttributeValues: { ':completed': 'COMPLETED', ':response': JSON.stringify(response) },
      }),
    );
  } catch (error) {
    // The change is committed: answer it. A retry after the in-progress window runs the operation
    // again, which the domain's own uniqueness conditions refuse (409), as without a key.
    logger.warn('idempotency record not completed', { error: error as Error, operationId: call.operationId });
  }
  return { response, replayed: false };
}

/** Deletes the record if this request still owns it; best effort (else it expires when in progress). */
async function release(key: { PK: string; SK: string }, owner: string): Promise<void> {
  try {
    await ddb().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: key,
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error))
      logger.warn('idempotency record not released', { error: error as Error });
  }
}

async function readRecord(key: { PK: string; SK: string }): Promise<IdempotencyRecord | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
  );
  return Item as IdempotencyRecord | undefined;
}

function responseOf(
  record: IdempotencyRecord | undefined,
  fingerprint: string,
): APIGatewayProxyStructuredResultV2 {
  // Deleted meanwhile (the first request failed): the client retries and takes the key.
  if (!record) throw new HttpProblem('idempotency-in-progress');
  if (record.fingerprint !== fingerprint) throw new HttpProblem('idempotency-key-reused');
  if (record.status !== 'COMPLETED' || record.response === undefined)
    throw new HttpProblem('idempotency-in-progress');
  return JSON.parse(record.response) as APIGatewayProxyStructuredResultV2;
}
