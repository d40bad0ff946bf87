/**
 * Our KMS client (shared/platform/kms.ts) sends what the AWS SDK sends: for fixed credentials, region
 * and clock, its Sign request (method, URL, every header, Authorization included, and the body) equals
 * the one @aws-sdk/client-kms sends for the same input, byte for byte, and both read KMS's answer to
 * the same signature. The loopback KMS of kms-seal-key.test.ts checks no signature, and AWS is not
 * reachable from here, so a signing mistake would otherwise show only in AWS. Both clients hand their
 * requests to a handler that records them and answers as KMS does; nothing is sent.
 *
 * As in s3-signing.test.ts, the SDK's bookkeeping headers are removed before it signs, so that both
 * signatures cover the same request (tests/support/sdk-requests.ts says which and why).
 */
import { Readable } from 'node:stream';
import { KMSClient, SignCommand, type SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import { HttpResponse } from '@smithy/core/protocols';
import type { HttpRequest } from '@smithy/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kms, type KmsSignInput } from '#shared/platform/kms.ts';
import {
  atSigningDate,
  bytesOf,
  dropBookkeepingHeaders,
  type Sent,
  sentRequest,
  testCredentials,
} from '#tests/support/sdk-requests.ts';

interface Setup {
  readonly name: string;
  readonly region: string;
  /** A custom endpoint (as AWS_ENDPOINT_URL_KMS), or AWS's own. */
  readonly endpoint?: string;
  readonly sessionToken: boolean;
}

const SETUPS: Setup[] = [
  { name: 'AWS, ap-southeast-1', region: 'ap-southeast-1', sessionToken: true },
  { name: 'AWS, us-east-1, no session token', region: 'us-east-1', sessionToken: false },
  { name: 'AWS China', region: 'cn-north-1', sessionToken: true },
  {
    name: 'custom IP endpoint',
    region: 'ap-southeast-1',
    endpoint: 'http://127.0.0.1:4599',
    sessionToken: false,
  },
  {
    name: 'custom endpoint with a path',
    region: 'ap-southeast-1',
    endpoint: 'https://kms.local.test:8443/kms/',
    sessionToken: true,
  },
  {
    // KMS, unlike S3, signs the path escaped once more (%20 as %2520).
    name: 'custom endpoint with an escaped path',
    region: 'ap-southeast-1',
    endpoint: 'http://localhost:4566/kms%20proxy/v1',
    sessionToken: false,
  },
];

const ALGORITHMS: SigningAlgorithmSpec[] = [
  'ECDSA_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'ECDSA_SHA_384',
  'RSASSA_PSS_SHA_256',
];

/** The forms KeyId takes: key id, key ARN, alias, alias ARN. */
const keyIds = fc.oneof(
  fc.uuid().map((id) => id),
  fc.uuid().map((id) => `arn:aws:kms:ap-southeast-1:123456789012:key/${id}`),
  fc.stringMatching(/^[a-zA-Z0-9/_-]{1,40}$/).map((name) => `alias/${name}`),
  fc
    .stringMatching(/^[a-z0-9-]{1,30}$/)
    .map((name) => `arn:aws:kms:ap-southeast-1:123456789012:alias/${name}`),
  fc.constantFrom('alias/seal-000-00-21-H62', 'alias/vnpp-seal-vinh-yen'),
);

const inputs: fc.Arbitrary<KmsSignInput> = fc.record(
  {
    KeyId: keyIds,
    // Signed attributes are a few hundred bytes; RAW messages go up to KMS's limit of 4096.
    Message: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 600 }),
      fc.uint8Array({ minLength: 4000, maxLength: 4096 }),
    ),
    MessageType: fc.constantFrom('RAW' as const, 'DIGEST' as const),
    SigningAlgorithm: fc.constantFrom(...ALGORITHMS),
  },
  { requiredKeys: ['KeyId', 'Message', 'SigningAlgorithm'] },
);

/** KMS's answer to a Sign request: a signature derived from the request, so that it differs per input. */
function answer(request: HttpRequest) {
  const input = JSON.parse(bytesOf(request.body).toString('utf8')) as {
    KeyId: string;
    SigningAlgorithm: string;
  };
  const signature = Buffer.from(
    `sig:${input.KeyId}:${input.SigningAlgorithm}:${request.headers['content-length']}`,
  );
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' },
    body: Readable.from([
      Buffer.from(
        JSON.stringify({
          KeyId: `arn:aws:kms:ap-southeast-1:123456789012:key/${input.KeyId.length}`,
          Signature: signature.toString('base64'),
          SigningAlgorithm: input.SigningAlgorithm,
        }),
      ),
    ]),
  };
}

function sdkClient(setup: Setup, sent: Sent[]) {
  const client = new KMSClient({
    region: setup.region,
    credentials: testCredentials(setup.sessionToken),
    ...(setup.endpoint ? { endpoint: setup.endpoint } : {}),
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: HttpRequest) => {
        sent.push(sentRequest(request));
        return { response: new HttpResponse(answer(request)) };
      },
    },
  });
  dropBookkeepingHeaders(client);
  return client;
}

function ourClient(setup: Setup, sent: Sent[]) {
  return new Kms({
    region: setup.region,
    credentials: testCredentials(setup.sessionToken),
    ...(setup.endpoint ? { endpoint: setup.endpoint } : {}),
    maxAttempts: 1,
    requestHandler: {
      handle: async (request) => {
        sent.push(sentRequest(request));
        return { response: answer(request) };
      },
    },
  });
}

atSigningDate('AWS_ENDPOINT_URL_KMS');

describe.each(SETUPS)('KMS Sign equals the SDK ($name)', (setup) => {
  const expected: Sent[] = [];
  const actual: Sent[] = [];
  const sdk = sdkClient(setup, expected);
  const ours = ourClient(setup, actual);

  /** Both clients sign `input`: the requests sent and the results read. */
  async function both(input: KmsSignInput) {
    expected.length = 0;
    actual.length = 0;
    const sdkResult = await sdk.send(
      new SignCommand({ ...input, SigningAlgorithm: input.SigningAlgorithm as SigningAlgorithmSpec }),
    );
    const ourResult = await ours.sign(input);
    return { sdkResult, ourResult };
  }

  it('a seal’s Sign request: the same bytes on the wire, the same signature read', async () => {
    const { sdkResult, ourResult } = await both({
      KeyId: 'alias/seal-000-00-21-H62',
      Message: Buffer.from('31820123a0030201', 'hex'),
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(actual).toHaveLength(1);
    expect(actual).toEqual(expected);
    const [request] = actual;
    expect(request).toMatchObject({ method: 'POST', query: {} });
    expect(request?.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.Sign',
      'x-amz-date': '20260314T092653Z',
    });
    expect(request?.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260314/${setup.region}/kms/aws4_request, `,
      ),
    );
    expect(Buffer.from(request?.body ?? '', 'base64').toString()).toBe(
      '{"KeyId":"alias/seal-000-00-21-H62","Message":"MYIBI6ADAgE=","SigningAlgorithm":"ECDSA_SHA_256","MessageType":"RAW"}',
    );
    expect(ourResult).toEqual({
      KeyId: sdkResult.KeyId,
      Signature: sdkResult.Signature,
      SigningAlgorithm: sdkResult.SigningAlgorithm,
    });
  });

  it('any key id, alias or ARN, message, message type and algorithm (property)', async () => {
    await fc.assert(
      fc.asyncProperty(inputs, async (input) => {
        const { sdkResult, ourResult } = await both(input);
        expect(actual).toHaveLength(1);
        expect(actual).toEqual(expected);
        expect(Buffer.from(ourResult.Signature)).toEqual(Buffer.from(sdkResult.Signature ?? []));
      }),
      { numRuns: 60 },
    );
  });
});

describe('KMS endpoints', () => {
  it('the regional endpoint, and a custom endpoint’s path, as the SDK resolves them', async () => {
    const sent: Sent[] = [];
    const input: KmsSignInput = {
      KeyId: 'k',
      Message: new Uint8Array([1]),
      SigningAlgorithm: 'ECDSA_SHA_256',
    };
    for (const setup of SETUPS) await ourClient(setup, sent).sign(input);
    const urls = sent.map(
      (request) => `${request.protocol}//${request.headers.host}${request.path} (${request.hostname})`,
    );
    expect(urls).toEqual([
      'https://kms.ap-southeast-1.amazonaws.com/ (kms.ap-southeast-1.amazonaws.com)',
      'https://kms.us-east-1.amazonaws.com/ (kms.us-east-1.amazonaws.com)',
      'https://kms.cn-north-1.amazonaws.com.cn/ (kms.cn-north-1.amazonaws.com.cn)',
      'http://127.0.0.1:4599/ (127.0.0.1)',
      'https://kms.local.test:8443/kms/ (kms.local.test)',
      'http://localhost:4566/kms%20proxy/v1/ (localhost)',
    ]);
  });
});
