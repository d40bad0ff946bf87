/**
 * edXML with other systems: export an issued document as a sealed package, and import a package
 * into the caller's inbox. The mapping between documents and packages lives here; the XML itself in
 * ./edxml.ts, its signature in ./edxml-signature.ts, keys and trust in the signing capability.
 */
import { randomUUID } from 'node:crypto';
import { getAgency } from '../agencies/repository.ts';
import { checkHead, isKnownContentType, PURPOSE_RULES } from '../files/rules.ts';
import { readFileBytes, storeServerFile } from '../files/server-files.ts';
import type { Principal } from '../http/auth.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../http/errors.ts';
import type { ChangeContext } from '../platform/change.ts';
import { nowIso } from '../platform/table.ts';
import type { SigningCapability } from '../signing/capability.ts';
import type { Attachment, IncomingDocument, OutgoingDocument } from './document.ts';
import { buildEdxml, EdxmlError, type EdxmlPackage, edxmlDocumentId } from './edxml.ts';
import { signEdxml, verifyEdxml } from './edxml-signature.ts';
import { AlreadyReceivedError, receiveIncoming } from './incoming.ts';
import { DOCUMENT_TYPES, type DocumentType, isSendableElectronically, URGENCIES } from './workflow.ts';

/** The package of an issued document (unsigned). */
export async function packageOf(document: OutgoingDocument): Promise<EdxmlPackage> {
  const agency = await getAgency(document.agencyCode);
  const recipients = await Promise.all(document.recipients.map((code) => getAgency(code)));
  const attachments = await Promise.all(
    document.attachments.map(async (attachment, i) => ({
      contentId: `cid:${i + 1}`,
      fileName: attachment.fileName,
      contentType: attachment.contentType,
      description: attachment.main ? 'Văn bản chính' : 'Phụ lục',
      bytes: (await readFileBytes(attachment.fileId)).bytes,
    })),
  );
  return {
    from: {
      organId: document.agencyCode,
      organName: agency?.name ?? document.agencyName,
      organAdd: agency?.address,
      email: agency?.email,
      telephone: agency?.phone,
      website: agency?.website,
    },
    to: document.recipients.map((code, i) => ({ organId: code, organName: recipients[i]?.name ?? code })),
    documentId: edxmlDocumentId(document.agencyCode, document.issuedDate!, document.numberNotation!),
    code: { number: document.number!, notation: document.notation },
    promulgation: { place: document.issuePlace, date: document.issuedDate! },
    documentType: {
      type: DOCUMENT_TYPES[document.type].legal ? 1 : 2,
      typeDetail: document.type,
      typeName: DOCUMENT_TYPES[document.type].name,
    },
    subject: document.subject,
    content: document.content,
    signer: document.signer,
    dueDate: document.replyDueDate,
    toPlaces: recipients.map((agency, i) => agency?.name ?? document.recipients[i]!),
    priority: URGENCIES.indexOf(document.urgency),
    steeringType: 0,
    trace: [{ organId: document.agencyCode, timestamp: nowIso() }],
    business: { docType: document.revision > 0 ? 2 : 0 },
    attachments,
  };
}

export async function exportEdxml(
  document: OutgoingDocument,
  signing: Pick<SigningCapability, 'sealKey'>,
): Promise<string> {
  if (!isSendableElectronically(document.confidentiality)) {
    throw new ConflictError(
      `The document is marked ${document.confidentiality} (độ mật): secret documents are never exchanged electronically`,
      { confidentiality: document.confidentiality },
    );
  }
  if (document.status !== 'issued') {
    throw new ConflictError('Only an issued document is exported', { status: document.status });
  }
  return signEdxml(buildEdxml(await packageOf(document)), await signing.sealKey(document.agencyCode));
}

const refuse = (error: EdxmlError) =>
  new ValidationError(
    (error.issues.length ? error.issues : [{ path: '/', message: error.message }]).map((issue) => ({
      path: `edxml${issue.path}`,
      message: issue.message,
      code: 'invalid_edxml',
    })),
    error.message,
  );

/** The attachment rules of document attachments, checked before anything is stored. */
function checkAttachment(attachment: EdxmlPackage['attachments'][number], i: number): string | undefined {
  const rule = PURPOSE_RULES['document-attachment'];
  if (
    !isKnownContentType(attachment.contentType) ||
    !(rule.contentTypes as readonly string[]).includes(attachment.contentType)
  ) {
    return `${attachment.contentType} is not accepted (${rule.contentTypes.join(', ')})`;
  }
  if (attachment.bytes.length === 0 || attachment.bytes.length > rule.maxBytes)
    return `Attachment ${i + 1} is empty or too large`;
  const head = checkHead(attachment.contentType, attachment.bytes.subarray(0, 4096));
  return head.ok ? undefined : head.detail;
}

/**
 * Imports a package into the caller's inbox: verified (structure, signature, trust, addressed to the
 * caller's agency, attachments acceptable) before anything is stored; then the attachments become
 * files and the incoming document is created with them in one transaction.
 */
export async function importEdxml(
  input: { edxml?: string | undefined; fileId?: string | undefined },
  principal: Principal,
  context: ChangeContext,
  authorize: (target: { agencyCode: string }) => Promise<void>,
  signing: Pick<SigningCapability, 'trustedRootsPem'>,
): Promise<IncomingDocument> {
  const agencyCode = principal.agencyCode;
  if (!agencyCode) throw new ForbiddenError('Only agency staff import documents');
  await authorize({ agencyCode });
  if ((input.edxml === undefined) === (input.fileId === undefined)) {
    throw new ValidationError([{ path: 'body', message: 'Give either edxml or fileId', code: 'one_of' }]);
  }
  let xml = input.edxml;
  if (input.fileId !== undefined) {
    const { file, bytes } = await readFileBytes(input.fileId).catch(() => {
      throw new ValidationError([
        { path: 'body.fileId', message: 'No such confirmed file', code: 'invalid_file' },
      ]);
    });
    // Another agency's upload is that agency's resource: the caller's scope decides (403) first.
    if (file.agencyCode !== agencyCode) await authorize({ agencyCode: file.agencyCode });
    if (file.agencyCode !== agencyCode || file.contentType !== 'application/xml') {
      throw new ValidationError([
        {
          path: 'body.fileId',
          message: 'Upload the package as application/xml for your agency',
          code: 'invalid_file',
        },
      ]);
    }
    xml = bytes.toString('utf8');
  }
  let verified: Awaited<ReturnType<typeof verifyEdxml>>;
  try {
    verified = await verifyEdxml(xml!, await signing.trustedRootsPem());
  } catch (error) {
    if (error instanceof EdxmlError) throw refuse(error);
    throw error;
  }
  const { pkg } = verified;
  if (!pkg.to.some((organ) => organ.organId === agencyCode)) {
    throw refuse(
      new EdxmlError('The package is not addressed to your agency', [
        { path: '/edXMLHeader/MessageHeader/To', message: `does not name ${agencyCode}` },
      ]),
    );
  }
  const issues = pkg.attachments.flatMap((attachment, i) => {
    const problem = checkAttachment(attachment, i);
    return problem ? [{ path: `/edXMLBody/edXMLManifest/Reference[${i + 1}]`, message: problem }] : [];
  });
  if (issues.length) throw refuse(new EdxmlError('Some attachments cannot be accepted', issues));

  const receivedAt = nowIso();
  const stored = await Promise.all(
    pkg.attachments.map((attachment) =>
      storeServerFile({
        agencyCode,
        ownerSub: principal.sub,
        purpose: 'document-attachment',
        fileName: attachment.fileName,
        contentType: attachment.contentType,
        bytes: attachment.bytes,
      }),
    ),
  );
  const attachments: Attachment[] = stored.map(({ file }, i) => ({
    fileId: file.id,
    fileName: file.fileName,
    contentType: file.contentType,
    size: file.size,
    sha256: file.sha256,
    main: i === 0,
  }));
  const type = (
    Object.hasOwn(DOCUMENT_TYPES, pkg.documentType.typeDetail) ? pkg.documentType.typeDetail : 'CV'
  ) as DocumentType;
  const document: IncomingDocument = {
    id: randomUUID(),
    agencyCode,
    source: {
      channel: 'edxml',
      organId: pkg.from.organId,
      organName: pkg.from.organName,
      documentId: pkg.documentId,
      revision: pkg.business.docType,
    },
    type,
    notation: pkg.code.notation,
    number: pkg.code.number,
    numberNotation: `${pkg.code.number}/${pkg.code.notation}`,
    issuedDate: pkg.promulgation.date,
    ...(pkg.promulgation.place ? { issuePlace: pkg.promulgation.place } : {}),
    subject: pkg.subject,
    ...(pkg.content ? { content: pkg.content } : {}),
    urgency: URGENCIES[pkg.priority] ?? 'normal',
    signer: {
      fullName: pkg.signer.fullName,
      position: pkg.signer.position,
      ...(pkg.signer.competence && ['TM.', 'KT.', 'TL.', 'TUQ.', 'Q.'].includes(pkg.signer.competence)
        ? { competence: pkg.signer.competence as 'TM.' }
        : {}),
    },
    ...(pkg.dueDate ? { replyDueDate: pkg.dueDate, dueDate: pkg.dueDate } : {}),
    attachments,
    status: 'received',
    receivedAt,
    history: [
      {
        at: receivedAt,
        action: 'import',
        by: context.actor.type === 'user' ? context.actor.username : context.actor.name,
        code: '01',
        note: `Sealed by ${verified.signer.commonName}`,
      },
    ],
    version: 1,
    updatedAt: receivedAt,
  };
  try {
    return await receiveIncoming(
      document,
      context,
      stored.map((file) => file.write),
    );
  } catch (error) {
    if (error instanceof AlreadyReceivedError) {
      throw new ConflictError(`Your agency already received document ${pkg.documentId}`);
    }
    throw error;
  }
}
