/**
 * The enveloped XML signature of an edXML package (XML-DSig, shared/xml/dsig.ts): one reference to
 * the whole envelope (URI="", enveloped-signature + exclusive c14n, SHA-256), signed with the
 * agency's seal key (RSA-SHA256 or ECDSA-SHA256), the certificate chain in KeyInfo. The seal key
 * signs SignedInfo through SealKey.sign (KMS in AWS), so the private key never enters the function.
 *
 * Verification trusts nothing in the package but what the signature covers: the signature must
 * verify with the certificate of KeyInfo, that certificate must chain to a trusted root and be valid
 * now, and the package is then read from the signed (canonical) content, not from the input.
 */
import { type KeyObject, X509Certificate as NodeCertificate } from 'node:crypto';
import type { SealKey } from '../signing/capability.ts';
import {
  dsigChildren,
  ECDSA_SHA256,
  findSignatures,
  RSA_SHA256,
  SignatureError,
  signEnveloped,
  verifyEnveloped,
} from '../xml/dsig.ts';
import { textContent } from '../xml/parse.ts';
import { EdxmlError, type EdxmlPackage, parseXml, readEdxml } from './edxml.ts';

export { ECDSA_SHA256, RSA_SHA256 };

const algorithmUri = (key: SealKey) => (key.algorithm === 'ECDSA_SHA_256' ? ECDSA_SHA256 : RSA_SHA256);

/** ECDSA: KMS answers DER; XML-DSig wants r‖s of fixed length (RFC 4050 / xmldsig-core1 §6.4.3). */
export function derToP1363(der: Uint8Array, size = 32): Buffer {
  const bytes = Buffer.from(der);
  let offset = 2;
  if (bytes[1]! & 0x80) offset += bytes[1]! & 0x7f;
  const part = (): Buffer => {
    if (bytes[offset] !== 0x02) throw new Error('Not a DER ECDSA signature');
    const length = bytes[offset + 1]!;
    let value = bytes.subarray(offset + 2, offset + 2 + length);
    offset += 2 + length;
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    return Buffer.concat([Buffer.alloc(size - value.length), value]);
  };
  return Buffer.concat([part(), part()]);
}

const pemBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');

/** Adds the enveloped signature of `key` to an unsigned edXML package (inside edXMLHeader). */
export async function signEdxml(xml: string, key: SealKey): Promise<string> {
  const doc = parseXml(xml);
  const header = doc.root.children.find(
    (child) => child.kind === 'element' && child.localName === 'edXMLHeader',
  );
  if (header?.kind !== 'element')
    throw new EdxmlError('The package has no edXMLHeader to carry the signature');
  return signEnveloped(
    doc,
    header,
    algorithmUri(key),
    async (signedInfo) => {
      const raw = await key.sign(signedInfo);
      return key.algorithm === 'ECDSA_SHA_256' ? derToP1363(raw) : raw;
    },
    key.certificateChainPem.map(pemBody),
  );
}

export interface VerifiedEdxml {
  readonly pkg: EdxmlPackage;
  readonly signer: {
    readonly commonName: string;
    readonly organization?: string | undefined;
    readonly serialNumber: string;
  };
}

const invalid = (message: string) => new EdxmlError(message, [{ path: '/edXMLHeader/Signature', message }]);

/** Checks that `leaf` chains through `pool` to one of `roots`, every certificate valid at `at`. */
function assertTrustedChain(
  leaf: NodeCertificate,
  pool: NodeCertificate[],
  roots: NodeCertificate[],
  at: Date,
) {
  const rootPrints = new Set(roots.map((root) => root.fingerprint256));
  let current = leaf;
  for (let depth = 0; depth < 8; depth += 1) {
    if (at < new Date(current.validFrom) || at > new Date(current.validTo)) {
      throw invalid(`The certificate of ${current.subject.replace(/\n/g, ', ')} is not valid now`);
    }
    if (rootPrints.has(current.fingerprint256)) return;
    const issuer = [...pool, ...roots].find(
      (candidate) => candidate.fingerprint256 !== current.fingerprint256 && current.checkIssued(candidate),
    );
    if (!issuer || !current.verify(issuer.publicKey)) {
      throw invalid('The signing certificate does not chain to a trusted root');
    }
    current = issuer;
  }
  throw invalid('The certificate chain is too long');
}

/** Verifies the package's signature against the trusted roots and reads the signed content. */
export async function verifyEdxml(
  xml: string,
  trustedRootsPem: readonly string[],
  at = new Date(),
): Promise<VerifiedEdxml> {
  const doc = parseXml(xml);
  const signatures = findSignatures(doc.root);
  if (signatures.length === 0) throw invalid('The package is not signed');
  if (signatures.length > 1) throw invalid('The package carries more than one signature');
  const signature = signatures[0]!;
  let certificates: NodeCertificate[];
  let keys: KeyObject[];
  try {
    certificates = dsigChildren(signature, 'KeyInfo')
      .flatMap((keyInfo) => dsigChildren(keyInfo, 'X509Data'))
      .flatMap((data) => dsigChildren(data, 'X509Certificate'))
      .map((node) => new NodeCertificate(Buffer.from(textContent(node).replace(/\s+/g, ''), 'base64')));
    // A certificate can parse and still carry a key that does not decode (node throws on access).
    keys = certificates.map((certificate) => certificate.publicKey);
  } catch {
    throw invalid('A certificate in KeyInfo cannot be read');
  }
  const leaf = certificates[0];
  if (!leaf) throw invalid('The signature carries no certificate');
  let signed: string;
  try {
    signed = verifyEnveloped(doc, signature, keys[0]!).canonicalContent;
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    throw invalid(`The signature does not verify: ${error.message}`);
  }
  assertTrustedChain(
    leaf,
    certificates.slice(1),
    trustedRootsPem.map((pem) => new NodeCertificate(pem)),
    at,
  );
  // Only what the signature covers is read: the whole envelope, without the signature.
  const pkg = readEdxml(signed);
  // Node prints the subject one `TYPE=value` per line.
  const field = (type: string) =>
    leaf.subject
      .split('\n')
      .find((line) => line.startsWith(`${type}=`))
      ?.slice(type.length + 1);
  return {
    pkg,
    signer: {
      commonName: field('CN') ?? leaf.subject,
      organization: field('O'),
      serialNumber: leaf.serialNumber,
    },
  };
}
