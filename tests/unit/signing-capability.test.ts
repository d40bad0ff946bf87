/**
 * The signing capability over the local test PKI: agency seals as incremental PAdES updates (earlier
 * signatures stay valid), the verification report, and the independent tools (pdfsig, openssl cms);
 * SIGNING_PROVIDER=local only where the local test PKI is installed (shared/signing/local-provider.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSigning,
  registerSealKeyProvider,
  type Signing,
  signingCapability,
} from '#shared/signing/index.ts';
import { LocalPki } from '#shared/signing/local-pki.ts';
import { installLocalPki } from '#shared/signing/local-provider.ts';
import { findSignatures } from '#shared/signing/pades.ts';
import { sealPdf } from '#shared/signing/seal.ts';
import {
  alterSignedByte,
  opensslVerifyDetached,
  opensslVerifyPdfSignature,
  pdfsig,
  samplePdf,
  tempDir,
} from '#tests/support/signing.ts';

let dir: string;
let cleanup: () => Promise<void>;
let pki: LocalPki;
let signing: Signing;
let rootPem: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('signing-unit-'));
  pki = new LocalPki(dir);
  signing = createSigning({
    sealKey: (agencyId) => pki.sealKey(agencyId, `UBND ${agencyId}`),
    trustAnchors: async () => ({ rootsPem: [(await pki.root()).certificatePem], crls: [await pki.crlPem()] }),
  });
  rootPem = (await pki.root()).certificatePem;
});
afterAll(() => cleanup());

describe('sealPdf and verifyPdf', () => {
  it('seals a PDF (object streams) twice; both signatures verify with our verifier, pdfsig and openssl', async () => {
    const original = await samplePdf();
    const once = await signing.sealPdf({ agencyId: 'H62.01', pdf: original, reason: 'Đóng dấu kết quả' });
    const twice = await signing.sealPdf({
      agencyId: 'H62.02',
      pdf: once,
      reason: 'Sao y bản chính',
      location: 'Vĩnh Phúc',
    });

    // Incremental: each revision is a prefix of the next.
    expect(Buffer.from(once.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
    expect(Buffer.from(twice.subarray(0, once.length)).equals(Buffer.from(once))).toBe(true);

    const report = await signing.verifyPdf(twice);
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.signatures).toHaveLength(2);
    expect(report.signatures.map((s) => s.signer.commonName)).toEqual(['UBND H62.01', 'UBND H62.02']);
    expect(report.signatures.map((s) => s.coversWholeDocument)).toEqual([false, true]);
    expect(report.signatures[0]).toMatchObject({
      integrity: true,
      chainTrusted: true,
      validAtSigningTime: true,
      revocation: 'good',
      signedRevisionLength: once.length,
      signer: { kind: 'organization', organization: 'UBND H62.01' },
    });

    const tool = await pdfsig(dir, twice);
    expect(tool.output.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
    expect(tool.output).toContain('Total document signed');
    expect(tool.output).not.toMatch(/Syntax Error|Internal Error/);
    for (const index of [0, 1]) {
      const openssl = await opensslVerifyPdfSignature(dir, twice, index, rootPem);
      expect(openssl.output).toContain('Verification successful');
      expect(openssl.code).toBe(0);
    }
  });

  it('seals a PDF with a classic xref table as well', async () => {
    const sealed = await signing.sealPdf({
      agencyId: 'H62.03',
      pdf: await samplePdf('Giấy biên nhận', { useObjectStreams: false }),
      reason: 'Biên lai',
    });
    expect((await signing.verifyPdf(sealed)).indication).toBe('TOTAL_PASSED');
    expect((await pdfsig(dir, sealed)).output).toContain('Signature is Valid.');
  });

  it('an altered byte fails our verifier, pdfsig and openssl', async () => {
    const sealed = await signing.sealPdf({ agencyId: 'H62.01', pdf: await samplePdf(), reason: 'Đóng dấu' });
    const altered = alterSignedByte(sealed);
    expect(altered).not.toEqual(sealed);

    const report = await signing.verifyPdf(altered);
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.signatures[0]).toMatchObject({ integrity: false, indication: 'TOTAL_FAILED' });
    const tool = await pdfsig(dir, altered);
    expect(tool.output).not.toContain('Signature is Valid.');
    expect(tool.output).toMatch(/Signature is Invalid|Digest Mismatch/);
    const openssl = await opensslVerifyPdfSignature(dir, altered, 0, rootPem);
    expect(openssl.code).not.toBe(0);
    expect(openssl.output).not.toContain('Verification successful');
  });

  it('a signature chaining to another root is INDETERMINATE, a PDF without signatures TOTAL_FAILED', async () => {
    const other = await tempDir('signing-other-');
    try {
      const stranger = createSigning({
        sealKey: (agencyId) => new LocalPki(other.dir).sealKey(agencyId),
        trustAnchors: async () => ({ rootsPem: [] }),
      });
      const sealed = await stranger.sealPdf({ agencyId: 'X', pdf: await samplePdf(), reason: 'x' });
      const report = await signing.verifyPdf(sealed);
      expect(report.indication).toBe('INDETERMINATE');
      expect(report.signatures[0]).toMatchObject({
        integrity: true,
        chainTrusted: false,
        revocation: 'unknown',
      });
    } finally {
      await other.cleanup();
    }
    expect(await signing.verifyPdf(await samplePdf())).toEqual({
      indication: 'TOTAL_FAILED',
      signatures: [],
    });
  });

  it('a revoked seal certificate makes the signature TOTAL_FAILED', async () => {
    const sealed = await signing.sealPdf({ agencyId: 'H62.99', pdf: await samplePdf(), reason: 'x' });
    await pki.revoke((await pki.agencySeal('H62.99')).certificatePem, new Date(Date.now() - 3_600_000));
    const report = await signing.verifyPdf(sealed);
    expect(report.signatures[0]).toMatchObject({ revocation: 'revoked', indication: 'TOTAL_FAILED' });
  });

  it('revocation comes from the newest CRL, and only from a list that speaks for the signing time', async () => {
    const day = 86_400_000;
    const now = Date.now();
    const revocationWith = async (crls: string[], sealed: Uint8Array) => {
      const verifier = createSigning({
        sealKey: (agencyId) => pki.sealKey(agencyId),
        trustAnchors: async () => ({ rootsPem: [rootPem], crls }),
      });
      return (await verifier.verifyPdf(sealed)).signatures[0];
    };
    const sealed = await signing.sealPdf({ agencyId: 'H62.98', pdf: await samplePdf(), reason: 'x' });
    const stale = await pki.crlPem({
      thisUpdate: new Date(now - 10 * day),
      nextUpdate: new Date(now - 3 * day),
    });
    const withoutNext = await pki.crlPem({ thisUpdate: new Date(now - day), nextUpdate: null });
    const current = await pki.crlPem();
    // A list that expired before the signature was made, or issued before it with no next update,
    // does not say the certificate was good then.
    expect(await revocationWith([stale], sealed)).toMatchObject({
      revocation: 'unknown',
      indication: 'TOTAL_PASSED',
    });
    expect(await revocationWith([withoutNext], sealed)).toMatchObject({ revocation: 'unknown' });
    expect(await revocationWith([stale, current], sealed)).toMatchObject({ revocation: 'good' });

    await pki.revoke((await pki.agencySeal('H62.98')).certificatePem, new Date(now - 2 * day));
    const listing = await pki.crlPem({ thisUpdate: new Date(now - 60_000) });
    const stillListing = await pki.crlPem({ thisUpdate: new Date(now - day), nextUpdate: null });
    const released = await pki.crlPem({ thisUpdate: new Date(now - 30_000), listRevoked: false });
    // A revocation before the signing time counts from any list naming it; the newest list wins,
    // in whatever order the lists are configured.
    expect(await revocationWith([stillListing], sealed)).toMatchObject({
      revocation: 'revoked',
      indication: 'TOTAL_FAILED',
    });
    expect(await revocationWith([released, listing], sealed)).toMatchObject({ revocation: 'good' });
    expect(await revocationWith([listing, released], sealed)).toMatchObject({ revocation: 'good' });
    expect(await revocationWith([listing, stale], sealed)).toMatchObject({ revocation: 'revoked' });
  });

  it('trustedRootsPem returns the local root; sealKey signs with a certificate chain to it', async () => {
    expect(await signing.trustedRootsPem()).toEqual([rootPem]);
    const key = await signing.sealKey('H62.01');
    expect(key.algorithm).toBe('ECDSA_SHA_256');
    expect(key.certificateChainPem.at(-1)).toBe(rootPem);
    expect((await key.sign(new Uint8Array([1, 2, 3]))).length).toBeGreaterThan(60);
  });
});

describe('detached CMS (CAdES-B)', () => {
  it('signs any file; openssl and our verifier accept it, and refuse other content', async () => {
    const content = new TextEncoder().encode('<edXML>văn bản</edXML>');
    const cms = await signing.signDetached({ agencyId: 'H62.01', content });
    expect((await signing.verifyDetached(content, cms)).indication).toBe('TOTAL_PASSED');
    expect((await opensslVerifyDetached(dir, content, cms, rootPem)).code).toBe(0);
    const other = new TextEncoder().encode('<edXML>văn bản khác</edXML>');
    expect((await signing.verifyDetached(other, cms)).indication).toBe('TOTAL_FAILED');
    expect((await opensslVerifyDetached(dir, other, cms, rootPem)).code).not.toBe(0);
    expect(findSignatures(content)).toEqual([]);
  });
});

describe('SIGNING_PROVIDER=local', () => {
  it('is refused until the local test PKI is installed; then the lean sealPdf and the capability use it', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { SIGNING_PROVIDER: 'local', LOCAL_PKI_DIR: dir });
    try {
      expect(() => signingCapability()).toThrow(/local test PKI, which this process has not loaded/);
      await expect(sealPdf({ agencyId: 'H62.05', pdf: await samplePdf(), reason: 'x' })).rejects.toThrow(
        /local test PKI/,
      );
      installLocalPki();
      const capability = signingCapability();
      expect(signingCapability()).toBe(capability);
      expect(capability.localPki?.dir).toBe(dir);
      const sealed = await sealPdf({ agencyId: 'H62.05', pdf: await samplePdf(), reason: 'Biên lai' });
      const report = await capability.verifyPdf(sealed);
      expect(report.indication).toBe('TOTAL_PASSED');
      expect(report.signatures[0]?.signer).toMatchObject({
        commonName: 'Cơ quan H62.05',
        kind: 'organization',
      });
      // The same PKI as the tests' (same folder): the same root.
      expect(await capability.trustedRootsPem()).toEqual([rootPem]);
    } finally {
      process.env = saved;
    }
  });

  it('local and kms cannot be registered by a vendor', () => {
    const provider = {
      sealKey: () => Promise.reject(new Error('no')),
      trustAnchors: async () => ({ rootsPem: [] }),
    };
    expect(() => registerSealKeyProvider('local', () => provider)).toThrow(/built in/);
    expect(() => registerSealKeyProvider('kms', () => provider)).toThrow(/built in/);
  });
});
