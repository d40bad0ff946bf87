/**
 * AWS clients, created once per container (module-scope singletons, created lazily): the SDK's for
 * DynamoDB and EventBridge, our small ones for S3 (./s3.ts: the SDK's S3 client and presigner would
 * add ~165 KB to every function that touches a file) and KMS (./kms.ts, Sign only: ~27 KB less in
 * the functions that seal).
 * Endpoints come only from the SDK's standard configuration (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_KMS, ...), so the same code reaches DynamoDB Local / s3rver,
 * LocalStack or AWS.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV, optionalEnv } from './env.ts';
import { Kms } from './kms.ts';
import { S3 } from './s3.ts';

let dynamo: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;
let s3: S3 | undefined;
let eventBridge: EventBridgeClient | undefined;
let kms: Kms | undefined;

/** The platform's AWS clients, as handed to a client hook (ours take SDK middleware too: ./aws-http.ts). */
export type AwsClient = DynamoDBClient | S3 | EventBridgeClient | Kms;

/**
 * Test hook, off by default: called once for every client this module creates, so a test can add
 * middleware (fault injection, scheduling of requests). Costs nothing when unset: clients are
 * created once per container and the hook is read only then.
 */
let clientHook: ((client: AwsClient) => void) | undefined;

/** Installs (or removes, with `undefined`) the client hook; cached clients are dropped so it applies. */
export function setAwsClientHook(hook: ((client: AwsClient) => void) | undefined): void {
  clientHook = hook;
  resetAwsClients();
}

function hooked<C extends AwsClient>(client: C): C {
  clientHook?.(client);
  return client;
}

export function dynamoClient(): DynamoDBClient {
  dynamo ??= hooked(new DynamoDBClient({ maxAttempts: 4 }));
  return dynamo;
}

export function ddb(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return documentClient;
}

export function s3Client(): S3 {
  s3 ??= hooked(new S3({ forcePathStyle: optionalEnv(ENV.s3ForcePathStyle) === 'true' }));
  return s3;
}

export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= hooked(new EventBridgeClient({ maxAttempts: 4 }));
  return eventBridge;
}

/** KMS, for agency seals (../signing/kms-key.ts); 3 attempts, as the SDK client had been given. */
export function kmsClient(): Kms {
  kms ??= hooked(new Kms({ maxAttempts: 3 }));
  return kms;
}

/** Test hook: drop cached clients after the environment changed. */
export function resetAwsClients(): void {
  dynamo = undefined;
  documentClient = undefined;
  s3 = undefined;
  eventBridge = undefined;
  kms = undefined;
}
