/**
 * Our S3 client (shared/platform/s3.ts) signs exactly as the AWS SDK does: for fixed credentials and
 * a fixed clock, its presigned URLs equal those of @aws-sdk/s3-request-presigner byte for byte, and
 * the requests it sends (URL, headers, Authorization, body) equal those @aws-sdk/client-s3 sends for
 * the same operation. Local S3 (s3rver) checks no signature, so a signing mistake would otherwise
 * show only in AWS. Both clients hand their requests to a handler that records them; nothing is sent.
 *
 * The SDK's bookkeeping headers are removed before it signs, as its presigner does, so that both
 * signatures cover the same request (tests/support/sdk-requests.ts says which and why).
 */
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { HttpRequest } from '@smithy/core/protocols';
import { describe, expect, it } from 'vitest';
import { S3 } from '#shared/platform/s3.ts';
import {
  atSigningDate,
  dropBookkeepingHeaders,
  type Sent,
  SIGNING_DATE,
  sentRequest,
  testCredentials,
} from '#tests/support/sdk-requests.ts';

const NOW = SIGNING_DATE;

const KEYS = [
  'incoming/84/2026/03/14/0b7e6c5e-3f0a-4d7e-9b8a-2f1f6b1c9d00',
  'a b/c d.pdf',
  'hồ sơ/Đơn đề nghị cấp giấy phép.pdf',
  'a+b=c&d',
  '100%/50%25',
  'dir//double/slash/',
  "it's (1)!*~.txt",
];

interface Setup {
  readonly name: string;
  readonly region: string;
  readonly bucket: string;
  /** A custom endpoint (as AWS_ENDPOINT_URL_S3), or AWS's own. */
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  readonly sessionToken: boolean;
}

const SETUPS: Setup[] = [
  {
    name: 'path style, custom endpoint',
    region: 'ap-southeast-1',
    bucket: 'vp-files',
    endpoint: 'http://127.0.0.1:4568',
    forcePathStyle: true,
    sessionToken: false,
  },
  {
    name: 'path style, custom endpoint with a path',
    region: 'us-east-1',
    bucket: 'vp-files',
    endpoint: 'https://s3.local.test:9000/storage',
    forcePathStyle: true,
    sessionToken: true,
  },
  {
    name: 'custom IP endpoint, path style not forced',
    region: 'ap-southeast-1',
    bucket: 'vp-files',
    endpoint: 'http://127.0.0.1:4568',
    sessionToken: true,
  },
  {
    name: 'virtual-hosted, custom endpoint',
    region: 'ap-southeast-1',
    bucket: 'vp-files',
    endpoint: 'https://s3.local.test:9000',
    sessionToken: false,
  },
  {
    name: 'virtual-hosted, AWS',
    region: 'ap-southeast-1',
    bucket: 'vinh-phuc-files-123456789012',
    sessionToken: true,
  },
  {
    name: 'virtual-hosted, AWS us-east-1',
    region: 'us-east-1',
    bucket: 'province-files',
    sessionToken: false,
  },
  {
    name: 'AWS, bucket name with dots',
    region: 'ap-southeast-1',
    bucket: 'files.vinhphuc.gov.vn',
    sessionToken: true,
  },
];

class Stop extends Error {
  override name = 'Stop';
}

function sdkClient(setup: Setup, sent: Sent[]) {
  const client = new S3Client({
    region: setup.region,
    credentials: testCredentials(setup.sessionToken),
    ...(setup.endpoint ? { endpoint: setup.endpoint } : {}),
    forcePathStyle: setup.forcePathStyle ?? false,
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: HttpRequest) => {
        sent.push(sentRequest(request));
        throw new Stop('recorded');
      },
    },
  });
  dropBookkeepingHeaders(client);
  return client;
}

function ourClient(setup: Setup, sent: Sent[]) {
  return new S3({
    region: setup.region,
    credentials: testCredentials(setup.sessionToken),
    ...(setup.endpoint ? { endpoint: setup.endpoint } : {}),
    forcePathStyle: setup.forcePathStyle ?? false,
    maxAttempts: 1,
    requestHandler: {
      handle: async (request) => {
        sent.push(sentRequest(request));
        return {
          response: { statusCode: 200, headers: {}, body: Readable.from([Buffer.from('<R></R>')]) },
        };
      },
    },
  });
}

atSigningDate('AWS_ENDPOINT_URL_S3');

describe.each(SETUPS)('S3 signing equals the SDK ($name)', (setup) => {
  const { bucket } = setup;

  it.each(KEYS)('presigned PUT with signed content-type, content-length and checksum: %s', async (key) => {
    const sdk = sdkClient(setup, []);
    const ours = ourClient(setup, []);
    const declared = {
      contentType: 'application/pdf',
      size: 123_456,
      sha256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
    };
    const expected = await getSignedUrl(
      sdk,
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        ContentType: declared.contentType,
        ContentLength: declared.size,
        ChecksumSHA256: declared.sha256,
      }),
      {
        expiresIn: 900,
        signingDate: NOW,
        signableHeaders: new Set(['content-type', 'content-length']),
        unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
      },
    );
    const actual = await ours.presignPutObject(
      bucket,
      key,
      { contentType: declared.contentType, contentLength: declared.size, checksumSha256: declared.sha256 },
      {
        expiresIn: 900,
        signingDate: NOW,
        signableHeaders: new Set(['content-type', 'content-length']),
        unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
      },
    );
    expect(actual).toBe(expected);
  });

  it.each(KEYS)('presigned GET with response overrides: %s', async (key) => {
    const sdk = sdkClient(setup, []);
    const ours = ourClient(setup, []);
    const response = {
      contentType: 'application/pdf',
      contentDisposition: `attachment; filename="Don de nghi.pdf"; filename*=UTF-8''${encodeURIComponent('Đơn đề nghị (bản 2).pdf')}`,
    };
    const expected = await getSignedUrl(
      sdk,
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentType: response.contentType,
        ResponseContentDisposition: response.contentDisposition,
      }),
      { expiresIn: 300, signingDate: NOW },
    );
    const actual = await ours.presignGetObject(bucket, key, response, { expiresIn: 300, signingDate: NOW });
    expect(actual).toBe(expected);
  });

  /** Each operation as the SDK is asked for it, and as our client is. */
  const operations: [string, (key: string) => object, (s3: S3, key: string) => Promise<unknown>][] = [
    [
      'HeadObject with checksum mode',
      (key) => new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }),
      (s3, key) => s3.headObject(bucket, key, { checksumMode: true }),
    ],
    [
      'GetObject pinned to a version and an ETag, ranged',
      (key) =>
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          IfMatch: '"9b2cf535f27731c974343645a3985328"',
          VersionId: '3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo',
          Range: 'bytes=0-15',
        }),
      (s3, key) =>
        s3.getObject(bucket, key, {
          ifMatch: '"9b2cf535f27731c974343645a3985328"',
          versionId: '3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo',
          range: 'bytes=0-15',
        }),
    ],
    [
      'GetObject',
      (key) => new GetObjectCommand({ Bucket: bucket, Key: key }),
      (s3, key) => s3.getObject(bucket, key),
    ],
    [
      'PutObject with a given SHA-256',
      (key) =>
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: Buffer.from('%PDF-1.7 hồ sơ'),
          ContentType: 'application/pdf',
          ChecksumSHA256: 'q1z3lZ2vG8mYQm0Yc4oV4yqCq9JpW2bq2oQ0b8n2c1A=',
        }),
      (s3, key) =>
        s3.putObject(bucket, key, Buffer.from('%PDF-1.7 hồ sơ'), {
          contentType: 'application/pdf',
          checksumSha256: 'q1z3lZ2vG8mYQm0Yc4oV4yqCq9JpW2bq2oQ0b8n2c1A=',
        }),
    ],
    [
      'PutObject, SHA-256 computed (as ChecksumAlgorithm SHA256)',
      (key) =>
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: '{"chain":"dossiers","seq":42}',
          ContentType: 'application/json',
          ChecksumAlgorithm: 'SHA256',
        }),
      (s3, key) =>
        s3.putObject(bucket, key, '{"chain":"dossiers","seq":42}', { contentType: 'application/json' }),
    ],
    [
      'CopyObject of a version, If-Match, metadata copied, SHA-256',
      (key) =>
        new CopyObjectCommand({
          Bucket: bucket,
          Key: `objects/${key}`,
          CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}?versionId=v%2B1`,
          CopySourceIfMatch: '"9b2cf535f27731c974343645a3985328"',
          MetadataDirective: 'COPY',
          ChecksumAlgorithm: 'SHA256',
        }),
      (s3, key) =>
        s3.copyObject(bucket, `objects/${key}`, {
          copySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}?versionId=v%2B1`,
          copySourceIfMatch: '"9b2cf535f27731c974343645a3985328"',
          metadataDirective: 'COPY',
          checksumAlgorithm: 'SHA256',
        }),
    ],
    [
      'DeleteObject',
      (key) => new DeleteObjectCommand({ Bucket: bucket, Key: key }),
      (s3, key) => s3.deleteObject(bucket, key),
    ],
    [
      'ListObjectsV2 with a prefix and a continuation token',
      (key) =>
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: key,
          ContinuationToken: '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
        }),
      (s3, key) =>
        s3.listObjectsV2(bucket, {
          prefix: key,
          continuationToken: '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
        }),
    ],
  ];

  describe.each(operations)('%s: the request sent, Authorization included', (_, command, call) => {
    it.each(KEYS)('%s', async (key) => {
      const expected: Sent[] = [];
      const actual: Sent[] = [];
      await expect(sdkClient(setup, expected).send(command(key) as never)).rejects.toThrow(Stop);
      await call(ourClient(setup, actual), key);
      expect(actual).toHaveLength(1);
      expect(actual[0]).toEqual(expected[0]);
      expect(actual[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
    });
  });

  it('HeadBucket', async () => {
    const expected: Sent[] = [];
    const actual: Sent[] = [];
    await expect(sdkClient(setup, expected).send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toThrow(
      Stop,
    );
    await ourClient(setup, actual).headBucket(bucket);
    expect(actual).toEqual(expected);
  });
});
