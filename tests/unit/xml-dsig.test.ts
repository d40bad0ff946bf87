/**
 * The enveloped XML signature of edXML packages (shared/xml/dsig.ts through
 * shared/documents/edxml-signature.ts) against xml-crypto, the library it replaced
 * (tests/support/xml-oracle.ts):
 * - an RSA signature is byte for byte the one xml-crypto made; an ECDSA one has its shape;
 * - ours verify with xml-crypto, to the same signed content;
 * - xml-crypto's, for every signature method, SignedInfo canonicalization, reference transform and
 *   digest we accept (with and without a PrefixList), verify with ours;
 * then the attacks: tampering, wrapping, references other than URI="", HMAC and unknown algorithms,
 * DOCTYPEs, deep nesting, huge input, and mutation fuzz: each either verifies to the very package
 * that was signed or is an EdxmlError, never anything else.
 */
import { createHmac, X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEdxml, EdxmlError, type EdxmlPackage, readEdxml } from '#shared/documents/edxml.ts';
import { signEdxml, verifyEdxml } from '#shared/documents/edxml-signature.ts';
import { createTestPki, type TestPki } from '#tests/support/test-seal-key.ts';
import { xmlCryptoSign, xmlCryptoVerify } from '#tests/support/xml-oracle.ts';

const sample: EdxmlPackage = {
  from: { organId: '000.21.00.H62', organName: 'UBND thành phố Vĩnh Yên' },
  to: [{ organId: '000.21.01.H62', organName: 'UBND phường Tích Sơn' }],
  documentId: '000.21.00.H62,2026/11/22,12/KH-UBND',
  code: { number: 12, notation: 'KH-UBND' },
  promulgation: { place: 'Vĩnh Yên', date: '2026-11-22' },
  documentType: { type: 2, typeDetail: 'KH', typeName: 'Kế hoạch' },
  subject: 'Kế hoạch "chuyển đổi số" <2027> & \r\n\tký tự đặc biệt',
  signer: { position: 'Phó Chủ tịch', fullName: 'Trần Văn Bình' },
  toPlaces: [],
  priority: 0,
  steeringType: 0,
  trace: [{ organId: '000.21.00.H62', timestamp: '2026-11-22T03:00:00.000Z' }],
  business: { docType: 0 },
  attachments: [
    {
      contentId: 'cid:1',
      fileName: 'a.pdf',
      contentType: 'application/pdf',
      bytes: Buffer.from('%PDF-1.7 x'),
    },
  ],
};

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const MORE = 'http://www.w3.org/2001/04/xmldsig-more#';
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const INC = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const ENVELOPED = `${DS}enveloped-signature`;

let rsa: TestPki;
let ec: TestPki;
let xml: string;
let expected: EdxmlPackage;
beforeAll(() => {
  rsa = createTestPki();
  ec = createTestPki({ algorithm: 'ECDSA_SHA_256' });
  xml = buildEdxml(sample);
  expected = readEdxml(xml);
});
const leafKey = (pki: TestPki) => new X509Certificate(pki.sealKey.certificateChainPem[0]!).publicKey;
const oracleSign = (
  pki: TestPki,
  options: Partial<Parameters<typeof xmlCryptoSign>[1]> = {},
  input = xml,
): string =>
  xmlCryptoSign(input, {
    privateKeyPem: pki.privateKeyPem,
    certificateChainPem: pki.sealKey.certificateChainPem,
    signatureAlgorithm: `${MORE}rsa-sha256`,
    canonicalizationAlgorithm: EXC,
    transforms: [ENVELOPED, EXC],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    ...options,
  });

describe('signing, against xml-crypto', () => {
  it('RSA: the bytes xml-crypto wrote, verifying with it to the same content', async () => {
    const ours = await signEdxml(xml, rsa.sealKey);
    expect(ours).toBe(oracleSign(rsa));
    const { pkg } = await verifyEdxml(ours, [rsa.rootPem]);
    expect(pkg).toEqual(expected);
    expect(readEdxml(xmlCryptoVerify(ours, leafKey(rsa)))).toEqual(expected);
  });

  it('ECDSA: the shape xml-crypto wrote (the values are randomized), verifying with it', async () => {
    const ours = await signEdxml(xml, ec.sealKey);
    const theirs = oracleSign(ec, { signatureAlgorithm: `${MORE}ecdsa-sha256` });
    const blank = (s: string) => s.replace(/<SignatureValue>[^<]*</, '<SignatureValue><');
    expect(blank(ours)).toBe(blank(theirs));
    expect(readEdxml(xmlCryptoVerify(ours, leafKey(ec)))).toEqual(expected);
    expect((await verifyEdxml(theirs, [ec.rootPem])).pkg).toEqual(expected);
    // xml-crypto's ECDSA signatures (our algorithm class) with each SignedInfo canonicalization.
    for (const canonicalizationAlgorithm of [EXC, `${EXC}WithComments`, INC, `${INC}#WithComments`]) {
      const signed = oracleSign(ec, { signatureAlgorithm: `${MORE}ecdsa-sha256`, canonicalizationAlgorithm });
      expect((await verifyEdxml(signed, [ec.rootPem])).pkg).toEqual(expected);
    }
  });
});

describe("xml-crypto's signatures verify with ours", () => {
  const methods = [
    `${DS}rsa-sha1`,
    `${MORE}rsa-sha256`,
    `${MORE}rsa-sha512`,
    'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1',
  ];
  const c14ns = [EXC, `${EXC}WithComments`, INC, `${INC}#WithComments`];
  const transforms = [[ENVELOPED], ...c14ns.map((c14n) => [ENVELOPED, c14n])];
  const digests = [
    `${DS}sha1`,
    'http://www.w3.org/2001/04/xmlenc#sha256',
    'http://www.w3.org/2001/04/xmlenc#sha512',
  ];

  it('every accepted signature method × SignedInfo canonicalization × transforms × digest', async () => {
    let count = 0;
    for (const signatureAlgorithm of methods)
      for (const canonicalizationAlgorithm of c14ns)
        for (const t of transforms)
          for (const digestAlgorithm of digests) {
            const signed = oracleSign(rsa, {
              signatureAlgorithm,
              canonicalizationAlgorithm,
              transforms: t,
              digestAlgorithm,
            });
            const { pkg } = await verifyEdxml(signed, [rsa.rootPem]);
            expect(pkg).toEqual(expected);
            count += 1;
          }
    expect(count).toBe(240);
  });

  it('with an InclusiveNamespaces PrefixList, with comments in the package', async () => {
    const commented = xml.replace('<edXML:edXMLBody>', '<!-- một ghi chú --><edXML:edXMLBody>');
    for (const c14n of [EXC, `${EXC}WithComments`]) {
      const signed = oracleSign(rsa, { transforms: [ENVELOPED, c14n], prefixList: ['edXML'] }, commented);
      expect(signed).toContain('PrefixList="edXML"');
      expect((await verifyEdxml(signed, [rsa.rootPem])).pkg).toEqual(expected);
    }
  });
});

const refused = async (candidate: string, message?: RegExp) => {
  const error = await verifyEdxml(candidate, [rsa.rootPem]).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EdxmlError);
  if (message) expect((error as Error).message).toMatch(message);
};

describe('attacks on a signed package', () => {
  let signed: string;
  beforeAll(async () => {
    signed = await signEdxml(xml, rsa.sealKey);
  });

  it('tampered content or SignedInfo', async () => {
    await refused(signed.replace('chuyển đổi số', 'chuyển đổi SỐ'), /changed after signing/);
    await refused(signed.replace('<edXML:Size>10<', '<edXML:Size>11<'), /changed after signing/);
    await refused(signed.replace(/<DigestValue>./, '<DigestValue>A'), /does not verify/);
    await refused(signed.replace('<SignedInfo>', '<SignedInfo Id="x">'), /signature value is incorrect/);
    await refused(signed.replace(/<SignatureValue>[^<]{4}/, '<SignatureValue>AAAA'), /does not verify/);
    await refused(signed.replace(/<SignatureValue>[^<]*/, '<SignatureValue>!!'), /not base64/);
  });

  it('wrapping: what lies outside the signed content is never read', async () => {
    const header = signed.slice(
      signed.indexOf('<edXML:MessageHeader>'),
      signed.indexOf('</edXML:MessageHeader>') + 22,
    );
    const forged = header.replace('chuyển đổi số', 'GIẢ MẠO');
    // Inside KeyInfo (not digested): it verifies, and the package is still the signed one.
    const inKeyInfo = signed.replace('<X509Data>', `<X509Data>${forged}`);
    const { pkg } = await verifyEdxml(inKeyInfo, [rsa.rootPem]);
    expect(pkg).toEqual(expected);
    // In an Object, or as a second header in the envelope.
    await refused(
      signed.replace('</Signature>', `<Object>${forged}</Object></Signature>`),
      /unexpected Object/,
    );
    await refused(signed.replace('<edXML:edXMLBody>', `${forged}<edXML:edXMLBody>`), /changed after signing/);
    // The signature moved to the body: the same content is signed.
    const moved = signed
      .replace(/<Signature[\s\S]*<\/Signature>/, '')
      .replace(
        '</edXML:edXMLBody>',
        `${signed.match(/<Signature[\s\S]*<\/Signature>/)![0]}</edXML:edXMLBody>`,
      );
    expect((await verifyEdxml(moved, [rsa.rootPem])).pkg).toEqual(expected);
    // A second signature, a second reference, a reference to an element or elsewhere.
    const signature = signed.match(/<Signature[\s\S]*<\/Signature>/)![0];
    await refused(
      signed.replace('</edXML:edXMLBody>', `${signature}</edXML:edXMLBody>`),
      /more than one signature/,
    );
    const reference = signed.match(/<Reference[\s\S]*<\/Reference>/)![0];
    await refused(signed.replace('</Reference>', `</Reference>${reference}`), /unexpected Reference/);
    await refused(signed.replace('<Reference URI=""', '<Reference URI="#x"'), /URI=""/);
    await refused(
      signed.replace('<Reference URI=""', '<Reference URI="http://evil.example/a.xml"'),
      /URI=""/,
    );
    await refused(signed.replace('<Reference URI=""', '<Reference'), /URI=""/);
    await refused(
      signed.replace('<edXML:edXMLEnvelope ', '<edXML:edXMLEnvelope Id="x" ').replace('URI=""', 'URI="#x"'),
      /URI=""/,
    );
  });

  it('HMAC (key confusion) and unknown algorithms', async () => {
    // An HMAC over SignedInfo keyed with the (public) certificate: refused before any check.
    const hmacInfo = signed
      .match(/<SignedInfo>[\s\S]*<\/SignedInfo>/)![0]
      .replace(`${MORE}rsa-sha256`, `${DS}hmac-sha1`)
      .replace('<SignedInfo>', `<SignedInfo xmlns="${DS}">`);
    const hmac = createHmac('sha1', rsa.sealKey.certificateChainPem[0]!).update(hmacInfo).digest('base64');
    const hmacSigned = signed
      .replace(`${MORE}rsa-sha256`, `${DS}hmac-sha1`)
      .replace(/<SignatureValue>[^<]*/, `<SignatureValue>${hmac}`);
    await refused(hmacSigned, /signature method .*hmac-sha1 is not accepted/);
    await refused(signed.replace(`${MORE}rsa-sha256`, `${MORE}rsa-md5`), /not accepted/);
    await refused(
      signed.replace('http://www.w3.org/2001/04/xmlenc#sha256', `${MORE}md5`),
      /digest method .* not accepted/,
    );
    await refused(
      signed.replace(
        `<Transform Algorithm="${EXC}"/>`,
        '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"/>',
      ),
      /not accepted/,
    );
    await refused(
      signed.replace(
        `<Transform Algorithm="${EXC}"/>`,
        `<Transform Algorithm="${EXC}"/><Transform Algorithm="${EXC}"/>`,
      ),
      /transforms/,
    );
    await refused(
      signed.replace(
        `<CanonicalizationMethod Algorithm="${EXC}"/>`,
        '<CanonicalizationMethod Algorithm="urn:x"/>',
      ),
      /canonicalization urn:x is not accepted/,
    );
    // An ECDSA method with an RSA certificate.
    await refused(signed.replace(`${MORE}rsa-sha256`, `${MORE}ecdsa-sha256`), /not an EC key/);
  });

  it('DOCTYPE, entity expansion, deep nesting, huge input', async () => {
    const laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;">]>';
    await refused(signed.replace('<edXML:edXMLEnvelope', `${laughs}<edXML:edXMLEnvelope`), /DOCTYPE/);
    await refused(signed.replace('chuyển đổi số', '&lol1;'), /undefined entity/);
    await refused(
      signed.replace('<edXML:edXMLBody>', `${'<a>'.repeat(200)}${'</a>'.repeat(200)}<edXML:edXMLBody>`),
      /deeper/,
    );
    await refused(
      signed.replace('<edXML:Attachment ', `<edXML:Attachment x="${'a'.repeat(3_000_000)}" `),
      /changed after signing/,
    );
    await refused(`${signed}${' '.repeat(70 * 1024 * 1024)}`, /longer than/);
  });

  it('random mutations: the signed package or an EdxmlError', async () => {
    const pieces = [
      '<',
      '>',
      '&amp;',
      '"',
      'x',
      '<a/>',
      '</edXML:Subject>',
      'xmlns:d="urn:d"',
      '<!--c-->',
      ' ',
      '',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.nat(8),
        fc.constantFrom(...pieces),
        fc.boolean(),
        async (at, cut, insert, inSignature) => {
          // Half the mutations land in the signature, a small part of the package.
          const from = inSignature ? signed.indexOf('<Signature') : 0;
          const to = inSignature ? signed.indexOf('</Signature>') + 12 : signed.length;
          const i = from + (at % (to - from));
          const mutated = signed.slice(0, i) + insert + signed.slice(i + cut);
          try {
            const { pkg } = await verifyEdxml(mutated, [rsa.rootPem]);
            expect(pkg).toEqual(expected);
          } catch (error) {
            expect(error).toBeInstanceOf(EdxmlError);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
