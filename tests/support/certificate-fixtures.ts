/**
 * Certificates and signers for the tests of the DER path (tests/unit/cms-builder.test.ts,
 * tests/unit/cms-verify.test.ts): the local test PKI (ECDSA seal, personal), openssl (RSA, ECDSA,
 * UTF-8 subjects) and @peculiar/x509's generator (a three-level chain; names in BMPString,
 * UniversalString, TeletexString, IA5String and an unusual string type; multi-valued RDNs; serial
 * numbers with a sign octet).
 */
import '#shared/signing/reflect-metadata.ts';
import { createPrivateKey, type KeyObject, randomBytes, sign, webcrypto } from 'node:crypto';
import {
  BasicConstraintsExtension,
  cryptoProvider,
  type JsonName,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  type X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { certificateDer } from '#shared/signing/cms.ts';
import { LocalPki, localKey } from '#shared/signing/local-pki.ts';
import { tempDir } from '#tests/support/signing.ts';
import { createTestPki } from '#tests/support/test-seal-key.ts';

cryptoProvider.set(webcrypto as never);

export interface Signer {
  readonly label: string;
  /** Leaf first, root last. */
  readonly chain: readonly Uint8Array[];
  readonly sign: (data: Uint8Array) => Promise<Uint8Array>;
  readonly rootPem: string;
}

export type Kind = 'ec' | 'rsa';
const ALGORITHMS = {
  ec: { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' },
  rsa: {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  },
} as const;

export interface Issued {
  readonly certificate: X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly kind: Kind;
  readonly privateKey: KeyObject;
}

/** A certificate from @peculiar/x509's generator: self-signed when there is no issuer. */
export async function issue(options: {
  kind: Kind;
  /** @peculiar/x509's JSON name; a value may also be `{ bmpString }`, `{ universalString }` or `#<hex DER>`. */
  subject: readonly Record<string, readonly (string | Record<string, string>)[]>[];
  issuer?: Issued;
  serialNumber?: string;
  ca?: boolean;
  /** KeyUsage flags; null: no KeyUsage extension. Default: by `ca`. */
  keyUsage?: number | null;
}): Promise<Issued> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHMS[options.kind], true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const issuer = options.issuer;
  const subject = options.subject as unknown as JsonName;
  const common = {
    serialNumber: options.serialNumber ?? randomBytes(9).toString('hex'),
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    signingAlgorithm: ALGORITHMS[issuer?.kind ?? options.kind],
    extensions: [
      new BasicConstraintsExtension(options.ca ?? false, undefined, true),
      ...(options.keyUsage === null
        ? []
        : [
            new KeyUsagesExtension(
              options.keyUsage ??
                (options.ca
                  ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign
                  : KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation),
              true,
            ),
          ]),
    ],
  };
  const certificate = issuer
    ? await X509CertificateGenerator.create({
        ...common,
        subject,
        issuer: issuer.certificate.subjectName,
        publicKey: keys.publicKey,
        signingKey: issuer.keys.privateKey,
      })
    : await X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const privateKey = createPrivateKey({
    key: PemConverter.encode(pkcs8, 'PRIVATE KEY'),
    format: 'pem',
  });
  return { certificate, keys, kind: options.kind, privateKey };
}

export const signerFrom = (label: string, leaf: Issued, issuers: readonly Issued[]): Signer => ({
  label,
  chain: [leaf, ...issuers].map((entry) => new Uint8Array(entry.certificate.rawData)),
  sign: async (data) => new Uint8Array(sign('sha256', data, { key: leaf.privateKey, dsaEncoding: 'der' })),
  rootPem: (issuers.at(-1) ?? leaf).certificate.toString('pem'),
});

export interface CertificateFixtures {
  readonly signers: Signer[];
  /** Certificates whose subject is read (beyond the signers'). */
  readonly others: { label: string; der: Uint8Array }[];
  /** The intermediate CA of the generated chain (ECDSA), to issue more certificates. */
  readonly intermediate: Issued;
  readonly cleanup: () => Promise<void>;
}

export async function certificateFixtures(): Promise<CertificateFixtures> {
  const signers: Signer[] = [];
  const others: { label: string; der: Uint8Array }[] = [];
  const temp = await tempDir('certificates-');
  // The local test PKI: an ECDSA agency seal and a personal certificate, Vietnamese names.
  const pki = new LocalPki(temp.dir);
  const root = await pki.root();
  for (const [label, entry] of [
    ['local PKI seal', await pki.agencySeal('000.21.21.H62', 'UBND phường Liên Bảo, thành phố Vĩnh Yên')],
    [
      'local PKI personal',
      await pki.personal({ username: 'huong.nt', fullName: 'Nguyễn Thị Hương', agencyCode: 'H62.01' }),
    ],
  ] as const) {
    const key = localKey(entry, [root.certificatePem]);
    signers.push({
      label,
      chain: key.certificateChainPem.map(certificateDer),
      sign: key.sign,
      rootPem: root.certificatePem,
    });
  }
  // openssl (RSA and ECDSA, -utf8 subjects).
  for (const algorithm of ['RSASSA_PKCS1_V1_5_SHA_256', 'ECDSA_SHA_256'] as const) {
    const test = createTestPki({ algorithm, organization: 'Sở Tư pháp tỉnh Vĩnh Phúc' });
    signers.push({
      label: `openssl ${algorithm}`,
      chain: test.sealKey.certificateChainPem.map(certificateDer),
      sign: test.sealKey.sign,
      rootPem: test.rootPem,
    });
  }
  // A three-level chain from the generator: RSA root, ECDSA intermediate, RSA and ECDSA leaves, with
  // serial numbers that need a sign octet and names in other string types.
  const genRoot = await issue({
    kind: 'rsa',
    subject: [
      { CN: ['Vendor Test Root CA'] },
      { O: [{ bmpString: 'Nhà cung cấp thử nghiệm' }] },
      { C: ['VN'] },
    ],
    ca: true,
    serialNumber: '00ff00',
  });
  const intermediate = await issue({
    kind: 'ec',
    subject: [{ CN: ['Cơ quan chứng thực trung gian'], O: ['Vendor Test PKI'] }],
    issuer: genRoot,
    ca: true,
    serialNumber: '80',
  });
  const rsaLeaf = await issue({
    kind: 'rsa',
    subject: [{ CN: [{ bmpString: 'Sở Tài chính' }] }, { O: [{ bmpString: 'Sở Tài chính' }] }],
    issuer: intermediate,
    serialNumber: 'ff'.repeat(20),
  });
  const ecLeaf = await issue({
    kind: 'ec',
    subject: [
      // TeletexString and IA5String, read as latin1; a second CN and O are ignored.
      { CN: ['#14084d617269e96c6c65'] },
      { O: ['#1605414243c3a9'] },
      { CN: ['Second'], O: ['Other'] },
    ],
    issuer: intermediate,
    serialNumber: '01',
  });
  signers.push(signerFrom('generated RSA leaf, 3 levels', rsaLeaf, [intermediate, genRoot]));
  signers.push(signerFrom('generated ECDSA leaf, 3 levels', ecLeaf, [intermediate, genRoot]));
  signers.push(signerFrom('generated RSA leaf without its root', rsaLeaf, [intermediate]));
  signers.push(signerFrom('generated self-signed root', genRoot, []));
  for (const [label, subject] of [
    // VisibleString (not a DirectoryString): shown as the hex of its encoding.
    ['visible string', [{ CN: ['#1a03414243'] }]],
    ['universal string', [{ CN: [{ universalString: 'Hà Nội' }] }, { O: [{ universalString: 'Hà Nội' }] }]],
    ['no CN, no O', [{ C: ['VN'] }]],
    ['printable, multi-valued RDN', [{ O: ['Same Name'], CN: ['Same Name'] }]],
    ['UTF-8 personal', [{ CN: ['Trần Văn Đức'] }, { O: ['UBND tỉnh Vĩnh Phúc'] }]],
  ] as const) {
    const made = await issue({ kind: 'ec', subject, issuer: intermediate });
    others.push({ label, der: new Uint8Array(made.certificate.rawData) });
  }
  return { signers, others, intermediate, cleanup: temp.cleanup };
}
