/**
 * The verifier's readers of untrusted input, on the DER reader of shared/signing/der.ts and
 * node:crypto: `parseSignedData` (cms-verify.ts), `parseCrl` (crl.ts) and the certificate fields of
 * registration (x509.ts: Names as text, validity, key usage, PEM). Each is compared with the
 * @peculiar/asn1-cms / asn1js / @peculiar/x509 code it replaced, kept as an oracle
 * (tests/support/cms-oracle.ts), on the certificates of tests/support/certificate-fixtures.ts:
 * - every signer, signing time and chain length, DER and BER (indefinite lengths), padded as in a
 *   PDF, with an unsigned timestamp attribute: the same fields;
 * - mutated signatures (fast-check): only CmsError is thrown; where both parse, the same fields; and
 *   no mutation of what is signed (the signed attributes, the signature, the signer's certificate)
 *   keeps its integrity;
 * - CRLs of RSA and ECDSA issuers (no, one, many entries; serials with a sign octet; with and
 *   without nextUpdate; PEM and DER): the same issuer, dates, entries and signature check.
 */
import '#shared/signing/reflect-metadata.ts';
import { createPublicKey, randomBytes } from 'node:crypto';
import {
  KeyUsageFlags,
  KeyUsagesExtension,
  X509Certificate,
  X509Crl,
  X509CrlGenerator,
} from '@peculiar/x509';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleSignedData, buildSignedAttributes, CmsError, OID, sha256 } from '#shared/signing/cms.ts';
import { checkIntegrity, parseSignedData } from '#shared/signing/cms-verify.ts';
import { parseCrl } from '#shared/signing/crl.ts';
import {
  children,
  contentOf,
  DerError,
  encoded,
  explicit,
  oid,
  readBer,
  readTlv,
  sequence,
  set,
  TAG,
  type Tlv,
  timeOf,
  tlv,
} from '#shared/signing/der.ts';
import { certificateFields, certificatePem, KEY_USAGE, nameText } from '#shared/signing/x509.ts';
import {
  type CertificateFixtures,
  certificateFixtures,
  type Issued,
  issue,
  type Signer,
} from '#tests/support/certificate-fixtures.ts';
import { oracleCrl, oracleParseSignedData } from '#tests/support/cms-oracle.ts';

let fixtures: CertificateFixtures;

const spki = (issued: Issued) =>
  createPublicKey({ key: Buffer.from(issued.certificate.publicKey.rawData), format: 'der', type: 'spki' });
let signers: Signer[];

beforeAll(async () => {
  fixtures = await certificateFixtures();
  signers = fixtures.signers;
}, 60_000);
afterAll(() => fixtures.cleanup());

/** A CMS SignedData by `signer` over `content`, with its whole chain. */
async function signedBy(signer: Signer, content: Uint8Array, signingTime?: Date, chainLength?: number) {
  const signedAttributes = buildSignedAttributes({
    messageDigest: sha256(content),
    certificate: signer.chain[0]!,
    ...(signingTime ? { signingTime } : {}),
  });
  return assembleSignedData({
    signedAttributes,
    signatureValue: await signer.sign(signedAttributes),
    certificates: signer.chain.slice(0, chainLength ?? signer.chain.length),
  });
}

/** The SignerInfo of a DER SignedData, and the elements around it (for rebuilding). */
function signerInfoOf(cms: Uint8Array) {
  const contentInfo = readTlv(cms);
  const [contentType, content] = children(cms, contentInfo);
  const signedData = children(cms, content!)[0]!;
  const fields = children(cms, signedData);
  const signerInfo = children(cms, fields.at(-1)!)[0]!;
  return { contentType: contentType!, fields, signerInfo };
}

/** The same SignedData with an RFC 3161 timestamp token (here empty) as unsigned attribute. */
function withTimestamp(cms: Uint8Array): Uint8Array {
  const { contentType, fields, signerInfo } = signerInfoOf(cms);
  const unsigned = tlv(0xa1, sequence(oid(OID.timeStampToken), set(sequence())));
  const rebuilt = tlv(TAG.sequence, contentOf(cms, signerInfo), unsigned);
  const signedData = tlv(
    TAG.sequence,
    ...fields.slice(0, -1).map((field) => encoded(cms, field)),
    tlv(TAG.set, rebuilt),
  );
  return sequence(encoded(cms, contentType), explicit(0, signedData));
}

/**
 * BER as BouncyCastle writes it: ContentInfo, its [0], the SignedData, the certificate set and the
 * SignerInfos with indefinite lengths; the SignerInfo itself (what is signed) stays DER.
 */
function toBer(cms: Uint8Array): Uint8Array {
  const indefinite = (element: Tlv, depth: number): Uint8Array => {
    const convert = depth < 3 || (depth === 3 && (element.tag === 0xa0 || element.tag === TAG.set));
    if (!convert || !(element.tag & 0x20)) return encoded(cms, element);
    return Buffer.concat([
      Uint8Array.of(element.tag, 0x80),
      ...children(cms, element).map((child) => indefinite(child, depth + 1)),
      Uint8Array.of(0, 0),
    ]);
  };
  return indefinite(readTlv(cms), 0);
}

const TIMES = [
  undefined,
  new Date('2026-07-04T03:02:01Z'),
  new Date('1950-01-01T00:00:00Z'),
  new Date('2050-01-01T00:00:00Z'),
];

describe('parseSignedData', () => {
  it('reads what the @peculiar/asn1-cms parser read: every signer, time and chain, DER and BER, padded, with a timestamp', async () => {
    expect(signers.length).toBeGreaterThanOrEqual(8);
    const content = new TextEncoder().encode('Quyết định số 15/QĐ-UBND');
    let compared = 0;
    for (const signer of signers) {
      for (const signingTime of TIMES) {
        for (const length of new Set([1, signer.chain.length])) {
          const cms = await signedBy(signer, content, signingTime, length);
          const variants = {
            der: cms,
            ber: toBer(cms),
            padded: Buffer.concat([cms, new Uint8Array(4096)]),
            timestamp: withTimestamp(cms),
            'ber with timestamp': toBer(withTimestamp(cms)),
          };
          expect(readBer(variants.ber).contentEnd, 'the BER variant has indefinite lengths').toBeDefined();
          for (const [variant, bytes] of Object.entries(variants)) {
            const label = `${signer.label}, ${signingTime?.toISOString()}, ${length} certificates, ${variant}`;
            const ours = parseSignedData(bytes);
            expect(ours, label).toEqual(oracleParseSignedData(bytes));
            expect(ours.hasTimestamp, label).toBe(variant.includes('timestamp'));
            expect(checkIntegrity(ours, content), label).toBe(true);
            compared += 1;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('refuses what is not a SignedData with one signer, with a CmsError', async () => {
    const cms = await signedBy(signers[0]!, new Uint8Array([1, 2, 3]));
    const { contentType, fields, signerInfo } = signerInfoOf(cms);
    const twoSigners = sequence(
      encoded(cms, contentType),
      explicit(
        0,
        tlv(
          TAG.sequence,
          ...fields.slice(0, -1).map((field) => encoded(cms, field)),
          tlv(TAG.set, encoded(cms, signerInfo), encoded(cms, signerInfo)),
        ),
      ),
    );
    const withoutCertificates = sequence(
      encoded(cms, contentType),
      explicit(
        0,
        tlv(
          TAG.sequence,
          ...fields.filter((field) => field.tag !== 0xa0).map((field) => encoded(cms, field)),
        ),
      ),
    );
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty', new Uint8Array(0), /not a CMS SignedData/],
      ['zeros', new Uint8Array(64), /not a CMS SignedData/],
      ['data, not signedData', sequence(oid(OID.data), explicit(0, sequence())), /Not a CMS SignedData/],
      ['two signers', twoSigners, /Exactly one signer/],
      ['no certificates', withoutCertificates, /certificate is not in the signature/],
      ['truncated', cms.subarray(0, cms.length - 10), /not a CMS SignedData/],
      ['BER without end-of-contents', toBer(cms).subarray(0, toBer(cms).length - 2), /not a CMS SignedData/],
    ];
    for (const [label, bytes, message] of cases) {
      expect(() => parseSignedData(bytes), label).toThrow(CmsError);
      expect(() => parseSignedData(bytes), label).toThrow(message);
    }
    // Nested indefinite lengths beyond 32 levels: refused, not a stack overflow.
    const deep = Buffer.concat([new Uint8Array(200).fill(0x30).map((_, i) => (i % 2 ? 0x80 : 0x30))]);
    expect(() => parseSignedData(deep)).toThrow(CmsError);
  });

  it('under mutation: only CmsError; where both parse, the same fields; nothing signed can change and keep its integrity', async () => {
    const content = new TextEncoder().encode('Tờ trình');
    const originals = await Promise.all(
      signers.slice(0, 4).map(async (signer) => {
        const cms = await signedBy(signer, content, new Date('2026-11-22T03:00:00Z'));
        const parsed = parseSignedData(cms);
        return { cms, ber: toBer(cms), parsed };
      }),
    );
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    const stats = { ours: 0, both: 0, intact: 0, reencoded: 0 };
    fc.assert(
      fc.property(
        fc.nat({ max: originals.length - 1 }),
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, ber, flips, cut) => {
          const original = originals[which]!;
          const bytes = new Uint8Array(ber ? original.ber : original.cms);
          for (const [at, xor] of flips) bytes[at % bytes.length]! ^= xor;
          const mutated = cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
          let ours: ReturnType<typeof parseSignedData> | undefined;
          try {
            ours = parseSignedData(mutated);
          } catch (error) {
            expect(error).toBeInstanceOf(CmsError);
          }
          if (!ours) return;
          stats.ours += 1;
          let oracle: ReturnType<typeof oracleParseSignedData> | undefined;
          try {
            oracle = oracleParseSignedData(mutated);
          } catch {}
          if (oracle) {
            stats.both += 1;
            const differing = Object.keys(ours).filter(
              (key) =>
                JSON.stringify(ours[key as keyof typeof ours]) !==
                JSON.stringify(oracle[key as keyof typeof oracle]),
            );
            // The old parser re-encoded the certificates it decoded: a mutated certificate came out
            // changed (a broken time re-encoded), where ours are the bytes carried, as their issuer signed them.
            const carried = (der: Uint8Array) => Buffer.from(mutated).includes(Buffer.from(der));
            if (differing.includes('certificates')) {
              expect(ours.certificates.every(carried)).toBe(true);
              expect(oracle.certificates.every(carried)).toBe(false);
              stats.reencoded += 1;
            }
            const rest = differing.filter((key) => key !== 'certificates' && key !== 'signer');
            expect(rest, `differs in ${differing.join(', ')}`).toEqual([]);
            if (!differing.includes('certificates')) expect(ours).toEqual(oracle);
          }
          if (checkIntegrity(ours, content)) {
            stats.intact += 1;
            expect(hex(ours.signer)).toBe(hex(original.parsed.signer));
            expect(hex(ours.signedAttributes)).toBe(hex(original.parsed.signedAttributes));
            expect(hex(ours.signatureValue)).toBe(hex(original.parsed.signatureValue));
          }
        },
      ),
      { numRuns: 1500, seed: Number(process.env.PROOF_SEED ?? Date.now() % 2 ** 31) },
    );
    // The property saw mutated signatures that still parse, and some that still verify (a changed
    // digest algorithm or intermediate certificate is not signed, in CMS).
    expect(stats.ours).toBeGreaterThan(20);
    expect(stats.both).toBeGreaterThan(10);
  });
});

describe('certificate fields (x509.ts)', () => {
  const escaping = [
    'Công ty A, B & C',
    ' leading space',
    'trailing space ',
    'quote " plus + semi ; less < more > back \\ slash',
    'line\nbreak\tand\nmore',
  ];
  let certificates: { label: string; der: Uint8Array }[];

  beforeAll(async () => {
    certificates = [
      ...signers.flatMap((signer) => signer.chain.map((der, i) => ({ label: `${signer.label} #${i}`, der }))),
      ...fixtures.others,
    ];
    for (const value of escaping) {
      const made = await issue({
        kind: 'ec',
        subject: [{ CN: [value], O: ['Same'] }, { '1.2.3.4.5': ['unknown type'] }, { E: ['a@b.vn'] }],
        issuer: fixtures.intermediate,
      });
      certificates.push({
        label: `escaping ${JSON.stringify(value)}`,
        der: new Uint8Array(made.certificate.rawData),
      });
    }
    const noKeyUsage = await issue({
      kind: 'rsa',
      subject: [{ CN: ['No key usage'] }],
      issuer: fixtures.intermediate,
      keyUsage: null,
    });
    const encipherOnly = await issue({
      kind: 'ec',
      subject: [{ CN: ['Key agreement only'] }],
      issuer: fixtures.intermediate,
      keyUsage: KeyUsageFlags.keyAgreement,
    });
    certificates.push(
      { label: 'no key usage', der: new Uint8Array(noKeyUsage.certificate.rawData) },
      { label: 'key agreement only', der: new Uint8Array(encipherOnly.certificate.rawData) },
    );
  });

  it('are what @peculiar/x509 read: Names as text, validity, key usage, PEM', () => {
    expect(certificates.length).toBeGreaterThan(25);
    for (const { label, der } of certificates) {
      const oracle = new X509Certificate(der);
      const fields = certificateFields(der);
      expect(nameText(fields.subject), label).toBe(oracle.subject);
      expect(nameText(fields.issuer), label).toBe(oracle.issuer);
      expect(fields.notBefore, label).toEqual(oracle.notBefore);
      expect(fields.notAfter, label).toEqual(oracle.notAfter);
      expect(certificatePem(der), label).toBe(oracle.toString('pem'));
      const usage = oracle.getExtension(KeyUsagesExtension);
      expect(fields.keyUsage !== undefined, label).toBe(usage !== null);
      if (usage) {
        const mayUsage = (flag: number) => (fields.keyUsage![0]! & flag) !== 0;
        expect(mayUsage(KEY_USAGE.digitalSignature), label).toBe(
          (usage.usages & KeyUsageFlags.digitalSignature) !== 0,
        );
        expect(mayUsage(KEY_USAGE.nonRepudiation), label).toBe(
          (usage.usages & KeyUsageFlags.nonRepudiation) !== 0,
        );
      }
    }
    const named = (label: string) => certificates.find((entry) => entry.label === label)!.der;
    expect(nameText(certificateFields(named('escaping "Công ty A, B & C"')).subject)).toBe(
      'CN=Công ty A\\, B & C+O=Same, 1.2.3.4.5=unknown type, E=a@b.vn',
    );
    expect(certificateFields(named('no key usage')).keyUsage).toBeUndefined();
    expect(certificateFields(named('key agreement only')).keyUsage![0]! & 0xc0).toBe(0);
  });
});

describe('parseCrl', () => {
  it('reads what @peculiar/x509 read: issuer, dates, entries, and the issuer’s signature', async () => {
    const rsaCa = await issue({
      kind: 'rsa',
      subject: [{ CN: ['CA RSA thử nghiệm'] }, { C: ['VN'] }],
      ca: true,
    });
    const issuers: Issued[] = [fixtures.intermediate, rsaCa];
    const other = await issue({ kind: 'ec', subject: [{ CN: ['Another CA'] }], ca: true });
    let compared = 0;
    for (const issuer of issuers) {
      for (const entries of [
        [],
        [{ serialNumber: '01', revocationDate: new Date('2026-01-02T03:04:05Z') }],
        Array.from({ length: 40 }, (_, i) => ({
          serialNumber: i % 3 ? randomBytes(16).toString('hex') : `ff${i.toString(16).padStart(2, '0')}`,
          revocationDate: new Date(Date.UTC(2025, 0, 1 + i)),
        })),
      ]) {
        for (const nextUpdate of [undefined, new Date('2027-01-01T00:00:00Z')]) {
          const crl = await X509CrlGenerator.create({
            issuer: issuer.certificate.subject,
            thisUpdate: new Date('2026-11-01T00:00:00Z'),
            ...(nextUpdate ? { nextUpdate } : {}),
            signingAlgorithm:
              issuer.kind === 'rsa'
                ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
                : { name: 'ECDSA', hash: 'SHA-256' },
            signingKey: issuer.keys.privateKey,
            entries,
          });
          for (const source of [crl.toString('pem'), new Uint8Array(crl.rawData)]) {
            const ours = parseCrl(source);
            const oracle = await oracleCrl(source, issuer.keys.publicKey);
            const label = `${issuer.certificate.subject}, ${entries.length} entries, ${typeof source}`;
            expect(ours.issuer, label).toBe(oracle.issuer);
            expect(ours.issuer, label).toBe(issuer.certificate.subject);
            expect(ours.thisUpdate, label).toEqual(oracle.thisUpdate);
            expect(ours.nextUpdate, label).toEqual(oracle.nextUpdate);
            if (nextUpdate || entries.length === 0) expect(ours.revoked, label).toEqual(oracle.revoked);
            // @peculiar/asn1-x509 lost the entries of a CRL without nextUpdate (the optional Time
            // before the optional list): a certificate such a CRL revokes was "good" to the old verifier.
            else expect(oracle.revoked.size, label).toBe(0);
            for (const { serialNumber, revocationDate } of entries)
              expect(ours.revoked.get(serialNumber.replace(/^(00)+(?=[0-9a-f]{2})/, '')), label).toEqual(
                revocationDate,
              );
            expect(ours.revoked.size, label).toBe(entries.length);
            const issuerKey = spki(issuer);
            expect(ours.signedBy(issuerKey), label).toBe(true);
            expect(oracle.signedBy, label).toBe(true);
            expect(ours.signedBy(spki(other)), label).toBe(false);
            compared += 1;
          }
          // One changed byte in the signed part: the signature no longer verifies.
          const tampered = new Uint8Array(crl.rawData).slice();
          const tbs = children(tampered, readTlv(tampered))[0]!;
          tampered[tbs.end - 1]! ^= 1;
          const issuerKey = spki(issuer);
          let read: ReturnType<typeof parseCrl> | undefined;
          try {
            read = parseCrl(tampered);
          } catch (error) {
            expect(error).toBeInstanceOf(DerError);
          }
          expect(read?.signedBy(issuerKey) ?? false).toBe(false);
          const oracleVerifies = async () => {
            try {
              return await new X509Crl(tampered).verify({ publicKey: issuer.keys.publicKey });
            } catch {
              return false;
            }
          };
          expect(await oracleVerifies()).toBe(false);
        }
      }
    }
    expect(compared).toBe(24);
    expect(() => parseCrl('not a CRL')).toThrow(DerError);
    expect(() => parseCrl(new Uint8Array([0x30, 0x03, 0x02, 0x01]))).toThrow(DerError);
    expect(() => parseCrl('-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----')).toThrow(DerError);
  }, 60_000);
});

describe('DER reader (BER and times)', () => {
  it('reads indefinite lengths with readBer only, and refuses what BER does not allow', () => {
    const ber = Uint8Array.of(0x30, 0x80, 0x02, 0x01, 0x05, 0x30, 0x80, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00);
    const outer = readBer(ber);
    expect(outer).toMatchObject({ tag: 0x30, contentStart: 2, contentEnd: 11, end: 13 });
    const [integer, inner] = children(ber, outer);
    expect(integer).toMatchObject({ tag: 0x02, contentStart: 4, end: 5 });
    expect(Array.from(contentOf(ber, integer!))).toEqual([5]);
    expect(children(ber, inner!).map((element) => element.tag)).toEqual([0x05]);
    expect(() => readTlv(ber)).toThrow(/Indefinite/);
    expect(() => readBer(Uint8Array.of(0x04, 0x80, 0x00, 0x00))).toThrow(/primitive/);
    expect(() => readBer(Uint8Array.of(0x30, 0x80, 0x05, 0x00))).toThrow(/end-of-contents/);
    const deep = new Uint8Array(2 * 40 + 2 * 40);
    for (let i = 0; i < 40; i++) deep.set([0x30, 0x80], 2 * i);
    expect(() => readBer(deep)).toThrow(/too deep/);
  });

  it('reads UTCTime and GeneralizedTime as asn1js did, and refuses what is no time', () => {
    const time = (tag: number, text: string) => {
      const der = tlv(tag, new TextEncoder().encode(text));
      return timeOf(der, readTlv(der));
    };
    expect(time(TAG.utcTime, '261122030405Z')).toEqual(new Date('2026-11-22T03:04:05Z'));
    expect(time(TAG.utcTime, '500101000000Z')).toEqual(new Date('1950-01-01T00:00:00Z'));
    expect(time(TAG.utcTime, '491231235959Z')).toEqual(new Date('2049-12-31T23:59:59Z'));
    expect(time(TAG.utcTime, '2611221004+0700')).toEqual(new Date('2026-11-22T03:04:00Z'));
    expect(time(TAG.generalizedTime, '20261122030405Z')).toEqual(new Date('2026-11-22T03:04:05Z'));
    expect(time(TAG.generalizedTime, '20261122030405.123Z')).toEqual(new Date('2026-11-22T03:04:05.123Z'));
    expect(time(TAG.generalizedTime, '00500101000000Z')).toEqual(new Date('0050-01-01T00:00:00Z'));
    for (const [tag, text] of [
      [TAG.utcTime, '261322030405Z'],
      [TAG.utcTime, '2611220304'],
      [TAG.generalizedTime, 'yesterday'],
      [TAG.generalizedTime, '20261122250000Z'],
    ] as const) {
      expect(() => time(tag, text), text).toThrow(DerError);
    }
    expect(() => timeOf(Uint8Array.of(0x02, 0x01, 0x00), readTlv(Uint8Array.of(0x02, 0x01, 0x00)))).toThrow(
      /Not a time/,
    );
  });
});
