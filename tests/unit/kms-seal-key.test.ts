/**
 * The KMS seal key's request/response mapping, against a loopback endpoint that speaks the KMS JSON
 * protocol (TrentService.Sign) and signs with a real local key, as KMS would with the key it holds;
 * the seal key signs through our KMS client (shared/platform/kms.ts).
 * AWS itself is not reachable from here: this checks what we send (the RAW message, the algorithm
 * of the certificate's key) and that what KMS returns (DER ECDSA / PKCS#1) makes a valid PAdES seal.
 */
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { toProblem } from '#shared/http/problem.ts';
import { setAwsClientHook } from '#shared/platform/aws-clients.ts';
import { Kms } from '#shared/platform/kms.ts';
import { createSigning } from '#shared/signing/index.ts';
import { kmsKey, SealKeyMissing } from '#shared/signing/kms-key.ts';
import { LocalPki } from '#shared/signing/local-pki.ts';
import { faultInjector } from '#tests/support/fault-injection.ts';
import { pdfsig, samplePdf, tempDir } from '#tests/support/signing.ts';

let server: Server;
let endpoint: string;
let client: Kms;
let dir: string;
let cleanup: () => Promise<void>;
let pki: LocalPki;
const requests: Record<string, unknown>[] = [];

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('kms-unit-'));
  pki = new LocalPki(dir);
  const seal = await pki.agencySeal('000.00.21.H62', 'UBND xã Tích Sơn');
  const key = createPrivateKey(seal.keyPem);
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
      requests.push({
        target: request.headers['x-amz-target'],
        contentType: request.headers['content-type'],
        authorization: request.headers.authorization,
        path: request.url,
        ...body,
      });
      if (
        request.headers['x-amz-target'] !== 'TrentService.Sign' ||
        body.KeyId !== 'alias/seal-000-00-21-H62'
      ) {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ __type: 'NotFoundException', message: 'no such key' }));
        return;
      }
      // KMS with MessageType RAW hashes the message with SHA-256 and signs the digest.
      const signature = sign('sha256', Buffer.from(body.Message!, 'base64'), { key, dsaEncoding: 'der' });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          KeyId: body.KeyId,
          Signature: signature.toString('base64'),
          SigningAlgorithm: body.SigningAlgorithm,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new Kms({
    endpoint,
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await cleanup();
});

describe('KMS seal key', () => {
  it('sends the RAW signed attributes with the certificate’s algorithm; the seal verifies', async () => {
    const seal = await pki.agencySeal('000.00.21.H62');
    const rootPem = (await pki.root()).certificatePem;
    const key = kmsKey('alias/seal-000-00-21-H62', [seal.certificatePem, rootPem], client);
    expect(key.algorithm).toBe('ECDSA_SHA_256');
    const signing = createSigning({
      sealKey: async () => key,
      trustAnchors: async () => ({ rootsPem: [rootPem] }),
    });
    const sealed = await signing.sealPdf({
      agencyId: '000.00.21.H62',
      pdf: await samplePdf(),
      reason: 'Đóng dấu',
    });

    const sent = requests.at(-1)!;
    expect(sent).toMatchObject({
      target: 'TrentService.Sign',
      contentType: 'application/x-amz-json-1.1',
      path: '/',
      KeyId: 'alias/seal-000-00-21-H62',
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(sent.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/ap-southeast-1\/kms\/aws4_request, /,
    );
    // The message is the DER SET OF signed attributes.
    expect(Buffer.from(sent.Message as string, 'base64')[0]).toBe(0x31);

    const report = await signing.verifyPdf(sealed);
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.signatures[0]?.signer).toMatchObject({
      commonName: 'UBND xã Tích Sơn',
      kind: 'organization',
    });
    expect((await pdfsig(dir, sealed)).output).toContain('Signature is Valid.');
  });

  it('a key KMS does not know is a 409 saying the agency cannot seal, with the KMS error as its cause', async () => {
    const seal = await pki.agencySeal('000.00.21.H62');
    const key = kmsKey('alias/unknown', [seal.certificatePem], client);
    const failure = key.sign(createHash('sha256').update('x').digest());
    await expect(failure).rejects.toBeInstanceOf(SealKeyMissing);
    await expect(failure).rejects.toThrow(/seal key cannot sign \(KMS NotFoundException\)/);
    await expect(failure).rejects.toMatchObject({
      status: 409,
      cause: { name: 'NotFoundException', $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 1 } },
    });
    const { problem, unexpected } = toProblem(await failure.catch((error: unknown) => error));
    expect(problem.status).toBe(409);
    expect(unexpected).toBe(false);
  });

  describe('without a client of its own', () => {
    afterEach(() => {
      setAwsClientHook(undefined);
      vi.unstubAllEnvs();
    });

    it('signs through the platform’s KMS client (configured as the SDK’s), which the client hook sees', async () => {
      vi.stubEnv('AWS_ENDPOINT_URL_KMS', endpoint);
      vi.stubEnv('AWS_REGION', 'ap-southeast-1');
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
      const counted = faultInjector({ rate: 0, seed: 1 });
      setAwsClientHook(counted.hook);
      const seal = await pki.agencySeal('000.00.21.H62');
      const before = requests.length;
      const signature = await kmsKey('alias/seal-000-00-21-H62', [seal.certificatePem]).sign(
        Buffer.from([0x31, 0x00]),
      );
      expect(signature[0]).toBe(0x30); // DER ECDSA-Sig-Value
      expect(requests.slice(before)).toMatchObject([{ target: 'TrentService.Sign', Message: 'MQA=' }]);
      expect(counted.stats.requests).toBe(1);
    });
  });
});
