/**
 * `Idempotency-Key` on creating POSTs, with Powertools Idempotency over the main table.
 * Records are per caller (partition `IDEMPOTENCY#<sub>`, sort key = operation + key hash), kept 24 h.
 * A replay returns the stored response with `Idempotent-Replayed: true`; the same key with a
 * different request is 422; a concurrent duplicate while the first is running is 409.
 */
import { createHash } from 'node:crypto';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { dynamoClient } from '../platform/aws-clients.ts';
import { ENV, requireEnv } from '../platform/env.ts';
import { HttpProblem, ServiceUnavailableError } from './errors.ts';
import { isRetryableAwsError } from './problem.ts';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

export interface IdempotentCall {
  operationId: string;
  callerSub: string;
  key: string;
  /** Everything that makes two requests "the same": method, path, body. */
  fingerprint: string;
  context: Context;
}

export async function runIdempotent(
  call: IdempotentCall,
  run: () => Promise<APIGatewayProxyStructuredResultV2>,
): Promise<{ response: APIGatewayProxyStructuredResultV2; replayed: boolean }> {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'fingerprint',
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  config.registerLambdaContext(call.context);
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: requireEnv(ENV.tableName),
    keyAttr: 'PK',
    sortKeyAttr: 'SK',
    staticPkValue: `IDEMPOTENCY#${call.callerSub}`,
    expiryAttr: 'expiresAt',
    awsSdkV3Client: dynamoClient(),
  });
  let executed = false;
  const idempotent = makeIdempotent(
    async (_input: { key: string; fingerprint: string }) => {
      executed = true;
      return run();
    },
    { persistenceStore, config, keyPrefix: call.operationId },
  );
  try {
    const response = await idempotent({
      key: call.key,
      fingerprint: createHash('sha256').update(call.fingerprint).digest('hex'),
    });
    return { response, replayed: !executed };
  } catch (error) {
    if (error instanceof IdempotencyValidationError) throw new HttpProblem('idempotency-key-reused');
    if (error instanceof IdempotencyAlreadyInProgressError) throw new HttpProblem('idempotency-in-progress');
    // The store was throttled or timed out (Powertools wraps the SDK's error): temporary, not our bug.
    if (error instanceof IdempotencyPersistenceLayerError && isRetryableAwsError(error.cause)) {
      throw new ServiceUnavailableError('The idempotency store is busy; retry with the same Idempotency-Key');
    }
    throw error;
  }
}
