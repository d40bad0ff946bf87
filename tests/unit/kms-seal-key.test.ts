/**
 * The KMS seal key's request/response mapping, against a loopback endpoint that speaks the KMS JSON
 * protocol (TrentService.Sign) and signs with a real local key, as KMS would with the key it holds.
 * AWS itself is not reachable from here: this checks what we send (the RAW message, the algorithm
 * of the certificate's key) and that what KMS returns (DER ECDSA / PKCS#1) makes a valid PAdES seal.
 */
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigning } from '#shared/signing/index.ts';
import { kmsKey } from '#shared/signing/kms-key.ts';
import { LocalPki } from '#shared/signing/local-pki.ts';
import { pdfsig, samplePdf, tempDir } from '#tests/support/signing.ts';

let server: Server;
let client: KMSClient;
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
      requests.push({ target: request.headers['x-amz-target'], ...body });
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
  client = new KMSClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  client.destroy();
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
      KeyId: 'alias/seal-000-00-21-H62',
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
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

  it('surfaces a KMS error (unknown key) instead of producing a signature', async () => {
    const seal = await pki.agencySeal('000.00.21.H62');
    const key = kmsKey('alias/unknown', [seal.certificatePem], client);
    await expect(key.sign(createHash('sha256').update('x').digest())).rejects.toThrow(/no such key/);
  });
});
