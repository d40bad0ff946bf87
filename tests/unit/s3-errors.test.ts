/**
 * Our S3 client (shared/platform/s3.ts) against an S3 stand-in on 127.0.0.1: how it names S3's
 * errors (the callers' isMissingObject / isPreconditionFailed and the problem+json mapping depend on
 * it), what it retries (throttling, 5xx, dropped connections; at most 3 attempts) and what it does
 * not, that object bodies stream, that listings are read across pages, and that the test hook's
 * middleware sees every call. Nothing leaves the machine.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isMissingObject, isPreconditionFailed } from '#shared/files/storage.ts';
import { isRetryableAwsError } from '#shared/http/problem.ts';
import { s3Client, setAwsClientHook } from '#shared/platform/aws-clients.ts';
import { readAll } from '#shared/platform/aws-http.ts';
import { S3, type S3Middleware, S3ServiceError } from '#shared/platform/s3.ts';
import {
  STAND_IN_CREDENTIALS as CREDENTIALS,
  closeStandIns,
  drop,
  failure as failureOf,
  platformEnvironment,
  type Reply,
  resetPlatformClientsAfterEach,
  standInService,
} from '#tests/support/aws-stand-in.ts';
import { faultInjector } from '#tests/support/fault-injection.ts';

const BUCKET = 'vp-files';

interface Seen {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly authorization: string | undefined;
}

afterEach(closeStandIns);

/** An S3 stand-in (tests/support/aws-stand-in.ts) and our client of it. */
async function standIn(...replies: Reply[]) {
  const { endpoint, seen } = await standInService<Seen>(replies, (request) => ({
    method: request.method,
    url: request.url,
    authorization: request.headers.authorization,
  }));
  const s3 = new S3({
    region: 'ap-southeast-1',
    credentials: CREDENTIALS,
    endpoint,
    forcePathStyle: true,
  });
  return { s3, seen, endpoint };
}

const xmlError =
  (status: number, code: string, message: string, extra = '') =>
  (_: IncomingMessage, response: ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': 'REQ123' });
    response.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>REQ123</RequestId><HostId>host/id=</HostId></Error>`,
    );
  };
const bodiless = (status: number) => (_: IncomingMessage, response: ServerResponse) => {
  response.writeHead(status, { 'x-amz-request-id': 'REQ456' });
  response.end();
};
const ok =
  (body = '', headers: Record<string, string> = {}) =>
  (_: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, headers);
    response.end(body);
  };
const failure = (promise: Promise<unknown>) => failureOf<S3ServiceError & { code?: string }>(promise);

describe('S3 errors: named by their S3 Code, with the HTTP status', () => {
  it('GET of a missing key: NoSuchKey from the XML body, not retried', async () => {
    const { s3, seen } = await standIn(
      xmlError(404, 'NoSuchKey', 'The specified key does not exist.', '<Key>a &amp; b.pdf</Key>'),
    );
    const error = await failure(s3.getObject(BUCKET, 'a & b.pdf'));
    expect(error).toBeInstanceOf(S3ServiceError);
    expect(error.name).toBe('NoSuchKey');
    expect(error.message).toBe('The specified key does not exist.');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 404, requestId: 'REQ123', attempts: 1 });
    expect(error.$fault).toBe('client');
    expect(error.details.Key).toBe('a & b.pdf');
    expect(isMissingObject(error)).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe('/vp-files/a%20%26%20b.pdf?x-id=GetObject');
    expect(seen[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
  });

  it('HEAD of a missing key (no body): NotFound', async () => {
    const { s3 } = await standIn(bodiless(404));
    const error = await failure(s3.headObject(BUCKET, 'missing'));
    expect(error.name).toBe('NotFound');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(isMissingObject(error)).toBe(true);
  });

  it('a missing version: NoSuchVersion', async () => {
    const { s3 } = await standIn(xmlError(404, 'NoSuchVersion', 'The specified version does not exist.'));
    const error = await failure(s3.getObject(BUCKET, 'k', { versionId: 'v1' }));
    expect(error.name).toBe('NoSuchVersion');
    expect(isMissingObject(error)).toBe(true);
  });

  it('a failed If-Match: PreconditionFailed (412), with or without a body', async () => {
    const withBody = await standIn(
      xmlError(
        412,
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        '<Condition>If-Match</Condition>',
      ),
    );
    const error = await failure(withBody.s3.getObject(BUCKET, 'k', { ifMatch: '"etag"' }));
    expect(error.name).toBe('PreconditionFailed');
    expect(error.$metadata.httpStatusCode).toBe(412);
    expect(isPreconditionFailed(error)).toBe(true);
    expect(withBody.seen).toHaveLength(1);

    const without = await standIn(bodiless(412));
    const headError = await failure(without.s3.headObject(BUCKET, 'k'));
    expect(headError.name).toBe('412');
    expect(isPreconditionFailed(headError)).toBe(true);
  });

  it('AccessDenied is the caller’s problem: not retried, not a 503', async () => {
    const { s3, seen } = await standIn(xmlError(403, 'AccessDenied', 'Access Denied'));
    const error = await failure(s3.putObject(BUCKET, 'k', 'x'));
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(isRetryableAwsError(error)).toBe(false);
    expect(seen).toHaveLength(1);
  });
});

describe('S3 retries: as the SDK’s standard mode', () => {
  it('503 SlowDown, then 200: retried, and the second answer is the result', async () => {
    const { s3, seen } = await standIn(
      xmlError(503, 'SlowDown', 'Please reduce your request rate.'),
      ok('', { 'content-length': '0', etag: '"abc"', 'x-amz-checksum-sha256': 'c2hh' }),
    );
    const head = await s3.headObject(BUCKET, 'k', { checksumMode: true });
    expect(head).toEqual({ contentLength: 0, etag: '"abc"', checksumSha256: 'c2hh' });
    expect(seen.map((request) => request.method)).toEqual(['HEAD', 'HEAD']);
  });

  it('500s throughout: 3 attempts, then the last error, which the API answers with 503', async () => {
    const { s3, seen } = await standIn(xmlError(500, 'InternalError', 'We encountered an internal error.'));
    const error = await failure(s3.deleteObject(BUCKET, 'k'));
    expect(error.name).toBe('InternalError');
    expect(error.$fault).toBe('server');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 500, attempts: 3 });
    expect(seen).toHaveLength(3);
  });

  it('a dropped connection is retried', async () => {
    const { s3, seen } = await standIn(drop, ok('%PDF-1.7'));
    const { body } = await s3.getObject(BUCKET, 'k');
    expect((await readAll(body)).toString()).toBe('%PDF-1.7');
    expect(seen).toHaveLength(2);
  });

  it('connections dropped throughout: 3 attempts, then a network error the API answers with 503', async () => {
    const { s3, seen } = await standIn(drop);
    const error = await failure(s3.headBucket(BUCKET));
    expect(error.code).toBe('ECONNRESET');
    expect(error.$metadata.attempts).toBe(3);
    expect(isRetryableAwsError(error)).toBe(true);
    expect(seen).toHaveLength(3);
    expect(seen[0]?.url).toBe('/vp-files/');
  });

  it('CopyObject answered 200 with an error document is retried', async () => {
    const { s3, seen } = await standIn(
      ok(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>',
      ),
      ok('<?xml version="1.0" encoding="UTF-8"?>\n<CopyObjectResult><ETag>"e"</ETag></CopyObjectResult>'),
    );
    await s3.copyObject(BUCKET, 'to', { copySource: `${BUCKET}/from`, metadataDirective: 'COPY' });
    expect(seen.map((request) => request.method)).toEqual(['PUT', 'PUT']);
  });

  it('an aborted call fails at once, without retries', async () => {
    const { s3, seen } = await standIn(() => {
      // Never answers.
    });
    const started = performance.now();
    const error = await failure(s3.headBucket(BUCKET, { abortSignal: AbortSignal.timeout(200) }));
    expect(error.name).toBe('AbortError');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(seen).toHaveLength(1);
  });
});

describe('S3 bodies and listings', () => {
  it('an object body streams: the first bytes are read before the rest is sent', async () => {
    let finish: (() => void) | undefined;
    const { s3 } = await standIn((_, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(Buffer.alloc(64 * 1024, 1));
      finish = () => response.end(Buffer.alloc(64 * 1024, 2));
    });
    const { body } = await s3.getObject(BUCKET, 'big');
    const iterator = body[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(finish).toBeDefined();
    finish?.();
    let size = (first.value as Buffer).length;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      size += next.value.length;
    expect(size).toBe(128 * 1024);
  });

  it('getObjectBytes checks the SHA-256 S3 returns', async () => {
    const good = await standIn(
      ok('hello', { 'x-amz-checksum-sha256': 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=' }),
    );
    expect((await good.s3.getObjectBytes(BUCKET, 'k')).toString()).toBe('hello');
    const bad = await standIn(
      ok('hellO', { 'x-amz-checksum-sha256': 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=' }),
    );
    await expect(bad.s3.getObjectBytes(BUCKET, 'k')).rejects.toThrow(/Checksum mismatch/);
  });

  it('listKeys reads every page and unescapes keys', async () => {
    const page = (keys: string[], next?: string) =>
      ok(
        `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>vp-files</Name><Prefix>audit-digests/c/</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>${next ? 'true' : 'false'}</IsTruncated>${
          next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ''
        }${keys.map((key) => `<Contents><Key>${key}</Key><LastModified>2026-03-14T00:00:00.000Z</LastModified><ETag>&quot;e&quot;</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('')}</ListBucketResult>`,
      );
    const { s3, seen } = await standIn(
      page(
        ['audit-digests/c/2026-03-12.json', 'audit-digests/c/a &amp; b &lt;1&gt;.json'],
        '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
      ),
      page(['audit-digests/c/2026-03-14.json']),
    );
    expect(await s3.listKeys(BUCKET, 'audit-digests/c/')).toEqual([
      'audit-digests/c/2026-03-12.json',
      'audit-digests/c/a & b <1>.json',
      'audit-digests/c/2026-03-14.json',
    ]);
    expect(seen.map((request) => request.url)).toEqual([
      '/vp-files/?list-type=2&prefix=audit-digests%2Fc%2F',
      '/vp-files/?continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D&list-type=2&prefix=audit-digests%2Fc%2F',
    ]);
  });
});

describe('S3 middleware (the test hook of aws-clients.ts)', () => {
  it('initialize wraps a call once; later steps wrap each attempt and may fail it as AWS would', async () => {
    const { s3, seen } = await standIn(ok());
    const calls: string[] = [];
    const attempts: string[] = [];
    let throttled = false;
    const onCall: S3Middleware = (next, context) => async (args) => {
      calls.push(`${context.clientName}.${context.commandName}`);
      return next(args);
    };
    const onAttempt: S3Middleware = (next, context) => async (args) => {
      attempts.push(`${context.commandName} ${args.input.key}`);
      if (!throttled) {
        throttled = true;
        const error = new Error('injected');
        error.name = 'ThrottlingException';
        throw Object.assign(error, { $metadata: { httpStatusCode: 429 } });
      }
      return next(args);
    };
    s3.middlewareStack.add(onCall, { step: 'initialize', priority: 'high', name: 'gate' });
    s3.middlewareStack.add(onAttempt, { step: 'deserialize', priority: 'high', name: 'faults' });
    await s3.putObject(BUCKET, 'k', 'x');
    expect(calls).toEqual(['S3Client.PutObjectCommand']);
    expect(attempts).toEqual(['PutObjectCommand k', 'PutObjectCommand k']);
    expect(seen).toHaveLength(1);
  });
});

describe('S3 and the fault-injection suite (tests/support/fault-injection.ts)', () => {
  resetPlatformClientsAfterEach();

  it('injects into the platform’s S3 client as into the SDK clients; the client retries the faults', async () => {
    const { seen, endpoint } = await standIn(ok());
    platformEnvironment('AWS_ENDPOINT_URL_S3', endpoint, { S3_FORCE_PATH_STYLE: 'true' });
    const always = faultInjector({ rate: 1, seed: 7, kinds: ['timeout'] });
    setAwsClientHook(always.hook);
    const error = await failure(s3Client().headBucket(BUCKET));
    expect(error.name).toBe('TimeoutError');
    expect(isRetryableAwsError(error)).toBe(true);
    expect(always.stats.byCommand).toEqual({ 'S3Client.HeadBucketCommand': 3 });
    expect(seen).toHaveLength(0);

    always.enabled = false;
    await s3Client().headBucket(BUCKET);
    expect(seen.map((request) => request.url)).toEqual(['/vp-files/']);
  });
});
