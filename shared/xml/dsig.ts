/**
 * Enveloped XML signatures (XML-DSig, https://www.w3.org/TR/xmldsig-core1/) of a whole document, in
 * place of xml-crypto. Only one shape is accepted, the one edXML packages use: exactly one
 * Reference, URI="" (the whole document), transforms enveloped-signature then at most one
 * canonicalization. Everything else (ID references, XPath or XSLT transforms, Objects, HMAC, an
 * unknown algorithm) is refused, so there is no element to swap in behind the signature's back:
 * the caller reads the package from `canonicalContent`, the bytes the digest covers.
 *
 * Accepted algorithms are those xml-crypto accepted by default (see docs/documents.md), plus
 * ECDSA, which our seal keys use; node:crypto checks the signature.
 */
import { constants, createHash, type KeyObject, verify } from 'node:crypto';
import { canonicalize } from './c14n.ts';
import {
  attribute,
  base64Binary,
  childElements,
  textContent,
  type XmlDocument,
  type XmlElement,
} from './parse.ts';
import { createElement, namespaceDeclaration, plainAttribute, serializeDocument } from './serialize.ts';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const EXC_C14N_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const C14N_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';

const CANONICALIZATIONS: Record<string, { exclusive: boolean; withComments: boolean }> = {
  [EXC_C14N]: { exclusive: true, withComments: false },
  [EXC_C14N_COMMENTS]: { exclusive: true, withComments: true },
  [C14N]: { exclusive: false, withComments: false },
  [C14N_COMMENTS]: { exclusive: false, withComments: true },
};
const DIGESTS: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  [SHA256]: 'sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
const SIGNATURES: Record<string, { hash: string; key: 'rsa' | 'ec'; pss?: true }> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { hash: 'sha1', key: 'rsa' },
  [RSA_SHA256]: { hash: 'sha256', key: 'rsa' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { hash: 'sha512', key: 'rsa' },
  'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1': { hash: 'sha256', key: 'rsa', pss: true },
  [ECDSA_SHA256]: { hash: 'sha256', key: 'ec' },
};

/** The signature is malformed, uses what we do not accept, or does not verify. */
export class SignatureError extends Error {
  override name = 'SignatureError';
}

/** Every ds:Signature element in the tree. */
export function findSignatures(node: XmlElement, found: XmlElement[] = []): XmlElement[] {
  if (node.namespaceURI === DSIG_NS && node.localName === 'Signature') found.push(node);
  for (const child of node.children) if (child.kind === 'element') findSignatures(child, found);
  return found;
}

/** Child elements, refusing text other than whitespace between them. */
function elementsOf(node: XmlElement): XmlElement[] {
  const elements: XmlElement[] = [];
  for (const child of node.children) {
    if (child.kind === 'element') elements.push(child);
    else if (child.kind === 'text' && child.value.trim() !== '')
      throw new SignatureError(`${node.localName} holds text`);
  }
  return elements;
}

/** Exactly these DSig children in this order (`?` marks an optional one). */
function shape(node: XmlElement, names: readonly string[]): (XmlElement | undefined)[] {
  const elements = elementsOf(node);
  const result: (XmlElement | undefined)[] = [];
  let i = 0;
  for (const spec of names) {
    const optional = spec.endsWith('?');
    const name = optional ? spec.slice(0, -1) : spec;
    const next = elements[i];
    if (next && next.namespaceURI === DSIG_NS && next.localName === name) {
      result.push(next);
      i += 1;
    } else if (optional) result.push(undefined);
    else throw new SignatureError(`${node.localName} has no ${name} where expected`);
  }
  if (i < elements.length)
    throw new SignatureError(`${node.localName} has an unexpected ${elements[i]!.localName}`);
  return result;
}

const algorithmOf = (node: XmlElement) => attribute(node, 'Algorithm') ?? '';
const base64 = (node: XmlElement): Buffer =>
  base64Binary(textContent(node)) ?? fail(`${node.localName} is not base64`);
const fail = (message: string): never => {
  throw new SignatureError(message);
};

/** A canonicalization method: its algorithm and, for exc-c14n, its InclusiveNamespaces PrefixList. */
function canonicalizationOf(node: XmlElement) {
  const method = CANONICALIZATIONS[algorithmOf(node)];
  if (!method) throw new SignatureError(`the canonicalization ${algorithmOf(node)} is not accepted`);
  const [inclusive, ...rest] = elementsOf(node);
  const listed = inclusive && method.exclusive && inclusive.localName === 'InclusiveNamespaces';
  if (rest.length || (inclusive && (!listed || !inclusive.namespaceURI.startsWith(EXC_C14N))))
    throw new SignatureError(`${node.localName} has an unexpected child`);
  const prefixList = listed ? (attribute(inclusive, 'PrefixList') ?? '').split(/\s+/).filter(Boolean) : [];
  return { ...method, prefixList };
}

export interface VerifiedSignature {
  /** The document the signature covers, as canonicalized for the digest (without the signature). */
  readonly canonicalContent: string;
  readonly signatureAlgorithm: string;
}

/**
 * Checks `signature`, an enveloped signature over the whole of `doc`, with `key`: the digest of the
 * canonical document without the signature, then the signature over the canonical SignedInfo.
 */
export function verifyEnveloped(doc: XmlDocument, signature: XmlElement, key: KeyObject): VerifiedSignature {
  const [signedInfo, signatureValue] = shape(signature, [
    'SignedInfo',
    'SignatureValue',
    'KeyInfo?',
  ]) as XmlElement[];
  const [c14nMethod, signatureMethod, reference] = shape(signedInfo!, [
    'CanonicalizationMethod',
    'SignatureMethod',
    'Reference',
  ]) as XmlElement[];
  const signedInfoC14n = canonicalizationOf(c14nMethod!);
  const algorithm = algorithmOf(signatureMethod!);
  const method = SIGNATURES[algorithm];
  if (!method) throw new SignatureError(`the signature method ${algorithm} is not accepted`);
  if (elementsOf(signatureMethod!).length) throw new SignatureError('SignatureMethod has parameters');
  if (attribute(reference!, 'URI') !== '')
    throw new SignatureError('the reference is not to the whole document (URI="")');
  const [transforms, digestMethod, digestValue] = shape(reference!, [
    'Transforms?',
    'DigestMethod',
    'DigestValue',
  ]);
  const steps = transforms ? elementsOf(transforms) : [];
  if (steps.some((step) => step.namespaceURI !== DSIG_NS || step.localName !== 'Transform'))
    throw new SignatureError('Transforms holds something other than Transform');
  const [first, second, ...more] = steps;
  // xml-crypto writes a reference's InclusiveNamespaces into every transform, this one too: inert.
  const inert = (child: XmlElement) =>
    child.localName === 'InclusiveNamespaces' && [EXC_C14N, ENVELOPED].includes(child.namespaceURI);
  if (!first || algorithmOf(first) !== ENVELOPED || !elementsOf(first).every(inert) || more.length)
    throw new SignatureError('the transforms are not enveloped-signature and at most one canonicalization');
  // A URI="" reference leaves comments out whatever the method says (xmldsig-core1 §4.4.3.3); with
  // no canonicalization transform, the node set becomes octets by inclusive C14N.
  const contentC14n = second ? canonicalizationOf(second) : { exclusive: false, prefixList: [] };
  const hash = DIGESTS[algorithmOf(digestMethod!)];
  if (!hash) throw new SignatureError(`the digest method ${algorithmOf(digestMethod!)} is not accepted`);
  if (elementsOf(digestMethod!).length) throw new SignatureError('DigestMethod has parameters');

  if (key.asymmetricKeyType !== method.key)
    throw new SignatureError(`the certificate's key is not an ${method.key.toUpperCase()} key`);
  const canonicalContent = canonicalize(doc.root, {
    ...contentC14n,
    withComments: false,
    exclude: signature,
  });
  const digest = createHash(hash).update(canonicalContent).digest();
  if (!digest.equals(base64(digestValue!))) throw new SignatureError('the package was changed after signing');
  const signedBytes = Buffer.from(canonicalize(signedInfo!, signedInfoC14n));
  const value = base64(signatureValue!);
  let valid = false;
  try {
    valid = verify(
      method.hash,
      signedBytes,
      method.key === 'ec'
        ? { key, dsaEncoding: 'ieee-p1363' }
        : method.pss
          ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
          : key,
      value,
    );
  } catch {
    // A value of the wrong length or encoding for the key: simply not a valid signature.
  }
  if (!valid) throw new SignatureError('the signature value is incorrect');
  return { canonicalContent, signatureAlgorithm: algorithm };
}

/**
 * Signs the whole of `doc` (exc-c14n, SHA-256) and appends the signature to `parent`, the shape and
 * bytes xml-crypto produced. `sign` gets the canonical SignedInfo and answers the SignatureValue
 * bytes (for ECDSA already r‖s); `certificatesBase64` go into KeyInfo/X509Data, leaf first.
 */
export async function signEnveloped(
  doc: XmlDocument,
  parent: XmlElement,
  signatureAlgorithm: string,
  sign: (signedInfo: Buffer) => Promise<Uint8Array>,
  certificatesBase64: readonly string[],
): Promise<string> {
  const digest = createHash('sha256')
    .update(canonicalize(doc.root, { exclusive: true }))
    .digest('base64');
  const signature = createElement(parent, 'Signature', DSIG_NS, {
    declarations: [namespaceDeclaration('', DSIG_NS)],
  });
  const el = (under: XmlElement, name: string, algorithmOrText?: { algorithm?: string; text?: string }) =>
    createElement(under, name, DSIG_NS, {
      attributes: algorithmOrText?.algorithm ? [plainAttribute('Algorithm', algorithmOrText.algorithm)] : [],
      ...(algorithmOrText?.text === undefined ? {} : { text: algorithmOrText.text }),
    });
  const signedInfo = el(signature, 'SignedInfo');
  el(signedInfo, 'CanonicalizationMethod', { algorithm: EXC_C14N });
  el(signedInfo, 'SignatureMethod', { algorithm: signatureAlgorithm });
  const reference = createElement(signedInfo, 'Reference', DSIG_NS, {
    attributes: [plainAttribute('URI', '')],
  });
  const transforms = el(reference, 'Transforms');
  el(transforms, 'Transform', { algorithm: ENVELOPED });
  el(transforms, 'Transform', { algorithm: EXC_C14N });
  el(reference, 'DigestMethod', { algorithm: SHA256 });
  el(reference, 'DigestValue', { text: digest });
  const value = await sign(Buffer.from(canonicalize(signedInfo, { exclusive: true })));
  el(signature, 'SignatureValue', { text: Buffer.from(value).toString('base64') });
  const x509Data = el(el(signature, 'KeyInfo'), 'X509Data');
  for (const certificate of certificatesBase64) el(x509Data, 'X509Certificate', { text: certificate });
  // xml-crypto wrote carriage returns as references so that they survive a parser's line-end handling.
  return serializeDocument(doc).replace(/\r/g, '&#xD;');
}

/** The child elements of `node` named `localName` in the DSig namespace. */
export const dsigChildren = (node: XmlElement, localName: string) => childElements(node, DSIG_NS, localName);
