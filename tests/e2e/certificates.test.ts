/**
 * The certificate registry over HTTP: registration checks the chain to the province's trusted roots,
 * the validity period and revocation; who may register what; expiring certificates are listed.
 * Also the two-phase completion with a whole CMS made by the signer's device.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { assembleSignedData, buildSignedAttributes, certificateDer } from '#shared/signing/cms.ts';
import { LocalPki, localKey } from '#shared/signing/local-pki.ts';
import { call, unique } from '#tests/support/http.ts';
import { samplePdf, tempDir } from '#tests/support/signing.ts';
import { uploadFile } from '#tests/support/uploads.ts';

const SPECIALIST = 'specialist.tichson';
const AGENCY = demoAgencies.tichSon;
/** The platform's own test PKI (the test workers share its folder through LOCAL_PKI_DIR). */
const pki = () => new LocalPki(process.env.LOCAL_PKI_DIR!);

interface Certificate {
  id: string;
  kind: string;
  agencyCode: string;
  notAfter: string;
  revocation: string;
  subject: { commonName: string };
}
interface Problem {
  status: number;
  errors?: { code: string }[];
}

const freshPersonal = (notAfter?: Date) =>
  pki().personal({
    username: `test-${unique()}`,
    fullName: 'Hoàng Văn Thử',
    agencyCode: AGENCY,
    ...(notAfter ? { notAfter } : {}),
  });

describe('certificate registry', () => {
  it('registers a personal certificate chaining to the demo root; a second registration is 409', async () => {
    const entry = await freshPersonal();
    const registered = await call<Certificate>('POST', '/v1/certificates', {
      as: SPECIALIST,
      body: { certificatePem: entry.certificatePem },
    });
    expect(registered.status, registered.text).toBe(201);
    expect(registered.body).toMatchObject({
      kind: 'personal',
      agencyCode: AGENCY,
      revocation: 'good',
      subject: { commonName: 'Hoàng Văn Thử' },
    });
    const again = await call('POST', '/v1/certificates', {
      as: SPECIALIST,
      body: { certificatePem: entry.certificatePem },
    });
    expect(again.status).toBe(409);
    const read = await call<Certificate>('GET', `/v1/certificates/${registered.body.id}`, { as: SPECIALIST });
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(registered.body.id);
  });

  it('refuses a certificate from an untrusted root, a revoked one, an expired one and garbage (400)', async () => {
    const other = await tempDir('untrusted-pki-');
    try {
      const stranger = await new LocalPki(other.dir).personal({
        username: 'x',
        fullName: 'X',
        agencyCode: AGENCY,
      });
      const untrusted = await call<Problem>('POST', '/v1/certificates', {
        as: SPECIALIST,
        body: { certificatePem: stranger.certificatePem },
      });
      expect(untrusted.status).toBe(400);
      expect(untrusted.body.errors?.[0]?.code).toBe('untrusted');
    } finally {
      await other.cleanup();
    }
    const revoked = await freshPersonal();
    await pki().revoke(revoked.certificatePem);
    const refused = await call<Problem>('POST', '/v1/certificates', {
      as: SPECIALIST,
      body: { certificatePem: revoked.certificatePem },
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.errors?.[0]?.code).toBe('revoked');

    const expired = await freshPersonal(new Date(Date.now() - 86_400_000));
    const late = await call<Problem>('POST', '/v1/certificates', {
      as: SPECIALIST,
      body: { certificatePem: expired.certificatePem },
    });
    expect(late.status).toBe(400);
    expect(late.body.errors?.[0]?.code).toBe('outside-validity');

    const garbage = await call<Problem>('POST', '/v1/certificates', {
      as: SPECIALIST,
      body: { certificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' },
    });
    expect(garbage.status).toBe(400);
  });

  it('organization certificates are registered by agency administrators only', async () => {
    const seal = await pki().agencySeal(`T${unique()}`, `UBND thử ${unique()}`);
    const bySpecialist = await call('POST', '/v1/certificates', {
      as: SPECIALIST,
      body: { certificatePem: seal.certificatePem },
    });
    expect(bySpecialist.status).toBe(403);
    const byAdmin = await call<Certificate>('POST', '/v1/certificates', {
      as: 'admin.vinhyen',
      body: { certificatePem: seal.certificatePem },
    });
    expect(byAdmin.status, byAdmin.text).toBe(201);
    expect(byAdmin.body).toMatchObject({ kind: 'organization', agencyCode: demoAgencies.vinhYen });
  });

  it('lists the agency’s certificates expiring soon, and the province’s', async () => {
    const soon = await freshPersonal(new Date(Date.now() + 10 * 86_400_000));
    const registered = await call<Certificate>('POST', '/v1/certificates', {
      as: SPECIALIST,
      body: { certificatePem: soon.certificatePem },
    });
    expect(registered.status, registered.text).toBe(201);
    const agencyList = await call<{ items: Certificate[] }>(
      'GET',
      `/v1/certificates?agencyCode=${AGENCY}&expiringWithinDays=30`,
      { as: 'leader.tichson' },
    );
    expect(agencyList.status, agencyList.text).toBe(200);
    expect(agencyList.body.items.map((c) => c.id)).toContain(registered.body.id);
    expect(agencyList.body.items.every((c) => Date.parse(c.notAfter) < Date.now() + 31 * 86_400_000)).toBe(
      true,
    );
    const province = await call<{ items: Certificate[] }>('GET', '/v1/certificates?expiringWithinDays=30', {
      as: 'auditor.province',
    });
    expect(province.status, province.text).toBe(200);
    expect(province.body.items.map((c) => c.id)).toContain(registered.body.id);
    const all = await call<{ items: Certificate[] }>('GET', `/v1/certificates?agencyCode=${AGENCY}`, {
      as: 'leader.tichson',
    });
    expect(all.body.items.length).toBeGreaterThan(agencyList.body.items.length);
    const otherAgency = await call('GET', `/v1/certificates?agencyCode=${demoAgencies.lienBao}`, {
      as: 'leader.tichson',
    });
    expect(otherAgency.status).toBe(403);
  });
});

describe('seal key binding (KMS key + organization certificate)', () => {
  it('an agency administrator binds an organization certificate; a personal one or another role is refused', async () => {
    const seal = await pki().agencySeal(`B${unique()}`, `UBND thành phố thử ${unique()}`);
    const body = {
      agencyCode: demoAgencies.vinhYen,
      kmsKeyId: 'alias/vnpp-seal-vinh-yen',
      certificatePem: seal.certificatePem,
    };
    const bound = await call<{ agencyCode: string; kmsKeyId: string; certificate: { commonName: string } }>(
      'POST',
      '/v1/seal-keys',
      { as: 'admin.vinhyen', body },
    );
    expect(bound.status, bound.text).toBe(201);
    expect(bound.body).toMatchObject({
      agencyCode: demoAgencies.vinhYen,
      kmsKeyId: 'alias/vnpp-seal-vinh-yen',
    });
    const otherAgency = await call('POST', '/v1/seal-keys', {
      as: 'admin.vinhyen',
      body: { ...body, agencyCode: demoAgencies.tichSon },
    });
    expect(otherAgency.status).toBe(403);
    const personal = await call<Problem>('POST', '/v1/seal-keys', {
      as: 'admin.vinhyen',
      body: { ...body, certificatePem: (await freshPersonal()).certificatePem },
    });
    expect(personal.status).toBe(400);
    expect(personal.body.errors?.[0]?.code).toBe('not-organization');
  });
});

describe('completing with a CMS made by the device', () => {
  it('accepts a CMS signed with the session’s certificate, refuses one with another certificate', async () => {
    const leader = await pki().personal({
      username: 'leader.tichson',
      fullName: 'Lương Thị Hằng',
      agencyCode: AGENCY,
    });
    const fileId = await uploadFile(Buffer.from(await samplePdf()), {
      as: 'leader.tichson',
      agencyCode: AGENCY,
      purpose: 'document-attachment',
    });
    const session = await call<{ id: string; documentDigest: string }>('POST', '/v1/signatures', {
      as: 'leader.tichson',
      body: { fileId, reason: 'Ký số', purpose: 'outgoing-document' },
    });
    expect(session.status, session.text).toBe(201);
    const deviceCms = async (entry: { keyPem: string; certificatePem: string }) => {
      const certificate = certificateDer(entry.certificatePem);
      const signedAttributes = buildSignedAttributes({
        messageDigest: new Uint8Array(Buffer.from(session.body.documentDigest, 'base64')),
        certificate,
      });
      const signatureValue = await localKey(entry, []).sign(signedAttributes);
      return Buffer.from(
        assembleSignedData({ signedAttributes, signatureValue, certificates: [certificate] }),
      ).toString('base64');
    };
    const other = await freshPersonal();
    const refused = await call<Problem>('POST', `/v1/signatures/${session.body.id}/complete`, {
      as: 'leader.tichson',
      body: { cms: await deviceCms(other) },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.code).toBe('certificate-mismatch');
    const notCms = await call<Problem>('POST', `/v1/signatures/${session.body.id}/complete`, {
      as: 'leader.tichson',
      body: { cms: Buffer.from(randomUUID()).toString('base64') },
    });
    expect(notCms.status).toBe(400);
    const accepted = await call<{ signedFileId: string; signature: { indication: string } }>(
      'POST',
      `/v1/signatures/${session.body.id}/complete`,
      { as: 'leader.tichson', body: { cms: await deviceCms(leader) } },
    );
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.signature.indication).toBe('TOTAL_PASSED');
  });
});
