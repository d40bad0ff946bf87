/**
 * edXML packages (QCVN 102:2016/BTTTT, namespace http://www.mic.gov.vn/TBT/QCVN_102_2016), the
 * format of the national document exchange axis: building a package from a document, and reading
 * one back with strict structure checks. Pure: no AWS, no clock. Signing and verification of the
 * enveloped XML signature: ./edxml-signature.ts.
 *
 * Layout (attachments are carried inline in base64, after the manifest, so the enveloped signature
 * over the whole envelope covers them too):
 *
 *   edXMLEnvelope
 *   ├─ edXMLHeader
 *   │  ├─ MessageHeader  From, To*, DocumentId, Code, PromulgationInfo, DocumentType, Subject, Content,
 *   │  │                 SignerInfo, DueDate, ToPlaces, OtherInfo, SteeringType, ResponseFor
 *   │  ├─ TraceHeaderList  TraceHeader{OrganId, Timestamp}*, Bussiness{BussinessDocType, BussinessDocReason}
 *   │  └─ ds:Signature    (enveloped, URI="", exc-c14n, SHA-256)
 *   └─ edXMLBody
 *      ├─ edXMLManifest  Reference{ContentId, ContentType, AttachmentName, Description, Size, DigestSHA256}*
 *      └─ Attachment{ContentId, base64}*
 */
import { createHash } from 'node:crypto';
import {
  attribute,
  base64Binary,
  childElements,
  parseXml as parseXmlTree,
  textContent,
  type XmlDocument,
  type XmlElement,
  XmlError,
} from '../xml/parse.ts';
import { createElement, namespaceDeclaration, plainAttribute, serializeDocument } from '../xml/serialize.ts';

export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const P = 'edXML';

export interface EdxmlOrgan {
  readonly organId: string;
  readonly organName: string;
  readonly organInCharge?: string | undefined;
  readonly organAdd?: string | undefined;
  readonly email?: string | undefined;
  readonly telephone?: string | undefined;
  readonly website?: string | undefined;
}

export interface EdxmlAttachment {
  readonly contentId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly description?: string | undefined;
  readonly bytes: Uint8Array;
}

export interface EdxmlPackage {
  readonly from: EdxmlOrgan;
  readonly to: readonly EdxmlOrgan[];
  /** `{organId},{yyyy/MM/dd},{number/notation}`. */
  readonly documentId: string;
  readonly code: { readonly number: number; readonly notation: string };
  readonly promulgation: { readonly place?: string | undefined; readonly date: string };
  /** Type: 1 legal normative document, 2 administrative document; detail: our type code. */
  readonly documentType: { readonly type: 1 | 2; readonly typeDetail: string; readonly typeName: string };
  readonly subject: string;
  readonly content?: string | undefined;
  readonly signer: {
    readonly competence?: string | undefined;
    readonly position: string;
    readonly fullName: string;
  };
  /** YYYY-MM-DD. */
  readonly dueDate?: string | undefined;
  readonly toPlaces: readonly string[];
  /** 0 normal, 1 urgent, 2 very urgent, 3 flash. */
  readonly priority: number;
  readonly steeringType: number;
  readonly responseFor?: string | undefined;
  readonly trace: readonly { readonly organId: string; readonly timestamp: string }[];
  /** 0 new, 1 revoke, 2 update, 3 replace. */
  readonly business: { readonly docType: number; readonly reason?: string | undefined };
  readonly attachments: readonly EdxmlAttachment[];
}

/** A package that cannot be accepted; `issues` say where and why. */
export class EdxmlError extends Error {
  override name = 'EdxmlError';
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** `2026/11/22` from `2026-11-22`, and back. */
const slashDate = (day: string) => day.replaceAll('-', '/');
const dashDate = (day: string) => day.replaceAll('/', '-');

export const edxmlDocumentId = (organId: string, day: string, numberNotation: string): string =>
  `${organId},${slashDate(day)},${numberNotation}`;

export function buildEdxml(pkg: EdxmlPackage): string {
  const root = createElement(undefined, `${P}:edXMLEnvelope`, EDXML_NS, {
    declarations: [namespaceDeclaration(P, EDXML_NS)],
  });
  const el = (parent: XmlElement, name: string, text?: string | number): XmlElement =>
    createElement(parent, `${P}:${name}`, EDXML_NS, text === undefined ? {} : { text: String(text) });
  const opt = (parent: XmlElement, name: string, text: string | number | undefined) => {
    if (text !== undefined && text !== '') el(parent, name, text);
  };
  const organ = (parent: XmlElement, name: string, o: EdxmlOrgan) => {
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
    node.attributes.push(plainAttribute('ContentId', attachment.contentId));
  }
  return serializeDocument({
    declaration: 'version="1.0" encoding="UTF-8"',
    children: [{ kind: 'text', value: '\n' }, root],
    root,
  });
}

/** Parses XML, refusing anything malformed (no recovery), DOCTYPEs included (no entity expansion). */
export function parseXml(xml: string): XmlDocument {
  if (/<!DOCTYPE/i.test(xml)) throw new EdxmlError('The package must not declare a DOCTYPE');
  try {
    return parseXmlTree(xml);
  } catch (error) {
    if (!(error instanceof XmlError)) throw error;
    throw new EdxmlError(`The package is not well-formed XML: ${error.message}`);
  }
}

const children = (parent: XmlElement, name: string): XmlElement[] => childElements(parent, EDXML_NS, name);

/** Reads a package; every missing or malformed field is reported at once. */
export function readEdxml(xml: string | XmlDocument): EdxmlPackage {
  const doc = typeof xml === 'string' ? parseXml(xml) : xml;
  const root = doc.root;
  if (!root || root.namespaceURI !== EDXML_NS || root.localName !== 'edXMLEnvelope') {
    throw new EdxmlError(`The root element must be edXMLEnvelope in ${EDXML_NS}`);
  }
  const issues: { path: string; message: string }[] = [];
  const one = (parent: XmlElement | undefined, name: string, path: string): XmlElement | undefined => {
    if (!parent) return undefined;
    const found = children(parent, name);
    if (found.length !== 1) {
      issues.push({
        path: `${path}/${name}`,
        message: found.length ? 'appears more than once' : 'is missing',
      });
      return undefined;
    }
    return found[0];
  };
  const text = (
    parent: XmlElement | undefined,
    name: string,
    path: string,
    required = true,
  ): string | undefined => {
    if (!parent) return undefined;
    const found = children(parent, name);
    if (found.length === 0) {
      if (required) issues.push({ path: `${path}/${name}`, message: 'is missing' });
      return undefined;
    }
    const value = textContent(found[0]!).trim();
    if (required && value === '') issues.push({ path: `${path}/${name}`, message: 'is empty' });
    return value === '' ? undefined : value;
  };
  const int = (value: string | undefined, path: string): number => {
    if (value !== undefined && !/^\d{1,9}$/.test(value))
      issues.push({ path, message: 'is not a whole number' });
    return Number(value ?? 0);
  };
  const day = (value: string | undefined, path: string): string | undefined => {
    if (value === undefined) return undefined;
    if (!/^\d{4}\/\d{2}\/\d{2}$/.test(value)) issues.push({ path, message: 'is not a date yyyy/MM/dd' });
    return dashDate(value);
  };
  const organ = (node: XmlElement | undefined, path: string): EdxmlOrgan => ({
    organId: text(node, 'OrganId', path) ?? '',
    organName: text(node, 'OrganName', path) ?? '',
    organInCharge: text(node, 'OrganizationInCharge', path, false),
    organAdd: text(node, 'OrganAdd', path, false),
    email: text(node, 'Email', path, false),
    telephone: text(node, 'Telephone', path, false),
    website: text(node, 'Website', path, false),
  });

  const header = one(root, 'edXMLHeader', '');
  const message = one(header, 'MessageHeader', '/edXMLHeader');
  const m = '/edXMLHeader/MessageHeader';
  const from = organ(one(message, 'From', m), `${m}/From`);
  const to = message ? children(message, 'To').map((node, i) => organ(node, `${m}/To[${i + 1}]`)) : [];
  if (message && to.length === 0) issues.push({ path: `${m}/To`, message: 'is missing' });
  const documentId = text(message, 'DocumentId', m) ?? '';
  const codeNode = one(message, 'Code', m);
  const number = int(text(codeNode, 'CodeNumber', `${m}/Code`), `${m}/Code/CodeNumber`);
  const notation = text(codeNode, 'CodeNotation', `${m}/Code`) ?? '';
  const promulgationNode = one(message, 'PromulgationInfo', m);
  const promulgationDate =
    day(
      text(promulgationNode, 'PromulgationDate', `${m}/PromulgationInfo`),
      `${m}/PromulgationInfo/PromulgationDate`,
    ) ?? '';
  const typeNode = one(message, 'DocumentType', m);
  const typeValue = int(text(typeNode, 'Type', `${m}/DocumentType`), `${m}/DocumentType/Type`);
  const signerNode = one(message, 'SignerInfo', m);
  const otherNode = one(message, 'OtherInfo', m);
  const placesNode = message ? children(message, 'ToPlaces')[0] : undefined;
  const traceList = one(header, 'TraceHeaderList', '/edXMLHeader');
  const trace = traceList
    ? children(traceList, 'TraceHeader').map((node, i) => ({
        organId: text(node, 'OrganId', `/edXMLHeader/TraceHeaderList/TraceHeader[${i + 1}]`) ?? '',
        timestamp: text(node, 'Timestamp', `/edXMLHeader/TraceHeaderList/TraceHeader[${i + 1}]`) ?? '',
      }))
    : [];
  const businessNode = one(traceList, 'Bussiness', '/edXMLHeader/TraceHeaderList');

  const body = one(root, 'edXMLBody', '');
  const manifest = one(body, 'edXMLManifest', '/edXMLBody');
  const contents = new Map<string, string>();
  for (const node of body ? children(body, 'Attachment') : []) {
    contents.set(attribute(node, 'ContentId') ?? '', textContent(node).replace(/\s+/g, ''));
  }
  const attachments: EdxmlAttachment[] = [];
  for (const [i, reference] of (manifest ? children(manifest, 'Reference') : []).entries()) {
    const path = `/edXMLBody/edXMLManifest/Reference[${i + 1}]`;
    const contentId = text(reference, 'ContentId', path) ?? '';
    const encoded = contents.get(contentId);
    const bytes = encoded === undefined ? undefined : base64Binary(encoded);
    if (!bytes) {
      issues.push({ path, message: `has no valid base64 Attachment with ContentId ${contentId}` });
      continue;
    }
    const size = int(text(reference, 'Size', path), `${path}/Size`);
    const digest = text(reference, 'DigestSHA256', path);
    if (size !== bytes.length)
      issues.push({
        path: `${path}/Size`,
        message: `says ${size} bytes; the attachment has ${bytes.length}`,
      });
    if (digest !== undefined && digest !== createHash('sha256').update(bytes).digest('base64')) {
      issues.push({ path: `${path}/DigestSHA256`, message: 'does not match the attachment' });
    }
    attachments.push({
      contentId,
      fileName: text(reference, 'AttachmentName', path) ?? '',
      contentType: text(reference, 'ContentType', path) ?? '',
      description: text(reference, 'Description', path, false),
      bytes,
    });
  }
  if (manifest && attachments.length === 0 && !issues.some((issue) => issue.path.includes('Reference'))) {
    issues.push({ path: '/edXMLBody/edXMLManifest', message: 'lists no attachment' });
  }
  const result: EdxmlPackage = {
    from,
    to,
    documentId,
    code: { number, notation },
    promulgation: { place: text(promulgationNode, 'Place', m, false), date: promulgationDate },
    documentType: {
      type: typeValue === 1 ? 1 : 2,
      typeDetail: text(typeNode, 'TypeDetail', `${m}/DocumentType`, false) ?? '',
      typeName: text(typeNode, 'TypeName', `${m}/DocumentType`, false) ?? '',
    },
    subject: text(message, 'Subject', m) ?? '',
    content: text(message, 'Content', m, false),
    signer: {
      competence: text(signerNode, 'Competence', `${m}/SignerInfo`, false),
      position: text(signerNode, 'Position', `${m}/SignerInfo`) ?? '',
      fullName: text(signerNode, 'FullName', `${m}/SignerInfo`) ?? '',
    },
    dueDate: day(text(message, 'DueDate', m, false), `${m}/DueDate`),
    toPlaces: placesNode ? children(placesNode, 'Place').map((node) => textContent(node).trim()) : [],
    priority: int(text(otherNode, 'Priority', `${m}/OtherInfo`, false), `${m}/OtherInfo/Priority`),
    steeringType: int(text(message, 'SteeringType', m, false), `${m}/SteeringType`),
    responseFor: text(message, 'ResponseFor', m, false),
    trace,
    business: {
      docType: int(
        text(businessNode, 'BussinessDocType', '/edXMLHeader/TraceHeaderList/Bussiness', false),
        'BussinessDocType',
      ),
      reason: text(businessNode, 'BussinessDocReason', '/edXMLHeader/TraceHeaderList/Bussiness', false),
    },
    attachments,
  };
  if (issues.length) throw new EdxmlError('The edXML package is not valid', issues);
  return result;
}
