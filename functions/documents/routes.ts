/** HTTP operations of official documents (handlers: ./api.ts, rules: shared/documents). */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import {
  bookCodeSchema,
  calendarDaySchema,
  DraftDocument,
  IncomingAction,
  IncomingDocument,
  OutgoingDocument,
  RecipientStatus,
} from '#shared/documents/document.ts';
import {
  DOCUMENT_TYPE_CODES,
  INCOMING_STATUSES,
  OUTGOING_STATUSES,
  URGENCIES,
} from '#shared/documents/workflow.ts';
import { pageOf, pageQueryFields } from '#shared/http/pagination.ts';
import { defineRoutes } from '#shared/http/route.ts';

const tags = ['Documents'];
const idParam = z.strictObject({ id: z.uuid() });
const reason = z.string().check(z.trim(), z.minLength(1), z.maxLength(1000));

/** Staff of the agency that holds the document; leaders also from above; auditors anywhere. */
const readers = {
  roles: { clerk: 'agency', specialist: 'agency', leader: 'agency-tree', auditor: 'province' },
  deny: 'not-found',
} as const;
const writers = { roles: { clerk: 'agency', specialist: 'agency', leader: 'agency' }, deny: 'not-found' } as const;

const OutgoingDetail = z
  .object({
    document: OutgoingDocument,
    /** Per recipient: the latest exchange status code (01…16) and its history. */
    recipients: z.array(RecipientStatus),
    allowedActions: z.array(z.string()),
  })
  .register(z.globalRegistry, { id: 'OutgoingDocumentDetail' });

const IncomingDetail = z
  .object({ document: IncomingDocument, allowedActions: z.array(z.string()) })
  .register(z.globalRegistry, { id: 'IncomingDocumentDetail' });

const period = {
  /** First day (Vietnam time), YYYY-MM-DD. */
  from: z.optional(calendarDaySchema),
  /** Last day (inclusive). */
  to: z.optional(calendarDaySchema),
  type: z.optional(z.enum(DOCUMENT_TYPE_CODES)),
  urgency: z.optional(z.enum(URGENCIES)),
};

const Link = z.object({ url: z.string(), expiresAt: z.string() });
const attachmentParams = z.strictObject({ id: z.uuid(), fileId: z.uuid() });
const redirectQuery = z.strictObject({ redirect: z.optional(z.enum(['true', 'false'])) });

export const documentRoutes = defineRoutes({
  draftDocument: {
    method: 'POST',
    path: '/v1/documents',
    summary: 'Draft an outgoing document (văn bản đi) with its attachments',
    description:
      'Attachments are confirmed `document-attachment` uploads of the caller’s agency (POST /v1/files); exactly one is the main text, a PDF. Recipients are agencies of this province.',
    tags,
    access: { roles: { clerk: 'agency', specialist: 'agency', leader: 'agency' } },
    request: { body: DraftDocument },
    responses: { 201: { description: 'The draft', schema: OutgoingDocument } },
    idempotent: true,
  },
  getDocument: {
    method: 'GET',
    path: '/v1/documents/{id}',
    summary: 'An outgoing document with the status each recipient reported',
    tags,
    access: readers,
    request: { params: idParam },
    responses: { 200: { description: 'The document (ETag = version)', schema: OutgoingDetail } },
  },
  transitionDocument: {
    method: 'POST',
    path: '/v1/documents/{id}/transitions',
    summary: 'Move a draft through review: submit (to the leader), return (to the drafter), approve',
    tags,
    access: writers,
    request: {
      params: idParam,
      body: z.strictObject({ action: z.enum(['submit', 'return', 'approve']), note: z.optional(reason) }),
    },
    responses: { 200: { description: 'The document after the action', schema: OutgoingDocument } },
    ifMatch: true,
  },
  signDocument: {
    method: 'POST',
    path: '/v1/documents/{id}/sign',
    summary: 'Record the leader’s digital signature of the approved main text',
    description:
      'Sign the main PDF with the personal signing API (POST /v1/signatures → POST /v1/signatures/{id}/complete), then pass the signed file here. ' +
      'The file is verified: TOTAL_PASSED, a personal certificate, and the approved main text unchanged as the signed revision’s prefix.',
    tags,
    access: { roles: { leader: 'agency' }, deny: 'not-found' },
    request: { params: idParam, body: z.strictObject({ signedFileId: z.uuid() }) },
    responses: { 200: { description: 'The signed document', schema: OutgoingDocument } },
    ifMatch: true,
  },
  issueDocument: {
    method: 'POST',
    path: '/v1/documents/{id}/issue',
    summary: 'Number the document in a registration book (sổ văn bản đi) and issue it',
    description:
      'Takes the next number of the agency’s book for the year: sequential, no gaps, no duplicates under concurrency. From `signed`, or from `approved` for a document signed on paper.',
    tags,
    access: { roles: { clerk: 'agency', leader: 'agency' }, deny: 'not-found' },
    request: { params: idParam, body: z.strictObject({ book: z.optional(bookCodeSchema) }) },
    responses: { 200: { description: 'The issued document', schema: OutgoingDocument } },
    ifMatch: true,
  },
  sendDocument: {
    method: 'POST',
    path: '/v1/documents/{id}/send',
    summary: 'Send an issued document electronically to its recipients',
    description:
      'Each recipient agency gets an incoming document and reports its status codes back. Secret documents (confidentiality other than `normal`) are refused with 409: they are never sent electronically.',
    tags,
    access: { roles: { clerk: 'agency', leader: 'agency' }, deny: 'not-found' },
    request: { params: idParam },
    responses: {
      202: {
        description: 'Sent; delivery to the inboxes follows through events',
        schema: z.object({ document: OutgoingDocument, sentTo: z.array(agencyCodeSchema) }),
      },
    },
    ifMatch: true,
  },
  recallDocument: {
    method: 'POST',
    path: '/v1/documents/{id}/recall',
    summary: 'Ask recipients to give back a sent document (status 13; they answer 15 or 16)',
    tags,
    access: { roles: { clerk: 'agency', leader: 'agency' }, deny: 'not-found' },
    request: {
      params: idParam,
      body: z.strictObject({ reason, recipients: z.optional(z.array(agencyCodeSchema).check(z.minLength(1))) }),
    },
    responses: { 202: { description: 'Asked', schema: OutgoingDocument } },
    ifMatch: true,
  },
  updateDocument: {
    method: 'POST',
    path: '/v1/documents/{id}/update',
    summary: 'Correct or replace a sent document (new revision; recipients answer 15 or 16)',
    tags,
    access: { roles: { clerk: 'agency', leader: 'agency' }, deny: 'not-found' },
    request: {
      params: idParam,
      body: z.strictObject({
        reason,
        recipients: z.optional(z.array(agencyCodeSchema).check(z.minLength(1))),
        subject: z.optional(reason),
        content: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(20_000))),
        replyDueDate: z.optional(calendarDaySchema),
        attachments: z.optional(
          z.array(z.strictObject({ fileId: z.uuid(), main: z._default(z.boolean(), false) })).check(z.minLength(1), z.maxLength(20)),
        ),
      }),
    },
    responses: { 202: { description: 'The new revision, offered to the recipients', schema: OutgoingDocument } },
    ifMatch: true,
  },
  downloadDocumentAttachment: {
    method: 'GET',
    path: '/v1/documents/{id}/attachments/{fileId}',
    summary: 'Download an attachment of an outgoing document (302, or JSON with ?redirect=false)',
    tags,
    access: readers,
    request: { params: attachmentParams, query: redirectQuery },
    responses: { 200: { description: 'The link', schema: Link }, 302: { description: 'Redirect to the link' } },
  },
  exportDocumentEdxml: {
    method: 'GET',
    path: '/v1/documents/{id}/edxml',
    summary: 'The issued document as an edXML package (QCVN 102:2016), sealed by the agency',
    description:
      'MessageHeader, TraceHeaderList, the attachments in base64 and an enveloped XML signature (SHA-256) made with the agency’s seal key. Secret documents are refused (409).',
    tags,
    access: { roles: { clerk: 'agency', leader: 'agency', integration: 'agency' }, deny: 'not-found' },
    request: { params: idParam },
    responses: { 200: { description: 'The edXML package', contentType: 'application/xml' } },
  },
  importEdxml: {
    method: 'POST',
    path: '/v1/documents/import',
    summary: 'Receive an edXML package from an external system into the caller’s inbox',
    description:
      'Give the package inline (`edxml`, up to 1 MiB) or as a confirmed `document-attachment` upload of type application/xml (`fileId`). ' +
      'Its structure and enveloped signature (against the trusted roots) are verified; a malformed, unsigned or tampered package is refused (400) and nothing is stored. ' +
      'Otherwise it becomes an incoming document (status received) with its attachments stored as files.',
    tags,
    access: { roles: { clerk: 'agency', integration: 'agency' } },
    request: {
      body: z.strictObject({
        edxml: z.optional(z.string().check(z.minLength(1))),
        fileId: z.optional(z.uuid()),
      }),
    },
    responses: { 201: { description: 'The incoming document', schema: IncomingDocument } },
    idempotent: true,
  },
  listOutgoingDocuments: {
    method: 'GET',
    path: '/v1/agencies/{code}/documents/outgoing',
    summary: 'An agency’s outgoing box: by status or recipient, period, type, urgency; newest first',
    tags,
    access: { roles: { clerk: 'agency', specialist: 'agency', leader: 'agency-tree', auditor: 'province' } },
    request: {
      params: z.strictObject({ code: agencyCodeSchema }),
      query: z.strictObject({
        status: z.optional(z.enum(OUTGOING_STATUSES)),
        recipient: z.optional(agencyCodeSchema),
        ...period,
        ...pageQueryFields,
      }),
    },
    responses: { 200: { description: 'A page of documents', schema: pageOf(OutgoingDocument) } },
  },
  listIncomingDocuments: {
    method: 'GET',
    path: '/v1/agencies/{code}/documents/incoming',
    summary: 'An agency’s inbox: by status, sender or overdue, period, type, urgency',
    description: '`due=overdue`: open documents past their due day, earliest due first; otherwise newest first.',
    tags,
    access: { roles: { clerk: 'agency', specialist: 'agency', leader: 'agency-tree', auditor: 'province' } },
    request: {
      params: z.strictObject({ code: agencyCodeSchema }),
      query: z.strictObject({
        status: z.optional(z.enum(INCOMING_STATUSES)),
        sender: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
        due: z.optional(z.enum(['overdue'])),
        ...period,
        ...pageQueryFields,
      }),
    },
    responses: { 200: { description: 'A page of incoming documents', schema: pageOf(IncomingDocument) } },
  },
  getIncomingDocument: {
    method: 'GET',
    path: '/v1/incoming-documents/{id}',
    summary: 'An incoming document with the actions the caller may take',
    tags,
    access: readers,
    request: { params: idParam },
    responses: { 200: { description: 'The incoming document (ETag = version)', schema: IncomingDetail } },
  },
  transitionIncomingDocument: {
    method: 'POST',
    path: '/v1/incoming-documents/{id}/transitions',
    summary: 'Act on an incoming document: register (next số đến), reject, assign, start, complete',
    description: 'Each step reports its status code to the sender: 03, 02, 04, 05, 06.',
    tags,
    access: writers,
    request: { params: idParam, body: IncomingAction },
    responses: { 200: { description: 'The document after the action', schema: IncomingDocument } },
    ifMatch: true,
  },
  answerDocumentRequest: {
    method: 'POST',
    path: '/v1/incoming-documents/{id}/request-answer',
    summary: 'Accept (15) or refuse (16) the sender’s recall or update',
    tags,
    access: { roles: { clerk: 'agency', leader: 'agency' }, deny: 'not-found' },
    request: { params: idParam, body: z.strictObject({ accept: z.boolean(), note: z.optional(reason) }) },
    responses: { 200: { description: 'The document after the answer', schema: IncomingDocument } },
    ifMatch: true,
  },
  downloadIncomingAttachment: {
    method: 'GET',
    path: '/v1/incoming-documents/{id}/attachments/{fileId}',
    summary: 'Download an attachment of an incoming document (302, or JSON with ?redirect=false)',
    tags,
    access: readers,
    request: { params: attachmentParams, query: redirectQuery },
    responses: { 200: { description: 'The link', schema: Link }, 302: { description: 'Redirect to the link' } },
  },
});
