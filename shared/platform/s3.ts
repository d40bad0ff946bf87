/**
 * A small S3 client for the Lambda bundles (issue 10): the operations the platform uses (presigned
 * PUT/GET, HEAD, GET, PUT, copy, delete, list, HEAD bucket), built on the SDK primitives every bundle
 * already carries for DynamoDB: SignatureV4 (@smithy/signature-v4), the keep-alive NodeHttpHandler,
 * the standard retry strategy and config loaders of @smithy/core, and the default credential chain
 * (in Lambda bundles aliased to shared/platform/lambda-credentials.ts); the machinery it shares with
 * ./kms.ts (configuration, retries, errors, middleware) is in ./aws-http.ts. `@aws-sdk/client-s3` and its
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
 * (setAwsClientHook; see ./aws-http.ts); middleware sees an S3Call as `args.input`.
 * Not supported (not used here): FIPS or dual-stack endpoints, access points, S3 Express, multipart,
 * clock-skew correction; of response checksums only a full-object SHA-256 is checked (getObjectBytes).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buildQueryString, escapeUri, HttpRequest } from '@smithy/core/protocols';
import {
  type AwsClientOptions,
  AwsHttpClient,
  type AwsMetadata,
  AwsServiceError,
  type Middleware,
  readAll,
} from './aws-http.ts';

export interface S3Options extends AwsClientOptions {
  readonly forcePathStyle?: boolean;
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

/** An error answer of S3: `name` is S3's error Code, as the SDK names its exceptions. */
export class S3ServiceError extends AwsServiceError {
  /** Further fields of the XML error document (Key, BucketName, Condition, …). */
  readonly details: Record<string, string>;

  constructor(code: string, message: string, metadata: AwsMetadata, details: Record<string, string> = {}) {
    super(code, message, metadata);
    this.details = details;
  }
}

export type S3Middleware = Middleware<S3Call, S3Response>;

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

/** A bucket name usable as a DNS label (the SDK's isVirtualHostableS3Bucket without dots). */
const isDnsBucket = (bucket: string): boolean =>
  /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);

const isIpAddress = (hostname: string): boolean =>
  /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[');

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

export class S3 extends AwsHttpClient<S3Call, S3Response> {
  private readonly forcePathStyle: boolean;

  constructor(options: S3Options = {}) {
    // S3 signs the path as sent (keys are escaped once, below), like the SDK's S3 client.
    super({ id: 'S3', clientName: 'S3Client', signingName: 's3', uriEscapePath: false }, options);
    this.forcePathStyle = options.forcePathStyle ?? false;
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

  /** Sends a call: middleware, retries, one signed attempt at a time (./aws-http.ts). */
  private send(call: S3Call, abortSignal?: AbortSignal): Promise<S3Response> {
    return this.invoke(call.operation, call, (input) => this.attempt(input, abortSignal), abortSignal);
  }

  private async attempt(call: S3Call, abortSignal: AbortSignal | undefined): Promise<S3Response> {
    const response = await this.exchange(await this.httpRequest(call), abortSignal);
    const headers = response.headers;
    const metadata: AwsMetadata = {
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
function errorOf(status: number, xml: string, metadata: AwsMetadata): S3ServiceError {
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
