/**
 * Official documents: the API shapes of outgoing documents (văn bản đi), the per-recipient status a
 * sender sees, and incoming documents (văn bản đến). Vocabulary and lifecycles: ./workflow.ts.
 */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import { isCalendarDay } from '#shared/calendar/civil-date.ts';
import {
  BOOK_CODE_PATTERN,
  CONFIDENTIALITIES,
  DOCUMENT_TYPE_CODES,
  INCOMING_STATUSES,
  OUTGOING_STATUSES,
  STATUS_CODE_LIST,
  URGENCIES,
} from './workflow.ts';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
/** A calendar day, `YYYY-MM-DD`, that exists (a period bound like 2027-13-45 is refused, not a 500). */
export const calendarDaySchema = z
  .string()
  .check(
    z.regex(/^\d{4}-\d{2}-\d{2}$/, 'A date as YYYY-MM-DD'),
    z.refine(isCalendarDay, 'A calendar day is a real date written YYYY-MM-DD'),
  );
export const bookCodeSchema = z
  .string()
  .check(z.regex(BOOK_CODE_PATTERN, 'A book code: uppercase letters, digits and dashes, e.g. VBDI'));
/** Ký hiệu after the number: `KH-UBND`, `UBND-VP`, `QĐ-UBND`. */
export const notationSchema = z
  .string()
  .check(
    z.trim(),
    z.regex(
      /^[\p{Lu}\p{N}][\p{Lu}\p{Ll}\p{N}.-]{0,49}$/u,
      'A notation such as KH-UBND (no number, no slash)',
    ),
  );

export const Signer = z.strictObject({
  fullName: text(100),
  /** Chức vụ: Chủ tịch, Phó Chủ tịch, Giám đốc … */
  position: text(100),
  /** Thẩm quyền ký: TM. (on behalf of the collective), KT. (deputy for), TL., TUQ. or empty. */
  competence: z.optional(z.enum(['TM.', 'KT.', 'TL.', 'TUQ.', 'Q.'])),
});
export type Signer = z.infer<typeof Signer>;

export const Attachment = z.object({
  fileId: z.uuid(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  /** The main text (the PDF that is signed); the others are annexes. */
  main: z.boolean(),
});
export type Attachment = z.infer<typeof Attachment>;

export const DraftDocument = z
  .strictObject({
    type: z.enum(DOCUMENT_TYPE_CODES),
    notation: notationSchema,
    /** Trích yếu. */
    subject: text(1000),
    content: z.optional(text(20_000)),
    urgency: z._default(z.enum(URGENCIES), 'normal'),
    confidentiality: z._default(z.enum(CONFIDENTIALITIES), 'normal'),
    signer: Signer,
    /** Nơi nhận: agencies of this province by electronic identifier code. */
    recipients: z.array(agencyCodeSchema).check(z.minLength(1), z.maxLength(200)),
    /** Hạn trả lời. */
    replyDueDate: z.optional(calendarDaySchema),
    issuePlace: z.optional(text(100)),
    /** Confirmed `document-attachment` uploads of the caller's agency; exactly one `main` PDF. */
    attachments: z
      .array(z.strictObject({ fileId: z.uuid(), main: z._default(z.boolean(), false) }))
      .check(z.minLength(1), z.maxLength(20)),
  })
  .register(z.globalRegistry, { id: 'DraftDocument', description: 'A new outgoing document (draft)' });
export type DraftDocument = z.infer<typeof DraftDocument>;

export const OutgoingDocument = z
  .object({
    id: z.uuid(),
    agencyCode: agencyCodeSchema,
    agencyName: z.string(),
    type: z.enum(DOCUMENT_TYPE_CODES),
    notation: z.string(),
    subject: z.string(),
    content: z.optional(z.string()),
    urgency: z.enum(URGENCIES),
    confidentiality: z.enum(CONFIDENTIALITIES),
    signer: Signer,
    recipients: z.array(agencyCodeSchema),
    replyDueDate: z.optional(z.string()),
    issuePlace: z.optional(z.string()),
    attachments: z.array(Attachment),
    status: z.enum(OUTGOING_STATUSES),
    /** Registration book, number in it and year, once issued. */
    book: z.optional(z.string()),
    year: z.optional(z.number()),
    number: z.optional(z.number()),
    /** `8776/KH-UBND`. */
    numberNotation: z.optional(z.string()),
    issuedAt: z.optional(z.string()),
    /** Ngày ban hành (Vietnam calendar day). */
    issuedDate: z.optional(z.string()),
    /** Signed with a digital signature (the signed PDF replaced the draft main text). */
    signedDigitally: z.boolean(),
    signature: z.optional(
      z.object({
        fileId: z.string(),
        signerName: z.string(),
        serialNumber: z.string(),
        signingTime: z.optional(z.string()),
      }),
    ),
    /** The issued main text carries the agency's seal over the leader's signature. */
    sealed: z.optional(z.boolean()),
    /** 0 until sent; each accepted update/replacement of a sent document increments it. */
    revision: z.number(),
    sentAt: z.optional(z.string()),
    draftedBy: z.string(),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'OutgoingDocument', description: 'An outgoing document (văn bản đi)' });
export type OutgoingDocument = z.infer<typeof OutgoingDocument>;

export const StatusReport = z.object({
  code: z.enum(STATUS_CODE_LIST),
  /** When it happened at the recipient. */
  at: z.string(),
  reason: z.optional(z.string()),
});
export type StatusReport = z.infer<typeof StatusReport>;

export const RecipientStatus = z
  .object({
    documentId: z.uuid(),
    recipientAgency: agencyCodeSchema,
    /** The latest status code reported (null until the first report arrives). */
    code: z.nullable(z.enum(STATUS_CODE_LIST)),
    status: z.nullable(z.string()),
    incomingId: z.nullable(z.string()),
    sentAt: z.string(),
    history: z.array(StatusReport),
  })
  .register(z.globalRegistry, {
    id: 'RecipientStatus',
    description: 'What one recipient did with a sent document',
  });
export type RecipientStatus = z.infer<typeof RecipientStatus>;

export const IncomingDocument = z
  .object({
    id: z.uuid(),
    /** The receiving agency. */
    agencyCode: agencyCodeSchema,
    source: z.object({
      /** `internal`: sent inside this province stack; `edxml`: imported from another system. */
      channel: z.enum(['internal', 'edxml']),
      organId: z.string(),
      organName: z.string(),
      /** The outgoing document (internal) or the edXML DocumentId. */
      documentId: z.string(),
      revision: z.number(),
    }),
    type: z.enum(DOCUMENT_TYPE_CODES),
    notation: z.string(),
    number: z.number(),
    numberNotation: z.string(),
    issuedDate: z.string(),
    issuePlace: z.optional(z.string()),
    subject: z.string(),
    content: z.optional(z.string()),
    urgency: z.enum(URGENCIES),
    signer: Signer,
    replyDueDate: z.optional(z.string()),
    attachments: z.array(Attachment),
    status: z.enum(INCOMING_STATUSES),
    receivedAt: z.string(),
    book: z.optional(z.string()),
    year: z.optional(z.number()),
    /** Số đến. */
    incomingNumber: z.optional(z.number()),
    registeredAt: z.optional(z.string()),
    assignment: z.optional(
      z.object({
        unit: z.string(),
        assignee: z.optional(z.string()),
        note: z.optional(z.string()),
        by: z.string(),
        at: z.string(),
      }),
    ),
    /** Processing deadline (Vietnam calendar day): the assignment's, else the reply due date. */
    dueDate: z.optional(z.string()),
    completedAt: z.optional(z.string()),
    /** Completed after the due date. */
    overdue: z.optional(z.boolean()),
    rejection: z.optional(z.object({ reason: z.string(), at: z.string() })),
    /** A recall or update the sender asked for, awaiting this agency's answer. */
    pendingRequest: z.optional(
      z.object({
        kind: z.enum(['recall', 'update']),
        reason: z.string(),
        requestedAt: z.string(),
        revision: z.number(),
      }),
    ),
    history: z.array(
      z.object({
        at: z.string(),
        action: z.string(),
        by: z.string(),
        code: z.optional(z.string()),
        note: z.optional(z.string()),
      }),
    ),
    version: z.number(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'IncomingDocument', description: 'An incoming document (văn bản đến)' });
export type IncomingDocument = z.infer<typeof IncomingDocument>;

export const IncomingAction = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('register'), book: z.optional(bookCodeSchema) }),
  z.strictObject({ action: z.literal('reject'), reason: text(1000) }),
  z.strictObject({
    action: z.literal('assign'),
    /** The unit (phòng, ban) that handles it. */
    unit: text(200),
    /** A username in that unit, optional. */
    assignee: z.optional(text(128)),
    dueDate: z.optional(calendarDaySchema),
    note: z.optional(text(1000)),
  }),
  z.strictObject({ action: z.literal('start'), note: z.optional(text(1000)) }),
  z.strictObject({ action: z.literal('complete'), note: z.optional(text(1000)) }),
]);
export type IncomingAction = z.infer<typeof IncomingAction>;
