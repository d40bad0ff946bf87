/**
 * Digital signatures over HTTP against the local platform: a leader signs a PDF in two phases with
 * the demo PKI (the local stand-in for a token or remote signing service signs `dataToSign`), the
 * agency seal is added, and the result verifies with our verifier, poppler's pdfsig (the demo root
 * trusted in an NSS database) and `openssl cms -verify`; an altered byte fails all three. A
 * signature from another key is refused, and so is a session past its expiry.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { sessionKey } from '#shared/signing/keys.ts';
import { call, unique } from '#tests/support/http.ts';
import {
  alterSignedByte,
  nssDatabaseTrusting,
  opensslVerifyPdfSignature,
  pdfsig,
  samplePdf,
  tempDir,
} from '#tests/support/signing.ts';
import { uploadFile } from '#tests/support/uploads.ts';

const LEADER = 'leader.tichson';
const AGENCY = demoAgencies.tichSon;

interface Session {
  id: string;
  status: string;
  dataToSign: string;
  dataToSignDigest: string;
  documentDigest: string;
  expiresAt: string;
  certificateId: string;
}
interface Report {
  indication: string;
  signatures: {
    signer: { commonName: string; kind: string };
    integrity: boolean;
    chainTrusted: boolean;
    indication: string;
    coversWholeDocument?: boolean;
  }[];
}

let dir: string;
let cleanup: () => Promise<void>;
let rootPem: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('signatures-e2e-'));
  const root = await call<{ rootPem: string }>('GET', '/local/signing/root');
  expect(root.status).toBe(200);
  rootPem = root.body.rootPem;
});
afterAll(() => cleanup());

async function startSession(fileId: string, as = LEADER): Promise<Session> {
  const started = await call<Session>('POST', '/v1/signatures', {
    as,
    body: { fileId, reason: 'Ký ban hành văn bản', location: 'Tích Sơn, Vĩnh Yên', stamp: {} },
  });
  expect(started.status, started.text).toBe(201);
  return started.body;
}

async function remoteSign(username: string, dataToSign: string): Promise<string> {
  const signed = await call<{ signatureValue: string }>('POST', '/local/signing/sign', {
    body: { username, dataToSign },
  });
  expect(signed.status, signed.text).toBe(200);
  return signed.body.signatureValue;
}

async function download(fileId: string): Promise<Uint8Array> {
  const link = await call<{ url: string }>('GET', `/v1/files/${fileId}/download?redirect=false`, {
    as: LEADER,
  });
  expect(link.status, link.text).toBe(200);
  return new Uint8Array(await (await fetch(link.body.url)).arrayBuffer());
}

/** A title of its own makes other bytes: pdf-lib's dates have whole seconds, so two sample PDFs made in
 * the same second are identical, and so would be the data two sessions over them sign. */
async function uploadPdf(title?: string): Promise<string> {
  return uploadFile(Buffer.from(await samplePdf(title)), {
    as: LEADER,
    agencyCode: AGENCY,
    purpose: 'document-attachment',
  });
}

describe('two-phase personal signing, then the agency seal', () => {
  it('signs with the leader’s key and the seal; ours, pdfsig and openssl accept both signatures, and refuse an altered byte', async () => {
    const fileId = await uploadPdf();
    const session = await startSession(fileId);
    expect(session.status).toBe('prepared');
    expect(Buffer.from(session.dataToSign, 'base64')[0]).toBe(0x31); // a DER SET OF signed attributes

    const completed = await call<{
      signedFileId: string;
      status: string;
      signature: Report['signatures'][0];
    }>('POST', `/v1/signatures/${session.id}/complete`, {
      as: LEADER,
      body: { signatureValue: await remoteSign(LEADER, session.dataToSign) },
    });
    expect(completed.status, completed.text).toBe(200);
    expect(completed.body.status).toBe('completed');
    expect(completed.body.signature).toMatchObject({
      indication: 'TOTAL_PASSED',
      signer: { commonName: 'Lương Thị Hằng', kind: 'personal' },
    });

    const sealed = await call<{ signedFileId: string; format: string; signer: { kind: string } }>(
      'POST',
      '/v1/signatures/seal',
      {
        as: LEADER,
        body: {
          fileId: completed.body.signedFileId,
          reason: 'Đóng dấu cơ quan',
          purpose: 'outgoing-document',
        },
      },
    );
    expect(sealed.status, sealed.text).toBe(201);
    expect(sealed.body).toMatchObject({ format: 'pades', signer: { kind: 'organization' } });

    const report = await call<Report>('POST', '/v1/signatures/verify', {
      as: LEADER,
      body: { fileId: sealed.body.signedFileId },
    });
    expect(report.status, report.text).toBe(200);
    expect(report.body.indication).toBe('TOTAL_PASSED');
    expect(report.body.signatures.map((s) => [s.signer.kind, s.indication, s.coversWholeDocument])).toEqual([
      ['personal', 'TOTAL_PASSED', false],
      ['organization', 'TOTAL_PASSED', true],
    ]);

    const pdf = await download(sealed.body.signedFileId);
    const nss = await nssDatabaseTrusting(dir, rootPem);
    const checked = await pdfsig(dir, pdf, nss);
    expect(checked.output.match(/Signature Validation: Signature is Valid\./g), checked.output).toHaveLength(
      2,
    );
    expect(
      checked.output.match(/Certificate Validation: Certificate is Trusted\./g),
      checked.output,
    ).toHaveLength(2);
    expect(checked.output).toContain('Signer Certificate Common Name: Lương Thị Hằng');
    for (const index of [0, 1]) {
      const openssl = await opensslVerifyPdfSignature(dir, pdf, index, rootPem);
      expect(openssl.code, openssl.output).toBe(0);
      expect(openssl.output).toContain('Verification successful');
    }

    const altered = alterSignedByte(pdf);
    const alteredReport = await call<Report>('POST', '/v1/signatures/verify', {
      as: LEADER,
      body: { pdf: Buffer.from(altered).toString('base64') },
    });
    expect(alteredReport.status, alteredReport.text).toBe(200);
    expect(alteredReport.body.indication).toBe('TOTAL_FAILED');
    expect(alteredReport.body.signatures.every((s) => !s.integrity)).toBe(true);
    const alteredCheck = await pdfsig(dir, altered, nss);
    expect(alteredCheck.output).not.toContain('Signature is Valid.');
    for (const index of [0, 1]) {
      const openssl = await opensslVerifyPdfSignature(dir, altered, index, rootPem);
      expect(openssl.code).not.toBe(0);
    }
  });

  it('refuses a signature from another key (a stranger’s key, another leader’s key); the right one still completes', async () => {
    const session = await startSession(await uploadPdf());
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const strangerSignature = sign('sha256', Buffer.from(session.dataToSign, 'base64'), {
      key: stranger,
      dsaEncoding: 'der',
    }).toString('base64');
    for (const signatureValue of [
      strangerSignature,
      await remoteSign('leader.lienbao', session.dataToSign),
    ]) {
      const refused = await call<{ type: string; errors: { code: string }[] }>(
        'POST',
        `/v1/signatures/${session.id}/complete`,
        { as: LEADER, body: { signatureValue } },
      );
      expect(refused.status, refused.text).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.errors[0]?.code).toBe('signature-mismatch');
    }
    // Right key, wrong data (another session's, over another document) is refused too.
    const other = await startSession(await uploadPdf(`Công văn khác ${unique()}`));
    expect(other.dataToSign).not.toBe(session.dataToSign);
    const wrongData = await call('POST', `/v1/signatures/${session.id}/complete`, {
      as: LEADER,
      body: { signatureValue: await remoteSign(LEADER, other.dataToSign) },
    });
    expect(wrongData.status).toBe(400);

    const completed = await call('POST', `/v1/signatures/${session.id}/complete`, {
      as: LEADER,
      body: { signatureValue: await remoteSign(LEADER, session.dataToSign) },
    });
    expect(completed.status, completed.text).toBe(200);
    const again = await call<{ code: string }>('POST', `/v1/signatures/${session.id}/complete`, {
      as: LEADER,
      body: { signatureValue: await remoteSign(LEADER, session.dataToSign) },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('session-completed');
  });

  it('another user cannot see or complete the session (404)', async () => {
    const session = await startSession(await uploadPdf());
    const seen = await call('GET', `/v1/signatures/${session.id}`, { as: 'leader.lienbao' });
    expect(seen.status).toBe(404);
    const mine = await call<Session>('GET', `/v1/signatures/${session.id}`, { as: LEADER });
    expect(mine.status).toBe(200);
    expect(mine.body.id).toBe(session.id);
  });

  it('refuses to complete an expired session with 409 session-expired', async () => {
    const session = await startSession(await uploadPdf());
    const env = inject('platformEnv');
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: env.AWS_ENDPOINT_URL_DYNAMODB }));
    try {
      // The session's expiry passes (the platform's clock runs in another process).
      await db.send(
        new UpdateCommand({
          TableName: env.TABLE_NAME,
          Key: sessionKey(session.id),
          UpdateExpression: 'SET expiresAtIso = :past',
          ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
        }),
      );
    } finally {
      db.destroy();
    }
    const expired = await call<{ code: string }>('POST', `/v1/signatures/${session.id}/complete`, {
      as: LEADER,
      body: { signatureValue: await remoteSign(LEADER, session.dataToSign) },
    });
    expect(expired.status, expired.text).toBe(409);
    expect(expired.body.code).toBe('session-expired');
  });

  it('answers problem+json for bad input, never 500', async () => {
    const notPdf = await uploadFile(Buffer.from('%PDF-1.7\nnot really a pdf\n%%EOF\n'), {
      as: LEADER,
      agencyCode: AGENCY,
      purpose: 'document-attachment',
    });
    const unsignable = await call('POST', '/v1/signatures', {
      as: LEADER,
      body: { fileId: notPdf, reason: 'x' },
    });
    expect(unsignable.status, unsignable.text).toBe(400);
    const garbage = await call('POST', '/v1/signatures/verify', { as: LEADER, body: { pdf: 'AAAA' } });
    expect(garbage.status, garbage.text).toBe(200);
    expect((garbage.body as Report).indication).toBe('TOTAL_FAILED');
    const empty = await call('POST', '/v1/signatures/verify', { as: LEADER, body: {} });
    expect(empty.status).toBe(400);
    // A leader of another agency cannot sign this agency's file.
    const otherAgency = await call('POST', '/v1/signatures', {
      as: 'leader.province',
      body: { fileId: await uploadPdf(), reason: 'x' },
    });
    expect(otherAgency.status, otherAgency.text).toBe(403);
  });
});
