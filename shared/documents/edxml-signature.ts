/**
 * The enveloped XML signature of an edXML package (XML-DSig with xml-crypto): one reference to the
 * whole envelope (URI="", enveloped-signature + exclusive c14n, SHA-256), signed with the agency's
 * seal key (RSA-SHA256 or ECDSA-SHA256), the certificate chain in KeyInfo. The seal key signs
 * SignedInfo through SealKey.sign (KMS in AWS), so the private key never enters the function.
 *
 * Verification trusts nothing in the package but what the signature covers: the signature must
 * verify with the certificate of KeyInfo, that certificate must chain to a trusted root and be valid
 * now, and the package is then read from the signed (canonical) content, not from the input.
 */
import { verify as verifySignature, X509Certificate as NodeCertificate } from 'node:crypto';
import { type Element, XMLSerializer } from '@xmldom/xmldom';
import { type SignatureAlgorithm, SignedXml } from 'xml-crypto';
import type { SealKey } from '../signing/capability.ts';
import { EdxmlError, type EdxmlPackage, parseXml, readEdxml } from './edxml.ts';

const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';

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

/** Verifies ECDSA-SHA256 XML signatures (xml-crypto ships RSA only). */
class EcdsaSha256 implements SignatureAlgorithm {
  getSignature(): string {
    throw new Error('Signing goes through the seal key');
  }
  verifySignature(material: string, key: import('node:crypto').KeyLike, signatureValue: string): boolean {
    return verifySignature(
      'sha256',
      Buffer.from(material),
      { key: key as import('node:crypto').KeyObject, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signatureValue, 'base64'),
    );
  }
  getAlgorithmName() {
    return ECDSA_SHA256;
  }
}

/** Adds the enveloped signature of `key` to an unsigned edXML package (inside edXMLHeader). */
export async function signEdxml(xml: string, key: SealKey): Promise<string> {
  const uri = algorithmUri(key);
  // xml-crypto computes SignedInfo and asks this algorithm for its signature, asynchronously.
  class SealKeyAlgorithm implements SignatureAlgorithm {
    getSignature(signedInfo: import('node:crypto').BinaryLike, _unused: unknown, callback?: (error: Error | null, value?: string) => void): string {
      key
        .sign(Buffer.from(signedInfo as string))
        .then((raw) => callback?.(null, (key.algorithm === 'ECDSA_SHA_256' ? derToP1363(raw) : Buffer.from(raw)).toString('base64')))
        .catch((error: Error) => callback?.(error));
      return '';
    }
    verifySignature(): boolean {
      throw new Error('Not used for signing');
    }
    getAlgorithmName() {
      return uri;
    }
  }
  const certificates = key.certificateChainPem
    .map((pem) => `<X509Certificate>${pemBody(pem)}</X509Certificate>`)
    .join('');
  const signer = new SignedXml({
    // Unused: the seal key signs (xml-crypto only insists that something is set).
    privateKey: 'sealed-by-SealKey',
    signatureAlgorithm: uri,
    canonicalizationAlgorithm: EXC_C14N,
    getKeyInfoContent: () => `<X509Data>${certificates}</X509Data>`,
  });
  signer.SignatureAlgorithms = { ...signer.SignatureAlgorithms, [uri]: SealKeyAlgorithm as unknown as new () => SignatureAlgorithm };
  signer.addReference({ xpath: '/*', transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: SHA256, isEmptyUri: true });
  return new Promise((resolve, reject) => {
    signer.computeSignature(
      xml,
      { location: { reference: "/*/*[local-name(.)='edXMLHeader']", action: 'append' } },
      (error, signed) => (error || !signed ? reject(error ?? new Error('No signature')) : resolve(signed.getSignedXml())),
    );
  });
}

export interface VerifiedEdxml {
  readonly pkg: EdxmlPackage;
  readonly signer: { readonly commonName: string; readonly organization?: string | undefined; readonly serialNumber: string };
}

const invalid = (message: string) => new EdxmlError(message, [{ path: '/edXMLHeader/Signature', message }]);

/** Checks that `leaf` chains through `pool` to one of `roots`, every certificate valid at `at`. */
function assertTrustedChain(leaf: NodeCertificate, pool: NodeCertificate[], roots: NodeCertificate[], at: Date) {
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
export async function verifyEdxml(xml: string, trustedRootsPem: readonly string[], at = new Date()): Promise<VerifiedEdxml> {
  const doc = parseXml(xml);
  const signatures = Array.from(doc.getElementsByTagNameNS(DSIG_NS, 'Signature'));
  if (signatures.length === 0) throw invalid('The package is not signed');
  if (signatures.length > 1) throw invalid('The package carries more than one signature');
  const signature = signatures[0] as Element;
  let certificates: NodeCertificate[];
  try {
    certificates = Array.from(signature.getElementsByTagNameNS(DSIG_NS, 'X509Certificate')).map(
      (node) => new NodeCertificate(Buffer.from((node.textContent ?? '').replace(/\s+/g, ''), 'base64')),
    );
  } catch {
    throw invalid('A certificate in KeyInfo cannot be read');
  }
  const leaf = certificates[0];
  if (!leaf) throw invalid('The signature carries no certificate');
  const verifier = new SignedXml({ publicCert: leaf.publicKey, getCertFromKeyInfo: () => null });
  verifier.SignatureAlgorithms = { ...verifier.SignatureAlgorithms, [ECDSA_SHA256]: EcdsaSha256 };
  verifier.loadSignature(new XMLSerializer().serializeToString(signature));
  let valid = false;
  try {
    valid = verifier.checkSignature(xml);
  } catch (error) {
    throw invalid(`The signature does not verify: ${(error as Error).message}`);
  }
  const signed = verifier.getSignedReferences();
  if (!valid || signed.length !== 1) throw invalid('The signature does not verify: the package was changed after signing');
  assertTrustedChain(leaf, certificates.slice(1), trustedRootsPem.map((pem) => new NodeCertificate(pem)), at);
  // Only what the signature covers is read: the whole envelope, without the signature.
  const pkg = readEdxml(signed[0]!);
  // Node prints the subject one `TYPE=value` per line.
  const field = (type: string) =>
    leaf.subject
      .split('\n')
      .find((line) => line.startsWith(`${type}=`))
      ?.slice(type.length + 1);
  return { pkg, signer: { commonName: field('CN') ?? leaf.subject, organization: field('O'), serialNumber: leaf.serialNumber } };
}
