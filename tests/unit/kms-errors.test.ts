/**
 * Our KMS client (shared/platform/kms.ts) against a KMS stand-in on 127.0.0.1: how it names KMS's
 * JSON errors (as the SDK does: `__type` without its namespace, else the `x-amzn-errortype` header),
 * what it retries (throttling, 5xx, dropped connections; at most the attempts it was given) and what
 * it does not (the caller's errors, a malformed answer), and that the test hook of aws-clients.ts
 * and the fault injectors see its calls as `KMSClient.SignCommand`. Nothing leaves the machine.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isRetryableAwsError, toProblem } from '#shared/http/problem.ts';
import { kmsClient, setAwsClientHook } from '#shared/platform/aws-clients.ts';
import { AwsServiceError, type Middleware } from '#shared/platform/aws-http.ts';
import { Kms, type KmsSignInput, type KmsSignOutput } from '#shared/platform/kms.ts';
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

const INPUT: KmsSignInput = {
  KeyId: 'alias/seal-000-00-21-H62',
  Message: Buffer.from('signed attributes'),
  MessageType: 'RAW',
  SigningAlgorithm: 'ECDSA_SHA_256',
};
const SIGNATURE = Buffer.from('3045022100aa', 'hex');

interface Seen {
  readonly target: string | undefined;
  readonly authorization: string | undefined;
  readonly body: string;
}

afterEach(closeStandIns);

/** A KMS stand-in (tests/support/aws-stand-in.ts) and our client of it. */
async function standIn(...replies: Reply[]) {
  const { endpoint, seen } = await standInService<Seen>(replies, (request, body) => ({
    target: request.headers['x-amz-target'] as string | undefined,
    authorization: request.headers.authorization,
    body: body.toString('utf8'),
  }));
  const kms = new Kms({ region: 'ap-southeast-1', credentials: CREDENTIALS, endpoint, maxAttempts: 3 });
  return { kms, seen, endpoint };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (_: IncomingMessage, response: ServerResponse) => {
    response.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': 'b1c2d3e4-req',
      ...headers,
    });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
const signed = json(200, {
  KeyId: 'arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  Signature: SIGNATURE.toString('base64'),
  SigningAlgorithm: 'ECDSA_SHA_256',
});
const failure = (promise: Promise<unknown>) => failureOf<AwsServiceError & { code?: string }>(promise);

describe('KMS Sign: the request and the answer', () => {
  it('sends the input as AWS JSON 1.1, signed, and reads the signature', async () => {
    const { kms, seen } = await standIn(signed);
    const result = await kms.sign(INPUT);
    expect(result).toEqual({
      KeyId: 'arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      Signature: new Uint8Array(SIGNATURE),
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.target).toBe('TrentService.Sign');
    expect(seen[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-southeast-1\/kms\//,
    );
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      KeyId: 'alias/seal-000-00-21-H62',
      Message: Buffer.from('signed attributes').toString('base64'),
      SigningAlgorithm: 'ECDSA_SHA_256',
      MessageType: 'RAW',
    });
  });
});

describe('KMS errors: named by their type, with the HTTP status', () => {
  it('NotFoundException (namespaced __type): not retried', async () => {
    const { kms, seen } = await standIn(
      json(400, {
        __type: 'com.amazonaws.kms#NotFoundException',
        message: 'Alias arn:aws:kms:…:alias/x is not found.',
      }),
    );
    const error = await failure(kms.sign(INPUT));
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error.name).toBe('NotFoundException');
    expect(error.message).toBe('Alias arn:aws:kms:…:alias/x is not found.');
    expect(error.$fault).toBe('client');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, requestId: 'b1c2d3e4-req', attempts: 1 });
    expect(isRetryableAwsError(error)).toBe(false);
    expect(seen).toHaveLength(1);
  });

  it('KMSInvalidStateException (a disabled key), `Message` capitalised: not retried', async () => {
    const { kms, seen } = await standIn(
      json(400, { __type: 'KMSInvalidStateException', Message: 'arn:aws:kms:…:key/1234 is disabled.' }),
    );
    const error = await failure(kms.sign(INPUT));
    expect(error.name).toBe('KMSInvalidStateException');
    expect(error.message).toBe('arn:aws:kms:…:key/1234 is disabled.');
    expect(seen).toHaveLength(1);
  });

  it('the type from the x-amzn-errortype header when the body names none', async () => {
    const { kms, seen } = await standIn(
      json(
        400,
        { message: 'User is not authorized to perform: kms:Sign' },
        {
          'x-amzn-errortype':
            'AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/',
        },
      ),
    );
    const error = await failure(kms.sign(INPUT));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe('User is not authorized to perform: kms:Sign');
    expect(seen).toHaveLength(1);
  });

  it('the body’s __type before the header, as the SDK reads JSON RPC errors', async () => {
    const { kms } = await standIn(
      json(400, { __type: 'DisabledException', message: 'disabled' }, { 'x-amzn-errortype': 'Other' }),
    );
    expect((await failure(kms.sign(INPUT))).name).toBe('DisabledException');
  });

  it('an error answer without JSON: Unknown, with the status in the message', async () => {
    const { kms, seen } = await standIn(json(403, '<html>Forbidden</html>'));
    const error = await failure(kms.sign(INPUT));
    expect(error.name).toBe('Unknown');
    expect(error.message).toMatch(/HTTP 403/);
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(seen).toHaveLength(1);
  });
});

describe('KMS retries: as the SDK’s standard mode', () => {
  it('ThrottlingException, then a signature: retried, and the second answer is the result', async () => {
    const { kms, seen } = await standIn(
      json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }),
      signed,
    );
    const result = await kms.sign(INPUT);
    expect(Buffer.from(result.Signature)).toEqual(SIGNATURE);
    expect(seen).toHaveLength(2);
  });

  it('ThrottlingException throughout: 3 attempts, then the error, which the API answers with 503', async () => {
    const { kms, seen } = await standIn(
      json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }),
    );
    const error = await failure(kms.sign(INPUT));
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 3 });
    expect(error.$metadata.totalRetryDelay).toBeGreaterThan(0);
    expect(isRetryableAwsError(error)).toBe(true);
    expect(seen).toHaveLength(3);
  });

  it('KMSInternalException (500) throughout: 3 attempts, a server fault, which the API answers with 503', async () => {
    const { kms, seen } = await standIn(json(500, { __type: 'KMSInternalException', message: 'internal' }));
    const error = await failure(kms.sign(INPUT));
    expect(error.name).toBe('KMSInternalException');
    expect(error.$fault).toBe('server');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 500, attempts: 3 });
    expect(seen).toHaveLength(3);
    expect(isRetryableAwsError(error)).toBe(true);
    expect(toProblem(error).problem.status).toBe(503);
  });

  it('a 503 without JSON, then a signature: retried', async () => {
    const { kms, seen } = await standIn(json(503, 'Service Unavailable'), signed);
    await kms.sign(INPUT);
    expect(seen).toHaveLength(2);
  });

  it('a dropped connection is retried', async () => {
    const { kms, seen } = await standIn(drop, signed);
    await kms.sign(INPUT);
    expect(seen).toHaveLength(2);
  });

  it('as many attempts as it was given', async () => {
    const { endpoint, seen } = await standIn(json(500, { __type: 'KMSInternalException' }));
    const once = new Kms({ region: 'ap-southeast-1', credentials: CREDENTIALS, endpoint, maxAttempts: 1 });
    const error = await failure(once.sign(INPUT));
    expect(error.$metadata.attempts).toBe(1);
    expect(seen).toHaveLength(1);
  });
});

describe('KMS malformed answers: a clear error, not retried', () => {
  it.each([
    ['an empty body', '', /no JSON object: \(empty\)/],
    ['no JSON', 'OK', /no JSON object: OK/],
    ['a JSON array', '[]', /no JSON object/],
    ['no Signature', '{"KeyId":"k"}', /no Signature: \{"KeyId":"k"\}/],
    ['an empty Signature', '{"Signature":""}', /no Signature/],
  ])('%s', async (_, body, message) => {
    const { kms, seen } = await standIn(json(200, body));
    const error = await failure(kms.sign(INPUT));
    expect(error.name).toBe('MalformedResponse');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^KMS answered Sign with /);
    expect(error.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });
    expect(seen).toHaveLength(1);
  });
});

describe('KMS middleware (the test hook of aws-clients.ts)', () => {
  resetPlatformClientsAfterEach();

  it('initialize wraps a call once; later steps wrap each attempt and may fail it as AWS would', async () => {
    const { kms, seen } = await standIn(signed);
    const calls: string[] = [];
    const attempts: string[] = [];
    const onCall: Middleware<KmsSignInput, KmsSignOutput> = (next, context) => async (args) => {
      calls.push(`${context.clientName}.${context.commandName}`);
      return next(args);
    };
    const onAttempt: Middleware<KmsSignInput, KmsSignOutput> = (next, context) => async (args) => {
      attempts.push(`${context.commandName} ${args.input.KeyId}`);
      if (attempts.length === 1) {
        throw Object.assign(new Error('injected'), {
          name: 'ThrottlingException',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    };
    kms.middlewareStack.add(onCall, { step: 'initialize', priority: 'high', name: 'gate' });
    kms.middlewareStack.add(onAttempt, { step: 'deserialize', priority: 'high', name: 'faults' });
    await kms.sign(INPUT);
    expect(calls).toEqual(['KMSClient.SignCommand']);
    expect(attempts).toEqual([
      'SignCommand alias/seal-000-00-21-H62',
      'SignCommand alias/seal-000-00-21-H62',
    ]);
    expect(seen).toHaveLength(1);
  });

  it('the platform’s KMS client takes the fault injectors as the SDK clients do, and retries the faults', async () => {
    const { seen, endpoint } = await standIn(signed);
    platformEnvironment('AWS_ENDPOINT_URL_KMS', endpoint);
    const always = faultInjector({ rate: 1, seed: 7, kinds: ['throttle'] });
    setAwsClientHook(always.hook);
    const error = await failure(kmsClient().sign(INPUT));
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata.attempts).toBe(3);
    expect(always.stats.byCommand).toEqual({ 'KMSClient.SignCommand': 3 });
    expect(seen).toHaveLength(0);

    always.enabled = false;
    const result = await kmsClient().sign(INPUT);
    expect(Buffer.from(result.Signature)).toEqual(SIGNATURE);
    expect(seen).toHaveLength(1);
  });
});
