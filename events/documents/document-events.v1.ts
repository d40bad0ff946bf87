/**
 * Official-document events (v1). Outgoing: issued, sent, change (recall/update) requested.
 * Incoming: received, registered, completed (for reports: agency, sender, due date, overdue), and
 * the exchange status report (mã trạng thái 01–16) that travels back to the sender.
 * No document text travels in events: consumers read the document by id.
 */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import {
  CONFIDENTIALITIES,
  DOCUMENT_TYPE_CODES,
  STATUS_CODE_LIST,
  URGENCIES,
} from '#shared/documents/workflow.ts';
import { defineEvent } from '../envelope.ts';

export const OutgoingSummary = z.object({
  id: z.string(),
  agencyCode: agencyCodeSchema,
  type: z.enum(DOCUMENT_TYPE_CODES),
  urgency: z.enum(URGENCIES),
  confidentiality: z.enum(CONFIDENTIALITIES),
  book: z.string(),
  year: z.number(),
  number: z.number(),
  numberNotation: z.string(),
  issuedAt: z.string(),
  /** Signed with a digital signature (the report's signing rate counts these). */
  signedDigitally: z.boolean(),
  recipientCount: z.number(),
});

export const IncomingSummary = z.object({
  id: z.string(),
  agencyCode: agencyCodeSchema,
  senderOrganId: z.string(),
  channel: z.enum(['internal', 'edxml']),
  type: z.enum(DOCUMENT_TYPE_CODES),
  urgency: z.enum(URGENCIES),
  receivedAt: z.string(),
  incomingNumber: z.nullable(z.number()),
  book: z.nullable(z.string()),
  /** Processing deadline, YYYY-MM-DD. */
  dueDate: z.nullable(z.string()),
  completedAt: z.nullable(z.string()),
  /** Completed after the due date (null while open). */
  overdue: z.nullable(z.boolean()),
});

const envelope = {
  eventId: '2f6b1a8e-5d4c-4b3a-9e8f-7a6b5c4d3e21',
  schemaVersion: 1,
  occurredAt: '2026-11-22T03:00:00.000Z',
  province: 'vinh-phuc',
  agencyCode: '000.21.00.H62',
  recipients: ['000.21.00.H62'],
  entity: { type: 'document', id: '5b0c1c52-7d1e-4f7e-9a43-2f1d9d6e5a11' },
  correlationId: 'req-issue-1',
  actor: {
    type: 'user' as const,
    sub: '5a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    username: 'clerk.vinhyen',
    roles: ['clerk' as const],
    agencyCode: '000.21.00.H62',
  },
};

const outgoingExample = {
  id: '5b0c1c52-7d1e-4f7e-9a43-2f1d9d6e5a11',
  agencyCode: '000.21.00.H62',
  type: 'KH' as const,
  urgency: 'normal' as const,
  confidentiality: 'normal' as const,
  book: 'VBDI',
  year: 2026,
  number: 8776,
  numberNotation: '8776/KH-UBND',
  issuedAt: '2026-11-22T03:00:00.000Z',
  signedDigitally: true,
  recipientCount: 2,
};

const incomingExample = {
  id: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  agencyCode: '000.21.01.H62',
  senderOrganId: '000.21.00.H62',
  channel: 'internal' as const,
  type: 'KH' as const,
  urgency: 'normal' as const,
  receivedAt: '2026-11-22T03:00:05.000Z',
  incomingNumber: 12,
  book: 'VBDEN',
  dueDate: '2026-11-29',
  completedAt: null,
  overdue: null,
};

export const DocumentIssuedV1 = defineEvent({
  source: 'vnpp.documents',
  detailType: 'DocumentIssued',
  version: 1,
  description:
    'An outgoing document was numbered in its registration book and issued (ban hành). Recipients: the issuing agency and its ancestors.',
  data: z.object({ document: OutgoingSummary }),
  example: { ...envelope, data: { document: outgoingExample } },
});

export const DocumentSentV1 = defineEvent({
  source: 'vnpp.documents',
  detailType: 'DocumentSent',
  version: 1,
  description:
    'An issued document was sent electronically; the exchange creates an incoming document in each recipient agency. Recipients: the sender and the recipient agencies.',
  data: z.object({
    document: OutgoingSummary,
    /** Agencies it was sent to in this sending. */
    sentTo: z.array(agencyCodeSchema),
  }),
  example: {
    ...envelope,
    recipients: ['000.21.00.H62', '000.21.01.H62', '000.21.02.H62'],
    data: { document: outgoingExample, sentTo: ['000.21.01.H62', '000.21.02.H62'] },
  },
});

export const DocumentChangeRequestedV1 = defineEvent({
  source: 'vnpp.documents',
  detailType: 'DocumentChangeRequested',
  version: 1,
  description:
    'The sender asks recipients to accept a recall (thu hồi, status 13) or an update/replacement of a sent document. Recipients: the sender and the agencies asked.',
  data: z.object({
    documentId: z.string(),
    kind: z.enum(['recall', 'update']),
    reason: z.string(),
    /** The document revision the request brings (updates increment it). */
    revision: z.number(),
    askedOf: z.array(agencyCodeSchema),
  }),
  example: {
    ...envelope,
    recipients: ['000.21.00.H62', '000.21.01.H62'],
    data: {
      documentId: outgoingExample.id,
      kind: 'recall' as const,
      reason: 'Sai thể thức',
      revision: 0,
      askedOf: ['000.21.01.H62'],
    },
  },
});

export const DocumentStatusReportedV1 = defineEvent({
  source: 'vnpp.documents',
  detailType: 'DocumentStatusReported',
  version: 1,
  description:
    'A recipient reports what it did with a document, as an exchange status code (01 arrived, 02 rejected, 03 registered, 04 assigned, 05 processing, 06 completed, 15/16 recall or update accepted/refused). Recipients: the sender agency.',
  data: z.object({
    documentId: z.string(),
    incomingId: z.string(),
    senderAgency: agencyCodeSchema,
    recipientAgency: agencyCodeSchema,
    code: z.enum(STATUS_CODE_LIST),
    at: z.string(),
    reason: z.optional(z.string()),
  }),
  example: {
    ...envelope,
    agencyCode: '000.21.01.H62',
    data: {
      documentId: outgoingExample.id,
      incomingId: incomingExample.id,
      senderAgency: '000.21.00.H62',
      recipientAgency: '000.21.01.H62',
      code: '03' as const,
      at: '2026-11-22T03:10:00.000Z',
    },
  },
});

const incomingEvent = (detailType: string, description: string) =>
  defineEvent({
    source: 'vnpp.documents',
    detailType,
    version: 1,
    description: `${description} Recipients: the receiving agency and its ancestors.`,
    data: z.object({ document: IncomingSummary }),
    example: {
      ...envelope,
      agencyCode: incomingExample.agencyCode,
      recipients: ['000.21.00.H62', incomingExample.agencyCode],
      entity: { type: 'incoming-document', id: incomingExample.id },
      data: { document: incomingExample },
    },
  });

export const IncomingDocumentReceivedV1 = incomingEvent(
  'IncomingDocumentReceived',
  'A document arrived in an agency’s inbox (from this province or imported as edXML).',
);
export const IncomingDocumentRegisteredV1 = incomingEvent(
  'IncomingDocumentRegistered',
  'An incoming document was registered with the next incoming number (số đến) of its book.',
);
export const IncomingDocumentCompletedV1 = incomingEvent(
  'IncomingDocumentCompleted',
  'An incoming document was processed to completion; `overdue` says whether after its due date.',
);

/** Contracts the exchange worker consumes. */
export const EXCHANGE_CONTRACTS = [DocumentSentV1, DocumentChangeRequestedV1, DocumentStatusReportedV1];
