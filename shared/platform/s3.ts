/**
 * A small S3 client for the Lambda bundles (issue 10): the operations the platform uses (presigned
 * PUT/GET, HEAD, GET, PUT, copy, delete, list, HEAD bucket), built on the SDK primitives every bundle
 * already carries for DynamoDB: SignatureV4 (@smithy/signature-v4), the keep-alive NodeHttpHandler,
 * the standard retry strategy and config loaders of @smithy/core, and the default credential chain
 * (in Lambda bundles aliased to shared/platform/lambda-credentials.ts). `@aws-sdk/client-s3` and its
 * presigner weigh ~165 KB minified per function (schemas, endpoint rules, XML and checksum code);
 * this is about 8 KB.
 *
 * It behaves as the SDK client configured in aws-clients.ts did, on the wire and to callers:
 * - requests and presigned URLs are signed exactly as the SDK signs them (the same headers, query
 *   and SigV4 canonical form; tests/unit/s3-signing.test.ts compares both byte for byte, since
 *   s3rver checks no signature);
 * - the endpoint comes from the SDK's standard configuration (AWS_ENDPOINT_URL_S3, then
 *   AWS_ENDPOINT_URL, or `endpoint_url` in the shared config file), else the regional AWS endpoint;
 *   virtual-hosted style unless S3_FORCE_PATH_STYLE is `true`, the endpoint is an IP address or the
 *   bucket is no DNS label; the region from AWS_REGION or the shared config file;
 * - errors carry `name` = S3's error Code (`NotFound` for a bodiless 404, else the status as text),
 *   `$metadata.httpStatusCode` and `$fault`; retries use the SDK's StandardRetryStrategy (throttling,
 *   5xx, timeouts and dropped connections; at most AWS_MAX_ATTEMPTS attempts, default 3, jittered
 *   backoff, shared retry quota);
 * - object bodies are streamed (Node Readable), never buffered unless asked (`getObjectBytes`).
 *
 * `middlewareStack.add` takes the SDK's middleware shape for the test hook of aws-clients.ts
 * (setAwsClientHook): a middleware at the `initialize` step wraps a call once, outside retries;
 * at any later step it wraps each attempt, before signing. No middleware, no cost.
 * Not supported (not used here): FIPS or dual-stack endpoints, access points, S3 Express, multipart,
 * clock-skew correction; of response checksums only a full-object SHA-256 is checked (getObjectBytes).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';
import { buildQueryString, escapeUri, HttpRequest } from '@smithy/core/protocols';
import {
  isServerError,
  isThrottlingError,
  isTransientError,
  NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
  StandardRetryStrategy,
} from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  HttpResponse,
  RetryErrorType,
} from '@smithy/types';

/** The HTTP transport: NodeHttpHandler by default; a test may pass one that records requests. */
export interface S3RequestHandler {
  handle(request: HttpRequest, options?: { abortSignal?: AbortSignal }): Promise<{ response: HttpResponse }>;
}

export interface S3Options {
  /** Default: AWS_REGION, or `region` in the shared config file. */
  readonly region?: string;
  /** Default: the SDK's default credential chain. */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or the shared config file; else AWS's regional endpoint. */
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  /** Default: AWS_MAX_ATTEMPTS or `max_attempts` in the shared config file, else 3 (the SDK's). */
  readonly maxAttempts?: number;
  readonly requestHandler?: S3RequestHandler;
}

/** One S3 request before signing, as middleware sees it (`args.input`). */
export interface S3Call {
  /** The SDK's operation name (`GetObject`); middleware sees `GetObjectCommand` as commandName. */
  readonly operation: string;
  readonly method: 'GET' | 'PUT' | 'HEAD' | 'DELETE';
  readonly bucket: string;
  /** Absent for bucket operations. */
  readonly key?: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
}

export interface S3Response {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /** The response body as it arrives (not read for HEAD and for operations that answer no content). */
  readonly body: Readable;
}

export interface S3Metadata {
  httpStatusCode?: number;
  requestId?: string;
  extendedRequestId?: string;
  attempts?: number;
  totalRetryDelay?: number;
}

/** An error answer of S3: `name` is S3's error Code, as the SDK names its exceptions. */
export class S3ServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: S3Metadata;
  /** Further fields of the XML error document (Key, BucketName, Condition, …). */
  readonly details: Record<string, string>;

  constructor(code: string, message: string, metadata: S3Metadata, details: Record<string, string> = {}) {
    super(message);
    this.name = code;
    this.$metadata = metadata;
    this.$fault = (metadata.httpStatusCode ?? 500) < 500 ? 'client' : 'server';
    this.details = details;
  }
}

type Handler = (args: { input: S3Call }) => Promise<S3Response>;
/** The SDK's middleware shape, as far as the test hook needs it. */
export type S3Middleware = (
  next: Handler,
  context: { readonly clientName: string; readonly commandName: string },
) => Handler;
export type MiddlewareStep = 'initialize' | 'serialize' | 'build' | 'finalizeRequest' | 'deserialize';

/** What the SDK calls S3's client; fault-injection statistics are labelled with it. */
const CLIENT_NAME = 'S3Client';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** Decodes the five XML entities and numeric character references. */
const xmlDecode = (text: string): string =>
  text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity[0] === '#') {
      const hex = entity[1] === 'x';
      return String.fromCodePoint(Number.parseInt(entity.slice(hex ? 2 : 1), hex ? 16 : 10));
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity] ?? '';
  });

/**
 * The text of every `<tag>…</tag>` (no attributes, no nesting of the same tag) in `xml`. S3's error
 * documents and listings are flat in the elements read here, and text content cannot contain `<`.
 */
export function xmlElements(xml: string, tag: string): string[] {
  const values: string[] = [];
  const pattern = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
  for (const match of xml.matchAll(pattern)) values.push(match[1] ?? '');
  return values;
}

const xmlText = (xml: string, tag: string): string | undefined => {
  const [value] = xmlElements(xml, tag);
  return value === undefined ? undefined : xmlDecode(value);
};

/** All of a (small) body. */
export async function readAll(body: AsyncIterable<Uint8Array> | undefined): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  if (body) for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A bucket name usable as a DNS label (the SDK's isVirtualHostableS3Bucket without dots). */
const isDnsBucket = (bucket: string): boolean =>
  /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);

const isIpAddress = (hostname: string): boolean =>
  /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[');

interface Endpoint {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  /** Path of a custom endpoint, without a trailing slash (usually ''). */
  readonly basePath: string;
  readonly custom: boolean;
}

/** `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL`, then the shared config file (the SDK's selectors). */
const configuredEndpoint = (): Promise<string | undefined> =>
  loadConfig<string | undefined>({
    environmentVariableSelector: (env) =>
      env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true'
        ? undefined
        : env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined,
    configFileSelector: (profile, config) => {
      if (profile.ignore_configured_endpoint_urls === 'true') return undefined;
      const services = profile.services ? config?.[`services.${profile.services}`] : undefined;
      return services?.['s3.endpoint_url'] ?? profile.endpoint_url ?? undefined;
    },
    default: undefined,
  })();

/** A PutObject request (sent, or presigned) for an object of this type, length and SHA-256. */
function putObjectCall(
  bucket: string,
  key: string,
  object: { contentType?: string; contentLength?: number; checksumSha256?: string },
  extraHeaders: Record<string, string> = {},
): S3Call {
  return {
    operation: 'PutObject',
    method: 'PUT',
    bucket,
    key,
    query: { 'x-id': 'PutObject' },
    headers: {
      ...(object.contentType ? { 'content-type': object.contentType } : {}),
      ...(object.contentLength !== undefined ? { 'content-length': String(object.contentLength) } : {}),
      ...(object.checksumSha256 ? { 'x-amz-checksum-sha256': object.checksumSha256 } : {}),
      ...extraHeaders,
    },
  };
}

export class S3 {
  private readonly signer: SignatureV4;
  private readonly handler: S3RequestHandler;
  private readonly retries: StandardRetryStrategy;
  private readonly region: () => Promise<string>;
  private readonly forcePathStyle: boolean;
  private readonly endpointOption: string | undefined;
  private endpoint?: Promise<Endpoint>;
  private readonly initialize: S3Middleware[] = [];
  private readonly perAttempt: S3Middleware[] = [];

  /** The SDK client's `middlewareStack.add`, for the test hook (see the module comment). */
  readonly middlewareStack = {
    add: (middleware: S3Middleware, options: { step: MiddlewareStep; priority?: string; name?: string }) => {
      (options.step === 'initialize' ? this.initialize : this.perAttempt).push(middleware);
    },
  };

  constructor(options: S3Options = {}) {
    const region = options.region;
    this.region = region
      ? async () => region
      : loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS);
    this.signer = new SignatureV4({
      service: 's3',
      region: this.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Sha256,
      // S3 signs the path as sent (keys are escaped once, below), like the SDK's S3 client.
      uriEscapePath: false,
      applyChecksum: true,
    });
    this.handler = options.requestHandler ?? new NodeHttpHandler();
    const maxAttempts = options.maxAttempts;
    this.retries = new StandardRetryStrategy(
      maxAttempts ? async () => maxAttempts : loadConfig(NODE_MAX_ATTEMPT_CONFIG_OPTIONS),
    );
    this.forcePathStyle = options.forcePathStyle ?? false;
    this.endpointOption = options.endpoint;
  }

  // Operations ------------------------------------------------------------------------------------

  async headObject(
    bucket: string,
    key: string,
    options: { checksumMode?: boolean } = {},
  ): Promise<{
    contentLength: number;
    etag: string;
    versionId?: string;
    checksumSha256?: string;
    contentType?: string;
  }> {
    const { headers } = await this.send({
      operation: 'HeadObject',
      method: 'HEAD',
      bucket,
      key,
      headers: options.checksumMode ? { 'x-amz-checksum-mode': 'ENABLED' } : {},
    });
    return {
      contentLength: Number(headers['content-length'] ?? 0),
      etag: headers.etag ?? '',
      ...(headers['x-amz-version-id'] ? { versionId: headers['x-amz-version-id'] } : {}),
      ...(headers['x-amz-checksum-sha256'] ? { checksumSha256: headers['x-amz-checksum-sha256'] } : {}),
      ...(headers['content-type'] ? { contentType: headers['content-type'] } : {}),
    };
  }

  /** An object's body as a stream (read it to the end, or destroy it, to free the connection). */
  async getObject(
    bucket: string,
    key: string,
    options: { ifMatch?: string; versionId?: string; range?: string } = {},
  ): Promise<S3Response> {
    return this.send({
      operation: 'GetObject',
      method: 'GET',
      bucket,
      key,
      query: { 'x-id': 'GetObject', ...(options.versionId ? { versionId: options.versionId } : {}) },
      headers: {
        ...(options.ifMatch ? { 'if-match': options.ifMatch } : {}),
        ...(options.range ? { range: options.range } : {}),
        // As the SDK asks (its default response checksum validation); checked in getObjectBytes.
        'x-amz-checksum-mode': 'ENABLED',
      },
    });
  }

  /**
   * A whole object in memory. When S3 answers with the object's full SHA-256 (stored on upload),
   * the bytes are checked against it, as the SDK validates response checksums.
   */
  async getObjectBytes(bucket: string, key: string): Promise<Buffer> {
    const { body, headers } = await this.getObject(bucket, key);
    const bytes = await readAll(body);
    const expected = headers['x-amz-checksum-sha256'];
    if (expected && headers['x-amz-checksum-type'] !== 'COMPOSITE' && !expected.includes('-')) {
      const actual = createHash('sha256').update(bytes).digest('base64');
      if (actual !== expected) {
        throw new Error(`Checksum mismatch for s3://${bucket}/${key}: expected ${expected}, got ${actual}`);
      }
    }
    return bytes;
  }

  /**
   * Stores `body` with its SHA-256 checksum, which S3 verifies and keeps (given, or computed here as
   * the SDK does for `ChecksumAlgorithm: 'SHA256'`); the signed payload hash covers the bytes too.
   */
  async putObject(
    bucket: string,
    key: string,
    body: Uint8Array | string,
    options: { contentType?: string; checksumSha256?: string } = {},
  ): Promise<{ etag: string; versionId?: string }> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const object = {
      ...(options.contentType ? { contentType: options.contentType } : {}),
      contentLength: bytes.byteLength,
      checksumSha256: options.checksumSha256 ?? createHash('sha256').update(bytes).digest('base64'),
    };
    // A checksum computed here is announced as the SDK announces its own.
    const computed: Record<string, string> = options.checksumSha256
      ? {}
      : { 'x-amz-sdk-checksum-algorithm': 'SHA256' };
    const { headers } = await this.send({ ...putObjectCall(bucket, key, object, computed), body: bytes });
    return {
      etag: headers.etag ?? '',
      ...(headers['x-amz-version-id'] ? { versionId: headers['x-amz-version-id'] } : {}),
    };
  }

  /** CopyObject; `copySource` is `bucket/escaped-key[?versionId=…]`, as the SDK's CopySource. */
  async copyObject(
    bucket: string,
    key: string,
    options: {
      copySource: string;
      copySourceIfMatch?: string;
      metadataDirective?: 'COPY' | 'REPLACE';
      checksumAlgorithm?: 'SHA256';
    },
  ): Promise<void> {
    await this.send({
      operation: 'CopyObject',
      method: 'PUT',
      bucket,
      key,
      query: { 'x-id': 'CopyObject' },
      headers: {
        'x-amz-copy-source': options.copySource,
        ...(options.copySourceIfMatch ? { 'x-amz-copy-source-if-match': options.copySourceIfMatch } : {}),
        ...(options.metadataDirective ? { 'x-amz-metadata-directive': options.metadataDirective } : {}),
        ...(options.checksumAlgorithm ? { 'x-amz-checksum-algorithm': options.checksumAlgorithm } : {}),
      },
    });
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await this.send({
      operation: 'DeleteObject',
      method: 'DELETE',
      bucket,
      key,
      query: { 'x-id': 'DeleteObject' },
    });
  }

  async headBucket(bucket: string, options: { abortSignal?: AbortSignal } = {}): Promise<void> {
    await this.send({ operation: 'HeadBucket', method: 'HEAD', bucket }, options.abortSignal);
  }

  /** One page of ListObjectsV2: the keys (at most 1,000) and the token of the next page. */
  async listObjectsV2(
    bucket: string,
    options: { prefix?: string; continuationToken?: string } = {},
  ): Promise<{ keys: string[]; nextContinuationToken?: string }> {
    const { body } = await this.send({
      operation: 'ListObjectsV2',
      method: 'GET',
      bucket,
      query: {
        'list-type': '2',
        ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
        ...(options.continuationToken ? { 'continuation-token': options.continuationToken } : {}),
      },
    });
    const xml = (await readAll(body)).toString('utf8');
    const keys = xmlElements(xml, 'Contents').map((contents) => xmlText(contents, 'Key') ?? '');
    const truncated = xmlText(xml, 'IsTruncated') === 'true';
    const next = truncated ? xmlText(xml, 'NextContinuationToken') : undefined;
    return { keys, ...(next ? { nextContinuationToken: next } : {}) };
  }

  /** Every key under `prefix`, all pages. */
  async listKeys(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.listObjectsV2(bucket, {
        prefix,
        ...(continuationToken ? { continuationToken } : {}),
      });
      keys.push(...page.keys);
      continuationToken = page.nextContinuationToken;
    } while (continuationToken);
    return keys;
  }

  /**
   * A presigned PutObject URL; as `getSignedUrl` of @aws-sdk/s3-request-presigner, the headers in
   * `signableHeaders` are signed (content-type is otherwise not), and `x-amz-*` headers are hoisted
   * into the query string unless listed in `unhoistableHeaders`.
   */
  presignPutObject(
    bucket: string,
    key: string,
    object: { contentType?: string; contentLength?: number; checksumSha256?: string },
    options: PresignOptions,
  ): Promise<string> {
    return this.presign(putObjectCall(bucket, key, object), options);
  }

  /** A presigned GetObject URL, with the response header overrides S3 applies to the download. */
  presignGetObject(
    bucket: string,
    key: string,
    response: { contentType?: string; contentDisposition?: string },
    options: PresignOptions,
  ): Promise<string> {
    return this.presign(
      {
        operation: 'GetObject',
        method: 'GET',
        bucket,
        key,
        query: {
          'x-id': 'GetObject',
          ...(response.contentType ? { 'response-content-type': response.contentType } : {}),
          ...(response.contentDisposition
            ? { 'response-content-disposition': response.contentDisposition }
            : {}),
        },
        // The SDK adds it to every GetObject (response checksum validation); hoisted into the query.
        headers: { 'x-amz-checksum-mode': 'ENABLED' },
      },
      options,
    );
  }

  // Machinery -------------------------------------------------------------------------------------

  private async presign(call: S3Call, options: PresignOptions): Promise<string> {
    const request = await this.httpRequest(call);
    // As S3RequestPresigner.prepareRequest does, capitals included: the header is hoisted into the
    // query string under this very name, and the canonical query is case-sensitive.
    request.headers['X-Amz-Content-Sha256'] = UNSIGNED_PAYLOAD;
    const presigned = await this.signer.presign(request, {
      expiresIn: options.expiresIn,
      ...(options.signingDate ? { signingDate: options.signingDate } : {}),
      unsignableHeaders: new Set(['content-type']),
      ...(options.signableHeaders ? { signableHeaders: options.signableHeaders } : {}),
      unhoistableHeaders: options.unhoistableHeaders ?? new Set(),
    });
    const port = presigned.port ? `:${presigned.port}` : '';
    const query = buildQueryString(presigned.query ?? {});
    return `${presigned.protocol}//${presigned.hostname}${port}${presigned.path}${query ? `?${query}` : ''}`;
  }

  private resolveEndpoint(): Promise<Endpoint> {
    this.endpoint ??= (async () => {
      const configured = this.endpointOption ?? (await configuredEndpoint());
      if (configured) {
        const url = new URL(configured);
        return {
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port ? { port: Number(url.port) } : {}),
          basePath: url.pathname.replace(/\/+$/, ''),
          custom: true,
        };
      }
      const region = await this.region();
      const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
      return { protocol: 'https:', hostname: `s3.${region}.${suffix}`, basePath: '', custom: false };
    })();
    // A failed lookup is not cached.
    this.endpoint.catch(() => {
      this.endpoint = undefined;
    });
    return this.endpoint;
  }

  /** The unsigned request of a call: URL (virtual-hosted or path style), escaped key, host header. */
  private async httpRequest(call: S3Call): Promise<HttpRequest> {
    const endpoint = await this.resolveEndpoint();
    const virtual =
      !this.forcePathStyle &&
      isDnsBucket(call.bucket) &&
      !(endpoint.custom && isIpAddress(endpoint.hostname));
    const hostname = virtual ? `${call.bucket}.${endpoint.hostname}` : endpoint.hostname;
    const keyPath = call.key === undefined ? '' : call.key.split('/').map(escapeUri).join('/');
    const path = `${endpoint.basePath}${virtual ? '' : `/${escapeUri(call.bucket)}`}/${keyPath}`;
    return new HttpRequest({
      method: call.method,
      protocol: endpoint.protocol,
      hostname,
      ...(endpoint.port ? { port: endpoint.port } : {}),
      path,
      query: { ...call.query },
      headers: {
        ...call.headers,
        host: `${hostname}${endpoint.port ? `:${endpoint.port}` : ''}`,
      },
      ...(call.body ? { body: call.body } : {}),
    });
  }

  /** Sends a call: middleware, retries, one signed attempt at a time. */
  private async send(call: S3Call, abortSignal?: AbortSignal): Promise<S3Response> {
    const context = { clientName: CLIENT_NAME, commandName: `${call.operation}Command` };
    const wrap = (middleware: S3Middleware[], handler: Handler): Handler =>
      middleware.reduceRight<Handler>((next, layer) => layer(next, context), handler);
    const attempt = wrap(this.perAttempt, (args) => this.attempt(args.input, abortSignal));
    const withRetries: Handler = async (args) => {
      let token = await this.retries.acquireInitialRetryToken('');
      let totalRetryDelay = 0;
      while (true) {
        try {
          const response = await attempt(args);
          this.retries.recordSuccess(token);
          return response;
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          if (abortSignal?.aborted) throw failure;
          try {
            token = await this.retries.refreshRetryTokenForRetry(token, {
              errorType: retryErrorType(failure),
              error: failure as Parameters<typeof isThrottlingError>[0],
            });
            totalRetryDelay +=
              (token as { $retryLog?: { acquisitionDelay?: number } }).$retryLog?.acquisitionDelay ?? 0;
          } catch {
            const withMetadata = failure as { $metadata?: S3Metadata };
            withMetadata.$metadata ??= {};
            const metadata = withMetadata.$metadata;
            metadata.attempts = token.getRetryCount() + 1;
            metadata.totalRetryDelay = totalRetryDelay;
            throw failure;
          }
        }
      }
    };
    return wrap(this.initialize, withRetries)({ input: call });
  }

  private async attempt(call: S3Call, abortSignal: AbortSignal | undefined): Promise<S3Response> {
    const signed = await this.signer.sign(await this.httpRequest(call));
    const { response } = await this.handler.handle(signed as HttpRequest, abortSignal ? { abortSignal } : {});
    const headers = response.headers;
    const metadata: S3Metadata = {
      httpStatusCode: response.statusCode,
      ...(headers['x-amz-request-id'] ? { requestId: headers['x-amz-request-id'] } : {}),
      ...(headers['x-amz-id-2'] ? { extendedRequestId: headers['x-amz-id-2'] } : {}),
    };
    const body = response.body as Readable | undefined;
    if (response.statusCode >= 300) {
      // Read to the end (empty for HEAD) so that the connection goes back to the keep-alive pool.
      const text = (await readAll(body)).toString('utf8');
      throw errorOf(response.statusCode, text, metadata);
    }
    if (call.operation === 'CopyObject') {
      // S3 may answer a copy with 200 and an error document (or nothing, when it aborted).
      const text = (await readAll(body)).toString('utf8');
      if (text.length === 0)
        throw new S3ServiceError('InternalError', 'S3 aborted request', { httpStatusCode: 503 });
      if (text.trimEnd().endsWith('</Error>')) throw errorOf(503, text, { ...metadata, httpStatusCode: 503 });
      return { statusCode: response.statusCode, headers, body: emptyBody() };
    }
    if (call.method !== 'GET') {
      // Read to the end for keep-alive, as above: these answers carry nothing the callers read.
      await readAll(body);
      return { statusCode: response.statusCode, headers, body: emptyBody() };
    }
    return { statusCode: response.statusCode, headers, body: body ?? emptyBody() };
  }
}

export interface PresignOptions {
  /** Seconds, at most 7 days. */
  readonly expiresIn: number;
  /** Default: now. */
  readonly signingDate?: Date;
  readonly signableHeaders?: Set<string>;
  readonly unhoistableHeaders?: Set<string>;
}

const emptyBody = (): Readable => Readable.from([]);

/** An S3ServiceError from an error answer, named by its XML Code when it has one. */
function errorOf(status: number, xml: string, metadata: S3Metadata): S3ServiceError {
  const code = xmlText(xml, 'Code') ?? (status === 404 ? 'NotFound' : String(status));
  const message = xmlText(xml, 'Message') ?? code;
  const requestId = xmlText(xml, 'RequestId');
  const details: Record<string, string> = {};
  for (const match of xml.matchAll(/<([A-Za-z]+)>([^<]*)<\/\1>/g)) {
    const [, name, value] = match;
    if (name && name !== 'Code' && name !== 'Message') details[name] = xmlDecode(value ?? '');
  }
  return new S3ServiceError(
    code,
    message,
    { ...metadata, ...(requestId && !metadata.requestId ? { requestId } : {}) },
    details,
  );
}

/** As the SDK's retry middleware classifies an error for its retry strategy. */
function retryErrorType(error: Error): RetryErrorType {
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(sdkError)) return 'THROTTLING';
  if (isTransientError(sdkError)) return 'TRANSIENT';
  if (isServerError(sdkError)) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}
