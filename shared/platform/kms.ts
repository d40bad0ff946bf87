/**
 * A small KMS client for the Lambda bundles (issue 10): the one operation the platform uses, Sign
 * (agency seals: ../signing/kms-key.ts), on the machinery our S3 client uses too (./aws-http.ts:
 * SigV4, the keep-alive NodeHttpHandler, the SDK's standard retry strategy, configuration loaders
 * and default credential chain, all of which every bundle carries for DynamoDB). `@aws-sdk/client-kms`
 * weighs ~27 KB minified in each function that seals (the schemas of every KMS operation and error,
 * endpoint rules, the JSON protocol); this is about 1.5 KB.
 *
 * It behaves as the SDK client configured in kms-key.ts did, on the wire and to callers:
 * - Sign speaks AWS JSON 1.1 (`POST /`, `content-type: application/x-amz-json-1.1`,
 *   `x-amz-target: TrentService.Sign`, the input as JSON in the SDK's member order with the message
 *   in base64) and is signed exactly as the SDK signs it (tests/unit/kms-signing.test.ts compares
 *   both requests byte for byte);
 * - the endpoint comes from the SDK's standard configuration (AWS_ENDPOINT_URL_KMS, then
 *   AWS_ENDPOINT_URL, or `endpoint_url` in the shared config file), else `https://kms.<region>.amazonaws.com`;
 *   the region from AWS_REGION or the shared config file; credentials from the default chain;
 * - errors carry `name` = KMS's error type (from the answer's `__type`, else its `code`, else the
 *   `x-amzn-errortype` header, as the SDK reads JSON RPC errors; without the namespace of
 *   `com.amazonaws.kms#NotFoundException`; `Unknown` when the answer names none), the message of
 *   `message`/`Message`, `$metadata.httpStatusCode` and `$fault`; throttling, 5xx and dropped
 *   connections are retried by the SDK's StandardRetryStrategy, the rest (NotFoundException,
 *   KMSInvalidStateException, …) are not;
 * - a success answer that is no JSON or carries no Signature fails with `MalformedResponse`, not
 *   retried (as the SDK's deserialization errors).
 * Middleware (aws-clients.ts's test hook) sees the Sign input as `args.input`, `KMSClient` and
 * `SignCommand` as names. Not supported (not used here): other operations, GrantTokens, DryRun.
 */
import { HttpRequest } from '@smithy/core/protocols';
import {
  type AwsClientOptions,
  AwsHttpClient,
  type AwsMetadata,
  AwsServiceError,
  readAll,
} from './aws-http.ts';

/** The SDK's SignRequest, as far as it is used here. */
export interface KmsSignInput {
  /** A key id, key ARN, alias name (`alias/…`) or alias ARN. */
  readonly KeyId: string;
  /** At most 4096 bytes (RAW), or a digest (DIGEST). */
  readonly Message: Uint8Array;
  readonly MessageType?: 'RAW' | 'DIGEST';
  /** ECDSA_SHA_256, RSASSA_PKCS1_V1_5_SHA_256, …: one of the key's. */
  readonly SigningAlgorithm: string;
}

/** The SDK's SignResponse; unlike the SDK's, Signature is always there (see MalformedResponse). */
export interface KmsSignOutput {
  /** The key's ARN. */
  readonly KeyId?: string;
  /** PKCS#1 v1.5 / PSS, or DER-encoded ECDSA. */
  readonly Signature: Uint8Array;
  readonly SigningAlgorithm?: string;
}

/** The service's name in `x-amz-target` (KMS's Smithy service is still called TrentService). */
const TARGET_PREFIX = 'TrentService';

/**
 * The error type of a JSON RPC error answer, as the SDK's loadJsonRpcErrorCode reads it: `__type`,
 * then a `code` member (any case), then the `x-amzn-errortype` header; the part before `,` and `:`,
 * and after `#`.
 */
function errorType(body: Record<string, unknown>, headers: Record<string, string>): string | undefined {
  const codeKey = Object.keys(body).find((key) => key.toLowerCase() === 'code');
  const headerKey = Object.keys(headers).find((key) => key.toLowerCase() === 'x-amzn-errortype');
  const raw =
    body.__type ?? (codeKey ? body[codeKey] : undefined) ?? (headerKey ? headers[headerKey] : undefined);
  if (raw === undefined || raw === null) return undefined;
  const [value = ''] = String(raw).split(',');
  const [unqualified = ''] = value.split(':');
  return unqualified.includes('#') ? unqualified.split('#')[1] : unqualified;
}

/** The JSON object of an answer, or undefined when it is none. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export class Kms extends AwsHttpClient<KmsSignInput, KmsSignOutput> {
  constructor(options: AwsClientOptions = {}) {
    super({ id: 'KMS', clientName: 'KMSClient', signingName: 'kms', uriEscapePath: true }, options);
  }

  /** KMS Sign: the signature of `Message` with the key's private key, which never leaves KMS. */
  sign(input: KmsSignInput, options: { abortSignal?: AbortSignal } = {}): Promise<KmsSignOutput> {
    const { abortSignal } = options;
    return this.invoke('Sign', input, (call) => this.attempt(call, abortSignal), abortSignal);
  }

  private async attempt(input: KmsSignInput, abortSignal: AbortSignal | undefined): Promise<KmsSignOutput> {
    const answer = await this.post(
      'Sign',
      // The SDK's member order (its SignRequest schema); JSON.stringify leaves out what is undefined.
      {
        KeyId: input.KeyId,
        Message: Buffer.from(input.Message).toString('base64'),
        SigningAlgorithm: input.SigningAlgorithm,
        MessageType: input.MessageType,
      },
      abortSignal,
    );
    const signature = text(answer.body.Signature);
    if (!signature) {
      throw new AwsServiceError(
        'MalformedResponse',
        `KMS answered Sign with no Signature: ${answer.text.slice(0, 200) || '(empty)'}`,
        answer.metadata,
      );
    }
    const keyId = text(answer.body.KeyId);
    const algorithm = text(answer.body.SigningAlgorithm);
    return {
      ...(keyId ? { KeyId: keyId } : {}),
      Signature: new Uint8Array(Buffer.from(signature, 'base64')),
      ...(algorithm ? { SigningAlgorithm: algorithm } : {}),
    };
  }

  /** One signed AWS JSON 1.1 exchange: the answer's JSON object, or the error it names. */
  private async post(
    operation: string,
    input: Record<string, unknown>,
    abortSignal: AbortSignal | undefined,
  ): Promise<{ body: Record<string, unknown>; text: string; metadata: AwsMetadata }> {
    const endpoint = await this.resolveEndpoint();
    const payload = JSON.stringify(input);
    const host = `${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}`;
    const request = new HttpRequest({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: endpoint.port } : {}),
      path: `${endpoint.basePath}/`,
      query: {},
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${TARGET_PREFIX}.${operation}`,
        'content-length': String(Buffer.byteLength(payload)),
        host,
      },
      body: payload,
    });
    const response = await this.exchange(request, abortSignal);
    const headers = response.headers;
    const requestId =
      headers['x-amzn-requestid'] ?? headers['x-amzn-request-id'] ?? headers['x-amz-request-id'];
    const metadata: AwsMetadata = {
      httpStatusCode: response.statusCode,
      ...(requestId ? { requestId } : {}),
    };
    // Read to the end, so that the connection goes back to the keep-alive pool.
    const answer = (await readAll(response.body as AsyncIterable<Uint8Array> | undefined)).toString('utf8');
    const body = jsonObject(answer);
    if (response.statusCode >= 300) {
      const fields = body ?? {};
      throw new AwsServiceError(
        errorType(fields, headers) ?? 'Unknown',
        text(fields.message) ??
          text(fields.Message) ??
          `KMS answered ${operation} with HTTP ${response.statusCode} and no error message`,
        metadata,
      );
    }
    if (!body) {
      throw new AwsServiceError(
        'MalformedResponse',
        `KMS answered ${operation} with no JSON object: ${answer.slice(0, 200) || '(empty)'}`,
        metadata,
      );
    }
    return { body, text: answer, metadata };
  }
}
