/**
 * The XML stack the platform used before shared/xml/: @xmldom/xmldom to build and parse, xml-crypto
 * (with xpath) to canonicalize, sign and verify. Kept for tests only, as the oracle our parser,
 * serializer, C14N and XML-DSig must match (tests/unit/xml-*.test.ts); never deployed
 * (tests/unit/bundle-seal-path.test.ts).
 */
import { createHash, type KeyLike, type KeyObject, sign, verify } from 'node:crypto';
import { DOMImplementation, DOMParser, type Element, type Node, XMLSerializer } from '@xmldom/xmldom';
import {
  C14nCanonicalization,
  C14nCanonicalizationWithComments,
  ExclusiveCanonicalization,
  ExclusiveCanonicalizationWithComments,
  type SignatureAlgorithm,
  SignedXml,
} from 'xml-crypto';
import type { EdxmlOrgan, EdxmlPackage } from '#shared/documents/edxml.ts';
import { EDXML_NS } from '#shared/documents/edxml.ts';

/** buildEdxml as it was, on xmldom's DOMImplementation and XMLSerializer. */
export function xmldomBuildEdxml(pkg: EdxmlPackage): string {
  const P = 'edXML';
  const slashDate = (day: string) => day.replaceAll('-', '/');
  const doc = new DOMImplementation().createDocument(EDXML_NS, `${P}:edXMLEnvelope`, null);
  const root = doc.documentElement!;
  const el = (parent: Element, name: string, text?: string | number): Element => {
    const child = doc.createElementNS(EDXML_NS, `${P}:${name}`);
    if (text !== undefined) child.appendChild(doc.createTextNode(String(text)));
    parent.appendChild(child);
    return child;
  };
  const opt = (parent: Element, name: string, text: string | number | undefined) => {
    if (text !== undefined && text !== '') el(parent, name, text);
  };
  const organ = (parent: Element, name: string, o: EdxmlOrgan) => {
    const node = el(parent, name);
    el(node, 'OrganId', o.organId);
    opt(node, 'OrganizationInCharge', o.organInCharge);
    el(node, 'OrganName', o.organName);
    opt(node, 'OrganAdd', o.organAdd);
    opt(node, 'Email', o.email);
    opt(node, 'Telephone', o.telephone);
    opt(node, 'Website', o.website);
  };
  const header = el(root, 'edXMLHeader');
  const message = el(header, 'MessageHeader');
  organ(message, 'From', pkg.from);
  for (const to of pkg.to) organ(message, 'To', to);
  el(message, 'DocumentId', pkg.documentId);
  const code = el(message, 'Code');
  el(code, 'CodeNumber', pkg.code.number);
  el(code, 'CodeNotation', pkg.code.notation);
  const promulgation = el(message, 'PromulgationInfo');
  opt(promulgation, 'Place', pkg.promulgation.place);
  el(promulgation, 'PromulgationDate', slashDate(pkg.promulgation.date));
  const type = el(message, 'DocumentType');
  el(type, 'Type', pkg.documentType.type);
  el(type, 'TypeDetail', pkg.documentType.typeDetail);
  el(type, 'TypeName', pkg.documentType.typeName);
  el(message, 'Subject', pkg.subject);
  opt(message, 'Content', pkg.content);
  const signer = el(message, 'SignerInfo');
  opt(signer, 'Competence', pkg.signer.competence);
  el(signer, 'Position', pkg.signer.position);
  el(signer, 'FullName', pkg.signer.fullName);
  opt(message, 'DueDate', pkg.dueDate ? slashDate(pkg.dueDate) : undefined);
  const places = el(message, 'ToPlaces');
  for (const place of pkg.toPlaces) el(places, 'Place', place);
  const other = el(message, 'OtherInfo');
  el(other, 'Priority', pkg.priority);
  el(other, 'SphereOfPromulgation', '');
  el(other, 'TyperNotation', '');
  el(other, 'PromulgationAmount', 1);
  el(other, 'PageAmount', 1);
  el(other, 'Appendixes', Math.max(0, pkg.attachments.length - 1));
  el(message, 'SteeringType', pkg.steeringType);
  opt(message, 'ResponseFor', pkg.responseFor);
  const traces = el(header, 'TraceHeaderList');
  for (const trace of pkg.trace) {
    const node = el(traces, 'TraceHeader');
    el(node, 'OrganId', trace.organId);
    el(node, 'Timestamp', trace.timestamp);
  }
  const business = el(traces, 'Bussiness');
  el(business, 'BussinessDocType', pkg.business.docType);
  opt(business, 'BussinessDocReason', pkg.business.reason);
  const body = el(root, 'edXMLBody');
  const manifest = el(body, 'edXMLManifest');
  for (const attachment of pkg.attachments) {
    const reference = el(manifest, 'Reference');
    el(reference, 'ContentId', attachment.contentId);
    el(reference, 'ContentType', attachment.contentType);
    el(reference, 'AttachmentName', attachment.fileName);
    opt(reference, 'Description', attachment.description);
    el(reference, 'Size', attachment.bytes.length);
    el(reference, 'DigestSHA256', createHash('sha256').update(attachment.bytes).digest('base64'));
  }
  for (const attachment of pkg.attachments) {
    const node = el(body, 'Attachment', Buffer.from(attachment.bytes).toString('base64'));
    node.setAttribute('ContentId', attachment.contentId);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc)}`;
}

/** A plain picture of a tree, to compare xmldom's with ours. */
export type PlainNode =
  | {
      element: string;
      ns: string;
      local: string;
      attributes: [name: string, ns: string, value: string][];
      children: PlainNode[];
    }
  | { text: string }
  | { comment: string }
  | { pi: string; data: string };

/** Adjacent text and CDATA merge into one text node (they are one string to an application). */
export function mergeText(nodes: PlainNode[]): PlainNode[] {
  const out: PlainNode[] = [];
  for (const node of nodes) {
    const last = out.at(-1);
    if ('text' in node && last && 'text' in last) out[out.length - 1] = { text: last.text + node.text };
    else if ('text' in node && node.text === '') continue;
    else out.push(node);
  }
  return out;
}

function plainOf(node: Node): PlainNode | undefined {
  switch (node.nodeType) {
    case 1: {
      const e = node as Element;
      return {
        element: e.tagName,
        ns: e.namespaceURI ?? '',
        local: e.localName!,
        attributes: Array.from(e.attributes).map((a) => [a.name, a.namespaceURI ?? '', a.value]),
        children: mergeText(Array.from(e.childNodes).flatMap((child) => plainOf(child) ?? [])),
      };
    }
    case 3:
    case 4:
      return { text: (node as unknown as { data: string }).data };
    case 8:
      return { comment: (node as unknown as { data: string }).data };
    case 7:
      return { pi: node.nodeName, data: (node as unknown as { data: string }).data };
    default:
      return undefined;
  }
}

/** The root element as xmldom parses it, or the error it stops with. */
export function xmldomTree(xml: string): PlainNode {
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    },
  }).parseFromString(xml, 'text/xml');
  return plainOf(doc.documentElement!)!;
}

/** xmldom's parse and re-serialization (what xml-crypto did to a document it signed). */
export const xmldomRoundTrip = (xml: string) =>
  new XMLSerializer().serializeToString(new DOMParser().parseFromString(xml, 'text/xml'));

export interface OracleC14n {
  readonly exclusive: boolean;
  readonly withComments?: boolean;
  readonly prefixList?: readonly string[];
}

/** xml-crypto's canonicalization of the first element named `tagName` (the root by default). */
export function xmlCryptoCanonicalize(xml: string, options: OracleC14n, tagName?: string): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const node = tagName ? doc.getElementsByTagName(tagName)[0]! : doc.documentElement!;
  const Algorithm = options.exclusive
    ? options.withComments
      ? ExclusiveCanonicalizationWithComments
      : ExclusiveCanonicalization
    : options.withComments
      ? C14nCanonicalizationWithComments
      : C14nCanonicalization;
  // What xml-crypto's findAncestorNsForElement gives a reference's canonicalizer: the namespaces
  // its ancestors declare (nearest first), less undeclarations and what the node declares or uses.
  const ancestorNamespaces: { prefix: string; namespaceURI: string }[] = [];
  if (tagName) {
    const own = new Set([node.prefix ?? '']);
    for (const a of Array.from(node.attributes))
      if (/^xmlns(:|$)/.test(a.name)) own.add(a.name.replace(/^xmlns:?/, ''));
    const seen = new Set<string>();
    for (let up = node.parentNode as Element | null; up && up.nodeType === 1; up = up.parentNode as Element) {
      for (const a of Array.from(up.attributes)) {
        if (!/^xmlns(:|$)/.test(a.name)) continue;
        const prefix = a.name.replace(/^xmlns:?/, '');
        if (seen.has(prefix)) continue;
        seen.add(prefix);
        if (a.value !== '' && !own.has(prefix)) ancestorNamespaces.push({ prefix, namespaceURI: a.value });
      }
    }
  }
  return new Algorithm().process(node as never, {
    inclusiveNamespacesPrefixList: [...(options.prefixList ?? [])],
    ancestorNamespaces,
  }) as string;
}

/** Verifies ECDSA XML signatures for xml-crypto (it ships RSA only), and signs with a private key. */
class EcdsaSha256 implements SignatureAlgorithm {
  getSignature(material: string, key: KeyLike): string {
    return sign('sha256', Buffer.from(material), {
      key: key as KeyObject,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64');
  }
  verifySignature(material: string, key: KeyLike, signatureValue: string): boolean {
    return verify(
      'sha256',
      Buffer.from(material),
      { key: key as KeyObject, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signatureValue, 'base64'),
    );
  }
  getAlgorithmName() {
    return 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
  }
}

const pemBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');

/** xml-crypto signing an edXML package with a private key: any algorithms it offers. */
export function xmlCryptoSign(
  xml: string,
  options: {
    privateKeyPem: string;
    certificateChainPem: readonly string[];
    signatureAlgorithm: string;
    canonicalizationAlgorithm: string;
    transforms: string[];
    digestAlgorithm: string;
    prefixList?: string[];
  },
): string {
  const certificates = options.certificateChainPem
    .map((pem) => `<X509Certificate>${pemBody(pem)}</X509Certificate>`)
    .join('');
  const signer = new SignedXml({
    privateKey: options.privateKeyPem,
    signatureAlgorithm: options.signatureAlgorithm,
    canonicalizationAlgorithm: options.canonicalizationAlgorithm,
    getKeyInfoContent: () => `<X509Data>${certificates}</X509Data>`,
  });
  signer.SignatureAlgorithms = {
    ...signer.SignatureAlgorithms,
    [new EcdsaSha256().getAlgorithmName()]: EcdsaSha256,
  };
  signer.addReference({
    xpath: '/*',
    transforms: options.transforms,
    digestAlgorithm: options.digestAlgorithm,
    isEmptyUri: true,
    ...(options.prefixList ? { inclusiveNamespacesPrefixList: options.prefixList } : {}),
  });
  signer.computeSignature(xml, {
    location: { reference: "/*/*[local-name(.)='edXMLHeader']", action: 'append' },
  });
  return signer.getSignedXml();
}

/** xml-crypto verifying as verifyEdxml did: the signed canonical content, or an error. */
export function xmlCryptoVerify(xml: string, publicKey: KeyObject): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const signature = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
  if (!signature) throw new Error('not signed');
  const verifier = new SignedXml({ publicCert: publicKey, getCertFromKeyInfo: () => null });
  verifier.SignatureAlgorithms = {
    ...verifier.SignatureAlgorithms,
    [new EcdsaSha256().getAlgorithmName()]: EcdsaSha256,
  };
  verifier.loadSignature(new XMLSerializer().serializeToString(signature));
  if (!verifier.checkSignature(xml)) throw new Error('does not verify');
  const signed = verifier.getSignedReferences();
  if (signed.length !== 1) throw new Error('not one reference');
  return signed[0]!;
}
