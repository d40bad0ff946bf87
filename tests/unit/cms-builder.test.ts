/**
 * The seal path's DER builder (shared/signing/der.ts, cms.ts) and certificate reader (x509.ts,
 * `signerOf`) against the code they replaced, kept as an oracle on @peculiar/asn1-cms, asn1js and
 * @peculiar/x509 (tests/support/cms-oracle.ts): the same signed attributes and SignedData, byte for
 * byte, and the same signer, for RSA and ECDSA certificates of the local test PKI, of openssl and of
 * @peculiar/x509's generator (Vietnamese names in UTF-8, BMPString, TeletexString, IA5String, an
 * unusual string type, multi-valued RDNs, serial numbers with a sign octet), with and without
 * signingTime, for chains of one, two and three certificates. What is built verifies with the
 * platform's verifier (verifyDetached, verifyPdfSignatures).
 */
import '#shared/signing/reflect-metadata.ts';
import { randomBytes, webcrypto } from 'node:crypto';
import { cryptoProvider, X509Certificate } from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { algorithmOf, assembleSignedData, buildSignedAttributes, sha256 } from '#shared/signing/cms.ts';
import {
  children,
  DerError,
  explicit,
  implicit,
  integer,
  oid,
  readTlv,
  sequence,
  set,
  time,
  tlv,
} from '#shared/signing/der.ts';
import { signPdfWithKey } from '#shared/signing/seal.ts';
import { signerOf } from '#shared/signing/subject.ts';
import { verifyDetached, verifyPdfSignatures } from '#shared/signing/verify.ts';
import {
  type CertificateFixtures,
  certificateFixtures,
  type Signer,
} from '#tests/support/certificate-fixtures.ts';
import { oracleSignedAttributes, oracleSignedData, oracleSignerOf } from '#tests/support/cms-oracle.ts';
import { samplePdf } from '#tests/support/signing.ts';

cryptoProvider.set(webcrypto as never);

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

let cleanup: () => Promise<void>;
let signers: Signer[];
let others: CertificateFixtures['others'];

beforeAll(async () => {
  ({ signers, others, cleanup } = await certificateFixtures());
}, 60_000);
afterAll(() => cleanup());

const TIMES = [
  undefined,
  new Date(),
  new Date('2026-07-04T03:02:01.999Z'),
  new Date('1950-01-01T00:00:00Z'),
  new Date('1999-12-31T23:59:59Z'),
  new Date('2049-12-31T23:59:59.500Z'),
  new Date('2050-01-01T00:00:00Z'),
  new Date('2100-02-28T12:00:00.001Z'),
];

describe('signed attributes and SignedData', () => {
  it('are byte-identical to the @peculiar/asn1-cms builder for every signer, time and chain', async () => {
    expect(signers.length).toBeGreaterThanOrEqual(8);
    for (const signer of signers) {
      const [certificate] = signer.chain;
      for (const signingTime of TIMES) {
        const input = {
          messageDigest: sha256(randomBytes(100)),
          certificate: certificate!,
          ...(signingTime ? { signingTime } : {}),
        };
        const signedAttributes = buildSignedAttributes(input);
        expect(hex(signedAttributes), `${signer.label} at ${signingTime?.toISOString()}`).toBe(
          hex(oracleSignedAttributes(input)),
        );
        const signatureValue = await signer.sign(signedAttributes);
        for (const length of new Set([1, 2, signer.chain.length])) {
          const assembled = {
            signedAttributes,
            signatureValue,
            certificates: signer.chain.slice(0, length),
          };
          expect(hex(assembleSignedData(assembled)), `${signer.label}, ${length} certificates`).toBe(
            hex(oracleSignedData(assembled)),
          );
        }
      }
    }
  });

  it('verify with the platform verifier: detached (CAdES-B) and in a PDF (PAdES-B)', async () => {
    const content = new TextEncoder().encode('<edXML>Công văn số 12/UBND-VP</edXML>');
    const pdf = await samplePdf();
    for (const signer of signers) {
      const anchors = { rootsPem: [signer.rootPem] };
      const signedAttributes = buildSignedAttributes({
        messageDigest: sha256(content),
        certificate: signer.chain[0]!,
        signingTime: new Date(),
      });
      const cms = assembleSignedData({
        signedAttributes,
        signatureValue: await signer.sign(signedAttributes),
        certificates: signer.chain,
      });
      const detached = await verifyDetached(content, cms, anchors);
      expect(detached.indication, signer.label).toBe('TOTAL_PASSED');
      expect(detached.signatures[0]!.signer).toEqual(oracleSignerOf(signer.chain[0]!));
      expect((await verifyDetached(new Uint8Array([1]), cms, anchors)).indication).toBe('TOTAL_FAILED');

      const sealed = await signPdfWithKey(
        {
          certificateChainPem: signer.chain.map((der) => new X509Certificate(der).toString('pem')),
          algorithm: algorithmOf(signer.chain[0]!),
          sign: signer.sign,
        },
        pdf,
        { reason: 'Đóng dấu', signingTime: new Date() },
      );
      const report = await verifyPdfSignatures(sealed, anchors);
      expect(report.indication, signer.label).toBe('TOTAL_PASSED');
    }
  });

  it('the signed attributes are carried as signed ([0] IMPLICIT, same content)', () => {
    const signer = signers[0]!;
    const signedAttributes = buildSignedAttributes({
      messageDigest: sha256(new Uint8Array([1])),
      certificate: signer.chain[0]!,
    });
    const der = assembleSignedData({
      signedAttributes,
      signatureValue: new Uint8Array(64),
      certificates: signer.chain,
    });
    expect(hex(der)).toContain(hex(signedAttributes).slice(2));
    expect(() =>
      assembleSignedData({
        signedAttributes: sequence(),
        signatureValue: new Uint8Array(1),
        certificates: [],
      }),
    ).toThrow(/signer certificate is missing/);
    expect(() =>
      assembleSignedData({
        signedAttributes: sequence(),
        signatureValue: new Uint8Array(1),
        certificates: signer.chain,
      }),
    ).toThrow(DerError);
  });
});

describe('signerOf', () => {
  it('reads what @peculiar/x509 read: CN, O, kind, serial number (lowercase hex, no sign octet)', () => {
    const certificates = [
      ...signers.map((signer) => ({ label: signer.label, der: signer.chain[0]! })),
      ...signers.map((signer) => ({ label: `${signer.label} root`, der: signer.chain.at(-1)! })),
      ...others,
    ];
    for (const { label, der } of certificates) expect(signerOf(der), label).toEqual(oracleSignerOf(der));
    // PEM too (read with node:crypto, which refuses the unusual string types of `others`).
    for (const signer of signers) {
      const pem = new X509Certificate(signer.chain[0]!).toString('pem');
      expect(signerOf(pem), signer.label).toEqual(oracleSignerOf(signer.chain[0]!));
    }
    const read = (label: string) =>
      signerOf(certificates.find((certificate) => certificate.label === label)!.der);
    expect(read('local PKI seal')).toMatchObject({
      commonName: 'UBND phường Liên Bảo, thành phố Vĩnh Yên',
      organization: 'UBND phường Liên Bảo, thành phố Vĩnh Yên',
      kind: 'organization',
    });
    expect(read('local PKI personal')).toMatchObject({
      commonName: 'Nguyễn Thị Hương',
      organization: 'H62.01',
      kind: 'personal',
    });
    expect(read('generated RSA leaf, 3 levels')).toEqual({
      commonName: 'Sở Tài chính',
      organization: 'Sở Tài chính',
      serialNumber: 'ff'.repeat(20),
      kind: 'organization',
    });
    expect(read('generated ECDSA leaf, 3 levels')).toMatchObject({
      commonName: 'Mariélle',
      organization: 'ABCÃ©',
      serialNumber: '01',
    });
    expect(read('generated RSA leaf, 3 levels root').serialNumber).toBe('ff00');
    expect(read('generated RSA leaf without its root root').serialNumber).toBe('80');
    expect(read('visible string').commonName).toBe('1a03414243');
    expect(read('universal string')).toMatchObject({ commonName: 'Hà Nội', kind: 'organization' });
    expect(read('no CN, no O')).toMatchObject({ commonName: '', kind: 'personal' });
    expect(read('no CN, no O')).not.toHaveProperty('organization');
  });
});

describe('DER', () => {
  it('encodes lengths, OIDs, INTEGERs, tags and SETs as X.690 says', () => {
    expect(hex(tlv(0x04, new Uint8Array(127)))).toMatch(/^047f/);
    expect(hex(tlv(0x04, new Uint8Array(128)))).toMatch(/^048180/);
    expect(hex(tlv(0x04, new Uint8Array(256)))).toMatch(/^04820100/);
    expect(hex(tlv(0x04, new Uint8Array(65_536)))).toMatch(/^0483010000/);
    expect(hex(oid('1.2.840.113549.1.9.16.2.47'))).toBe('060b2a864886f70d010910022f');
    expect(hex(oid('2.16.840.1.101.3.4.2.1'))).toBe('0609608648016503040201');
    expect(hex(oid('2.999.3'))).toBe('0603883703');
    expect(() => oid('1')).toThrow(DerError);
    expect(hex(integer(Uint8Array.of(0x00, 0x80)))).toBe('02020080');
    expect(hex(explicit(4, sequence()))).toBe('a4023000');
    expect(hex(implicit(0, set(sequence())))).toBe('a0023000');
    expect(hex(implicit(1, tlv(0x04, Uint8Array.of(1))))).toBe('810101');
    // SET OF: sorted by encoding, a prefix first.
    expect(hex(set(Uint8Array.of(2, 1, 9), Uint8Array.of(2, 1, 1), Uint8Array.of(1, 1, 0xff)))).toBe(
      '31090101ff020101020109',
    );
  });

  it('writes UTCTime from 1950 through 2049 and GeneralizedTime otherwise, in whole seconds', () => {
    const text = (date: string) => {
      const der = time(new Date(date));
      return `${der[0]!.toString(16)} ${Buffer.from(der.subarray(2)).toString('latin1')}`;
    };
    expect(text('2026-07-04T03:02:01.999Z')).toBe('17 260704030201Z');
    expect(text('1950-01-01T00:00:00Z')).toBe('17 500101000000Z');
    expect(text('2049-12-31T23:59:59.999Z')).toBe('17 491231235959Z');
    expect(text('2050-01-01T00:00:00Z')).toBe('18 20500101000000Z');
    expect(text('1949-12-31T23:59:59Z')).toBe('18 19491231235959Z');
  });

  it('reads definite lengths only, and nothing past its container', () => {
    const der = sequence(oid('1.2.3'), tlv(0x04, new Uint8Array(300)));
    const outer = readTlv(der);
    expect(outer).toEqual({ tag: 0x30, start: 0, contentStart: 4, end: der.length });
    expect(children(der, outer).map((element) => element.tag)).toEqual([0x06, 0x04]);
    expect(() => readTlv(Uint8Array.of(0x30, 0x80, 0, 0))).toThrow(/Indefinite/);
    expect(() => readTlv(Uint8Array.of(0x30, 0x05, 0))).toThrow(DerError);
    expect(() => readTlv(Uint8Array.of(0x1f, 0x01, 0))).toThrow(/High tag/);
    expect(() =>
      children(
        Uint8Array.of(0x30, 0x03, 0x04, 0x05, 0x00),
        readTlv(Uint8Array.of(0x30, 0x03, 0x04, 0x05, 0x00)),
      ),
    ).toThrow(DerError);
  });
});
