/**
 * Outgoing documents (văn bản đi): drafting, review, approval, signing, numbering and issuing,
 * electronic sending, recall and update. Every change commits through commitChange (the document,
 * its audit record and its events in one transaction); numbers come from the agency's registration
 * book with withNextNumber (gapless, no duplicates). Keys: ./keys.ts; lifecycle: ./workflow.ts.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  DocumentChangeRequestedV1,
  DocumentIssuedV1,
  DocumentSentV1,
} from '#events/documents/document-events.v1.ts';
import { getAgency } from '../agencies/repository.ts';
import { vietnamDayOf } from '../calendar/civil-date.ts';
import { getStoredFile } from '../files/repository.ts';
import type { Principal } from '../http/auth.ts';
import {
  ConflictError,
  type FieldIssue,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../http/errors.ts';
import { assertIfMatch } from '../http/etag.ts';
import type { Page } from '../http/pagination.ts';
import { withNextNumber } from '../numbering/counter.ts';
import { ddb } from '../platform/aws-clients.ts';
import { type ChangeContext, commitChange, type DomainWrite, type PendingEvent } from '../platform/change.ts';
import { queryPage } from '../platform/query.ts';
import { nowIso, stripKeys, tableName } from '../platform/table.ts';
import {
  type Acting,
  type Authorize,
  actorName,
  periodRange,
  versionedPut,
  vietnamYearOf,
} from './common.ts';
import type {
  Attachment,
  DraftDocument,
  OutgoingDocument,
  RecipientStatus,
  StatusReport,
} from './document.ts';
import {
  bookCounterKey,
  ENTITY_OUTGOING,
  ENTITY_RECIPIENT,
  outboxPartition,
  outgoingIndexKeys,
  outgoingKey,
  recipientIndexKeys,
  recipientKey,
  sentToPartition,
} from './keys.ts';
import {
  currentCode,
  DEFAULT_OUTGOING_BOOK,
  isSendableElectronically,
  numberNotation,
  type OutgoingAction,
  type OutgoingStatus,
  outgoingTransition,
  STATUS_CODES,
  type Urgency,
} from './workflow.ts';

const toItem = (document: OutgoingDocument) => ({
  ...outgoingKey(document.id),
  ...outgoingIndexKeys(document),
  entityType: ENTITY_OUTGOING,
  ...document,
});
const toDocument = (item: Record<string, unknown>) => stripKeys(item) as unknown as OutgoingDocument;

/** The document as events carry it (OutgoingSummary of events/documents). */
export function outgoingSummary(document: OutgoingDocument) {
  return {
    id: document.id,
    agencyCode: document.agencyCode,
    type: document.type,
    urgency: document.urgency,
    confidentiality: document.confidentiality,
    book: document.book!,
    year: document.year!,
    number: document.number!,
    numberNotation: document.numberNotation!,
    issuedAt: document.issuedAt!,
    signedDigitally: document.signedDigitally,
    recipientCount: document.recipients.length,
  };
}

/** Staff act for their own agency only. */
function actingAgency(principal: Principal): string {
  if (!principal.agencyCode) throw new ForbiddenError('Only agency staff handle official documents');
  return principal.agencyCode;
}

/**
 * Attachments must be confirmed `document-attachment` uploads of the drafting agency, with exactly
 * one main text, a PDF (the file that is signed).
 */
export async function checkAttachments(
  attachments: readonly { fileId: string; main: boolean }[],
  agencyCode: string,
  path = 'body.attachments',
  authorize?: Authorize,
): Promise<Attachment[]> {
  const issues: FieldIssue[] = [];
  const checked: Attachment[] = [];
  for (const [i, attachment] of attachments.entries()) {
    const file = (await getStoredFile(attachment.fileId, true))?.file;
    // Another agency's file is that agency's resource: the caller's scope decides (403), before
    // anything about it is told.
    if (file && authorize && file.agencyCode !== agencyCode) await authorize({ agencyCode: file.agencyCode });
    const problem = !file
      ? 'No such file'
      : file.agencyCode !== agencyCode
        ? 'The file belongs to another agency'
        : file.purpose !== 'document-attachment'
          ? 'The file was not uploaded as a document-attachment'
          : file.status !== 'confirmed'
            ? `The file is ${file.status}; confirm it first (POST /v1/files/{id}/confirm)`
            : attachment.main && file.contentType !== 'application/pdf'
              ? 'The main text must be a PDF'
              : undefined;
    if (problem || !file) {
      issues.push({ path: `${path}.${i}.fileId`, message: problem ?? 'No such file', code: 'invalid_file' });
      continue;
    }
    checked.push({
      fileId: file.id,
      fileName: file.fileName,
      contentType: file.contentType,
      size: file.size,
      sha256: file.sha256,
      main: attachment.main,
    });
  }
  if (new Set(attachments.map((a) => a.fileId)).size !== attachments.length) {
    issues.push({ path, message: 'A file is attached twice', code: 'duplicate' });
  }
  if (attachments.filter((a) => a.main).length !== 1) {
    issues.push({
      path,
      message: 'Mark exactly one attachment as the main text (main: true)',
      code: 'main_required',
    });
  }
  if (issues.length) throw new ValidationError(issues, 'Some attachments cannot be used');
  return checked;
}

export async function draftDocument(
  input: DraftDocument,
  principal: Principal,
  context: ChangeContext,
  authorize: Authorize,
): Promise<OutgoingDocument> {
  const agencyCode = actingAgency(principal);
  await authorize({ agencyCode });
  const agency = await getAgency(agencyCode);
  if (!agency) throw new ForbiddenError('Your agency is not in the registry');
  const issues: FieldIssue[] = [];
  const recipients = [...new Set(input.recipients)];
  for (const [i, code] of recipients.entries()) {
    if (code === agencyCode) {
      issues.push({
        path: `body.recipients.${i}`,
        message: 'An agency does not send to itself',
        code: 'self',
      });
    } else if (!(await getAgency(code))) {
      issues.push({
        path: `body.recipients.${i}`,
        message: `No agency ${code} in this province`,
        code: 'not_found',
      });
    }
  }
  if (issues.length) throw new ValidationError(issues, 'Some recipients cannot receive documents');
  const attachments = await checkAttachments(input.attachments, agencyCode, 'body.attachments', authorize);
  const now = nowIso();
  const document: OutgoingDocument = {
    id: randomUUID(),
    agencyCode,
    agencyName: agency.name,
    type: input.type,
    notation: input.notation,
    subject: input.subject,
    ...(input.content ? { content: input.content } : {}),
    urgency: input.urgency,
    confidentiality: input.confidentiality,
    signer: input.signer,
    recipients,
    ...(input.replyDueDate ? { replyDueDate: input.replyDueDate } : {}),
    ...(input.issuePlace ? { issuePlace: input.issuePlace } : {}),
    attachments,
    status: 'draft',
    signedDigitally: false,
    revision: 0,
    draftedBy: actorName(context),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await commitChange({
    context,
    agencyCode,
    action: 'document.drafted',
    entity: { type: ENTITY_OUTGOING, id: document.id },
    after: document,
    writes: [versionedPut(toItem(document), 0, 'document')],
  });
  return document;
}

export async function getOutgoing(id: string): Promise<OutgoingDocument | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: outgoingKey(id), ConsistentRead: true }),
  );
  return Item ? toDocument(Item) : undefined;
}

export async function requireOutgoing(id: string): Promise<OutgoingDocument> {
  const document = await getOutgoing(id);
  if (!document) throw new NotFoundError('No such document');
  return document;
}

/** Loads the document, checks the caller's agency, If-Match and the lifecycle rule. */
async function prepare(id: string, action: OutgoingAction, acting: Acting) {
  const before = await requireOutgoing(id);
  await acting.authorize({ agencyCode: before.agencyCode });
  if (acting.principal.agencyCode !== before.agencyCode) {
    throw new ForbiddenError(`"${action}" is done by the issuing agency ${before.agencyCode}`);
  }
  assertIfMatch(acting.ifMatch, before.version);
  const verdict = outgoingTransition(before.status, action, acting.principal.roles);
  if (!verdict.ok) {
    if (verdict.reason === 'role') throw new ForbiddenError(verdict.detail);
    throw new ConflictError(verdict.detail, { status: before.status });
  }
  return { before, next: verdict.next };
}

const nextVersion = (before: OutgoingDocument, status: OutgoingStatus, now: string): OutgoingDocument => ({
  ...before,
  status,
  version: before.version + 1,
  updatedAt: now,
});

/** submit / return / approve: changes of status only. */
export async function moveOutgoing(
  id: string,
  action: 'submit' | 'return' | 'approve',
  note: string | undefined,
  acting: Acting,
): Promise<OutgoingDocument> {
  const { before, next: status } = await prepare(id, action, acting);
  const after = nextVersion(before, status, nowIso());
  // A returned draft loses an earlier signature: the text may change before it is signed again.
  if (action === 'return' && after.signature) {
    delete after.signature;
    after.signedDigitally = false;
  }
  await commitChange({
    context: acting.context,
    agencyCode: before.agencyCode,
    action: `document.${action}`,
    entity: { type: ENTITY_OUTGOING, id },
    before,
    after: { ...after, ...(note ? { note } : {}) },
    writes: [versionedPut(toItem(after), before.version, 'document')],
  });
  return after;
}

/** The signed main text a leader produced with the signing API, checked by the caller (./signing.ts). */
export interface SignedMainText {
  readonly attachment: Attachment;
  readonly signerName: string;
  readonly serialNumber: string;
  readonly signingTime?: string | undefined;
}

/** Seals the signed main text of a document being issued: the sealed PDF and its file record to commit. */
export type Seal = (document: OutgoingDocument) => Promise<{ attachment: Attachment; write: DomainWrite }>;

/** approved → signed: the signed PDF replaces the draft main text. */
export async function recordSignature(
  id: string,
  acting: Acting,
  check: (before: OutgoingDocument) => Promise<SignedMainText>,
): Promise<OutgoingDocument> {
  const { before, next: status } = await prepare(id, 'sign', acting);
  const signed = await check(before);
  const after: OutgoingDocument = {
    ...nextVersion(before, status, nowIso()),
    attachments: before.attachments.map((attachment) => (attachment.main ? signed.attachment : attachment)),
    signedDigitally: true,
    signature: {
      fileId: signed.attachment.fileId,
      signerName: signed.signerName,
      serialNumber: signed.serialNumber,
      ...(signed.signingTime ? { signingTime: signed.signingTime } : {}),
    },
  };
  await commitChange({
    context: acting.context,
    agencyCode: before.agencyCode,
    action: 'document.signed',
    entity: { type: ENTITY_OUTGOING, id },
    before,
    after,
    writes: [versionedPut(toItem(after), before.version, 'document')],
  });
  return after;
}

/**
 * approved|signed → issued: takes the next number of the agency's outgoing book for the year, in the
 * same transaction as the document (gapless, no duplicates, whatever the concurrency).
 */
export async function issueDocument(
  id: string,
  book: string | undefined,
  acting: Acting,
  seal?: Seal,
): Promise<OutgoingDocument> {
  const { before, next: status } = await prepare(id, 'issue', acting);
  const bookCode = book ?? DEFAULT_OUTGOING_BOOK;
  const year = vietnamYearOf(nowIso());
  return withNextNumber(bookCounterKey(before.agencyCode, bookCode, year), async (number, counterWrite) => {
    const now = nowIso();
    let after: OutgoingDocument = {
      ...nextVersion(before, status, now),
      book: bookCode,
      year,
      number,
      numberNotation: numberNotation(number, before.notation),
      issuedAt: now,
      issuedDate: vietnamDayOf(new Date(now)),
    };
    const extraWrites: DomainWrite[] = [];
    if (seal && before.signedDigitally) {
      // The agency's seal over the leader's signature (a second PAdES signature, incremental update).
      const sealed = await seal(after);
      after = {
        ...after,
        attachments: after.attachments.map((a) => (a.main ? sealed.attachment : a)),
        sealed: true,
      };
      extraWrites.push(sealed.write);
    }
    const agency = await getAgency(before.agencyCode);
    await commitChange({
      context: acting.context,
      agencyCode: before.agencyCode,
      action: 'document.issued',
      entity: { type: ENTITY_OUTGOING, id },
      before,
      after,
      writes: [counterWrite, versionedPut(toItem(after), before.version, 'document'), ...extraWrites],
      events: [
        {
          contract: DocumentIssuedV1,
          data: { document: outgoingSummary(after) },
          recipients: [...(agency?.ancestors ?? []), before.agencyCode],
        },
      ],
    });
    return after;
  });
}

function recipientItem(sender: string, status: RecipientStatus) {
  return {
    ...recipientKey(status.documentId, status.recipientAgency),
    ...recipientIndexKeys(sender, status),
    entityType: ENTITY_RECIPIENT,
    ...status,
  };
}

/**
 * Sends an issued document to its recipients (all, or those not yet sent to). Secret documents are
 * recorded and issued, but never sent electronically.
 */
export async function sendDocument(
  id: string,
  acting: Acting,
): Promise<{ document: OutgoingDocument; sentTo: string[] }> {
  const before = await requireOutgoing(id);
  await acting.authorize({ agencyCode: before.agencyCode });
  if (acting.principal.agencyCode !== before.agencyCode) {
    throw new ForbiddenError(`Sending is done by the issuing agency ${before.agencyCode}`);
  }
  if (!acting.principal.roles.some((role) => role === 'clerk' || role === 'leader')) {
    throw new ForbiddenError('"send" is done by: clerk, leader');
  }
  assertIfMatch(acting.ifMatch, before.version);
  if (!isSendableElectronically(before.confidentiality)) {
    throw new ConflictError(
      `The document is marked ${before.confidentiality} (độ mật): secret documents are never sent electronically; deliver it on paper`,
      { confidentiality: before.confidentiality },
    );
  }
  if (before.status !== 'issued') {
    throw new ConflictError('Only an issued document is sent; issue it first', { status: before.status });
  }
  const already = new Set((await recipientStatuses(id)).map((status) => status.recipientAgency));
  const sentTo = before.recipients.filter((code) => !already.has(code));
  if (sentTo.length === 0) throw new ConflictError('The document was already sent to every recipient');
  const now = nowIso();
  const after: OutgoingDocument = {
    ...before,
    sentAt: before.sentAt ?? now,
    version: before.version + 1,
    updatedAt: now,
  };
  const writes: DomainWrite[] = [
    versionedPut(toItem(after), before.version, 'document'),
    ...sentTo.map((recipientAgency) =>
      versionedPut(
        recipientItem(before.agencyCode, {
          documentId: id,
          recipientAgency,
          code: null,
          status: null,
          incomingId: null,
          sentAt: now,
          history: [],
        }),
        0,
        'recipient list',
      ),
    ),
  ];
  await commitChange({
    context: acting.context,
    agencyCode: before.agencyCode,
    action: 'document.sent',
    entity: { type: ENTITY_OUTGOING, id },
    before,
    after,
    writes,
    events: [
      {
        contract: DocumentSentV1,
        data: { document: outgoingSummary(after), sentTo },
        recipients: [before.agencyCode, ...sentTo],
      },
    ],
  });
  return { document: after, sentTo };
}

export async function recipientStatuses(id: string): Promise<RecipientStatus[]> {
  const { Items = [] } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :rcpt)',
      ExpressionAttributeValues: { ':pk': `DOC#${id}`, ':rcpt': 'RCPT#' },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => withCurrentCode(stripKeys(item) as unknown as RecipientStatus));
}

/**
 * Reports are appended as they arrive, which is not always the order they happened in at the
 * recipient (events are delivered concurrently): the history is shown in the order they happened.
 */
function withCurrentCode(status: RecipientStatus): RecipientStatus {
  const code = currentCode(status.history);
  const history = status.history
    .map((entry, arrival) => ({ entry, arrival }))
    .sort((a, b) => (a.entry.at < b.entry.at ? -1 : a.entry.at > b.entry.at ? 1 : a.arrival - b.arrival))
    .map(({ entry }) => entry);
  return { ...status, history, code, status: code ? STATUS_CODES[code] : null };
}

export interface ChangeRequest {
  readonly kind: 'recall' | 'update';
  readonly reason: string;
  /** Default: every recipient the document was sent to. */
  readonly recipients?: readonly string[] | undefined;
  /** Update: the corrected fields (and attachments) of the sent document. */
  readonly update?: {
    readonly subject?: string | undefined;
    readonly content?: string | undefined;
    readonly replyDueDate?: string | undefined;
    readonly attachments?: readonly { fileId: string; main: boolean }[] | undefined;
  };
}

/**
 * Recall (thu hồi, status 13) or update/replacement of a sent document: the recipients are asked and
 * answer 15 (accepted) or 16 (refused). An update takes effect in the sender's document now (new
 * revision); each recipient's copy takes it when the recipient accepts.
 */
export async function requestChange(
  id: string,
  request: ChangeRequest,
  acting: Acting,
): Promise<OutgoingDocument> {
  const before = await requireOutgoing(id);
  await acting.authorize({ agencyCode: before.agencyCode });
  if (acting.principal.agencyCode !== before.agencyCode) {
    throw new ForbiddenError(`Only the issuing agency ${before.agencyCode} recalls or updates it`);
  }
  if (!acting.principal.roles.some((role) => role === 'clerk' || role === 'leader')) {
    throw new ForbiddenError(`"${request.kind}" is done by: clerk, leader`);
  }
  assertIfMatch(acting.ifMatch, before.version);
  const sent = await recipientStatuses(id);
  if (sent.length === 0) throw new ConflictError('The document was not sent yet', { status: before.status });
  const known = new Set(sent.map((s) => s.recipientAgency));
  const askedOf = [...new Set(request.recipients ?? [...known])];
  const unknown = askedOf.filter((code) => !known.has(code));
  if (unknown.length) {
    throw new ValidationError(
      unknown.map((code) => ({
        path: 'body.recipients',
        message: `The document was not sent to ${code}`,
        code: 'not_sent',
      })),
    );
  }
  const now = nowIso();
  let after: OutgoingDocument = { ...before, version: before.version + 1, updatedAt: now };
  if (request.kind === 'update') {
    const update = request.update ?? {};
    if (!update.subject && !update.content && !update.replyDueDate && !update.attachments) {
      throw new ValidationError([
        { path: 'body.update', message: 'Give at least one corrected field', code: 'required' },
      ]);
    }
    after = {
      ...after,
      revision: before.revision + 1,
      ...(update.subject ? { subject: update.subject } : {}),
      ...(update.content ? { content: update.content } : {}),
      ...(update.replyDueDate ? { replyDueDate: update.replyDueDate } : {}),
      ...(update.attachments
        ? {
            attachments: await checkAttachments(
              update.attachments,
              before.agencyCode,
              'body.update.attachments',
            ),
          }
        : {}),
    };
  }
  const writes: DomainWrite[] = [versionedPut(toItem(after), before.version, 'document')];
  if (request.kind === 'recall') {
    const entry: StatusReport = { code: '13', at: now, reason: request.reason };
    for (const code of askedOf) writes.push(appendReport(id, code, entry));
  }
  const events: PendingEvent[] = [
    {
      contract: DocumentChangeRequestedV1,
      data: { documentId: id, kind: request.kind, reason: request.reason, revision: after.revision, askedOf },
      recipients: [before.agencyCode, ...askedOf],
    },
  ];
  await commitChange({
    context: acting.context,
    agencyCode: before.agencyCode,
    action: `document.${request.kind}-requested`,
    entity: { type: ENTITY_OUTGOING, id },
    before,
    after,
    writes,
    events,
  });
  return after;
}

/** Appends a status report to a recipient's history (the recipient item must exist). */
export function appendReport(
  documentId: string,
  recipientAgency: string,
  entry: StatusReport,
  incomingId?: string,
): DomainWrite {
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: recipientKey(documentId, recipientAgency),
        UpdateExpression: `SET #history = list_append(#history, :entry)${incomingId ? ', incomingId = :incoming' : ''}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#history': 'history' },
        ExpressionAttributeValues: { ':entry': [entry], ...(incomingId ? { ':incoming': incomingId } : {}) },
      },
    },
    onConditionFailed: () =>
      new NotFoundError(`${recipientAgency} is not a recipient of document ${documentId}`),
  };
}

export interface OutgoingFilter {
  readonly agencyCode: string;
  readonly status?: OutgoingStatus | undefined;
  readonly recipient?: string | undefined;
  readonly type?: string | undefined;
  readonly urgency?: Urgency | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

type KeyQuery = Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>;

/** Adds the period (sort-key range) and the narrow filters to a partition query. */
export function boxQuery(
  index: 'GSI1' | 'GSI2' | 'GSI3',
  partition: string,
  filter: {
    from?: string | undefined;
    to?: string | undefined;
    type?: string | undefined;
    urgency?: string | undefined;
  },
  extra: { condition?: string; values?: Record<string, unknown> } = {},
): KeyQuery {
  const values: Record<string, unknown> = { ':pk': partition, ...extra.values };
  let condition = `${index}PK = :pk`;
  const range = periodRange(filter.from, filter.to);
  if (extra.condition) condition += ` AND ${extra.condition}`;
  else if (range) {
    condition += ` AND ${index}SK BETWEEN :low AND :high`;
    values[':low'] = range.low;
    values[':high'] = range.high;
  }
  const filters: string[] = [];
  const names: Record<string, string> = {};
  if (filter.type) {
    filters.push('#type = :type');
    names['#type'] = 'type';
    values[':type'] = filter.type;
  }
  if (filter.urgency) {
    filters.push('urgency = :urgency');
    values[':urgency'] = filter.urgency;
  }
  return {
    IndexName: index,
    KeyConditionExpression: condition,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
  };
}

export async function listOutgoing(filter: OutgoingFilter): Promise<Page<OutgoingDocument>> {
  if (filter.recipient) {
    // Documents sent to one recipient: a page of its recipient items (by date sent), then the documents.
    const pk = sentToPartition(filter.agencyCode, filter.recipient);
    const page = await queryPage(
      boxQuery('GSI1', pk, { from: filter.from, to: filter.to }),
      { limit: filter.limit, cursor: filter.cursor, pinned: { GSI1PK: pk } },
      (item) => item.documentId as string,
    );
    const documents = await Promise.all(page.items.map((id) => requireOutgoing(id)));
    return {
      items: documents.filter(
        (d) => (!filter.type || d.type === filter.type) && (!filter.urgency || d.urgency === filter.urgency),
      ),
      nextCursor: page.nextCursor,
    };
  }
  const index = filter.status ? 'GSI1' : 'GSI2';
  const pk = outboxPartition(filter.agencyCode, filter.status);
  return queryPage(
    boxQuery(index, pk, filter),
    { limit: filter.limit, cursor: filter.cursor, pinned: { [`${index}PK`]: pk } },
    toDocument,
  );
}
