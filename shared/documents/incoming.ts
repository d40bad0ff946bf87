/**
 * Incoming documents (văn bản đến): arrival in an agency's inbox, registration with the next
 * incoming number (số đến), rejection, assignment by a leader, processing, completion, and the
 * answer to a sender's recall or update. Each step of a document sent inside the province reports
 * its exchange status code (01–06, 15/16) back to the sender (DocumentStatusReported).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  DocumentStatusReportedV1,
  IncomingDocumentCompletedV1,
  IncomingDocumentReceivedV1,
  IncomingDocumentRegisteredV1,
} from '#events/documents/document-events.v1.ts';
import { getAgency } from '../agencies/repository.ts';
import { vietnamDayOf } from '../calendar/civil-date.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/errors.ts';
import { assertIfMatch } from '../http/etag.ts';
import type { Page } from '../http/pagination.ts';
import { withNextNumber } from '../numbering/counter.ts';
import { ddb } from '../platform/aws-clients.ts';
import { type ChangeContext, commitChange, type DomainWrite, type PendingEvent } from '../platform/change.ts';
import { queryPage } from '../platform/query.ts';
import { nowIso, stripKeys, tableName } from '../platform/table.ts';
import { type Acting, actorName, versionedPut, vietnamYearOf } from './common.ts';
import type { IncomingAction, IncomingDocument } from './document.ts';
import {
  bookCounterKey,
  ENTITY_INCOMING,
  ENTITY_INCOMING_FROM,
  ENTITY_INCOMING_REF,
  inboxPartition,
  incomingFromIndexKeys,
  incomingFromKey,
  incomingIndexKeys,
  incomingKey,
  incomingRefKey,
  inDuePartition,
  inFromPartition,
} from './keys.ts';
import { boxQuery, requireOutgoing } from './outgoing.ts';
import {
  CODE_OF_INCOMING,
  DEFAULT_INCOMING_BOOK,
  type IncomingStatus,
  incomingTransition,
  OPEN_INCOMING,
  type StatusCode,
  type Urgency,
} from './workflow.ts';

const toItem = (document: IncomingDocument) => ({
  ...incomingKey(document.id),
  ...incomingIndexKeys(document),
  entityType: ENTITY_INCOMING,
  ...document,
});
const toFromItem = (document: IncomingDocument) => ({
  ...incomingFromKey(document.id),
  ...incomingFromIndexKeys(document),
  entityType: ENTITY_INCOMING_FROM,
  id: document.id,
  version: document.version,
  type: document.type,
  urgency: document.urgency,
});
const toDocument = (item: Record<string, unknown>) => stripKeys(item) as unknown as IncomingDocument;

/** The writes of one version of an incoming document: the document and its by-sender index item. */
function incomingWrites(after: IncomingDocument, beforeVersion: number): DomainWrite[] {
  return [
    versionedPut(toItem(after), beforeVersion, 'incoming document'),
    { item: { Put: { TableName: tableName(), Item: toFromItem(after) } } },
  ];
}

/** The incoming document as events carry it (IncomingSummary of events/documents). */
export function incomingSummary(document: IncomingDocument) {
  return {
    id: document.id,
    agencyCode: document.agencyCode,
    senderOrganId: document.source.organId,
    channel: document.source.channel,
    type: document.type,
    urgency: document.urgency,
    receivedAt: document.receivedAt,
    incomingNumber: document.incomingNumber ?? null,
    book: document.book ?? null,
    dueDate: document.dueDate ?? null,
    completedAt: document.completedAt ?? null,
    overdue: document.overdue ?? null,
  };
}

/** The status report to the sender (documents sent inside this province only). */
export function statusReport(
  document: IncomingDocument,
  code: StatusCode,
  at: string,
  reason?: string,
): PendingEvent[] {
  if (document.source.channel !== 'internal') return [];
  return [
    {
      contract: DocumentStatusReportedV1,
      data: {
        documentId: document.source.documentId,
        incomingId: document.id,
        senderAgency: document.source.organId,
        recipientAgency: document.agencyCode,
        code,
        at,
        ...(reason ? { reason } : {}),
      },
      recipients: [document.source.organId],
    },
  ];
}

async function readersOf(agencyCode: string): Promise<string[]> {
  const agency = await getAgency(agencyCode);
  return [...(agency?.ancestors ?? []), agencyCode];
}

/** Thrown when the agency already holds its copy of the source document (a repeated delivery). */
export class AlreadyReceivedError extends Error {
  override name = 'AlreadyReceivedError';
}

/**
 * Puts a new document in an agency's inbox (status 01), exactly once per agency and source document,
 * with `extraWrites` (e.g. imported files) in the same transaction.
 */
export async function receiveIncoming(
  document: IncomingDocument,
  context: ChangeContext,
  extraWrites: readonly DomainWrite[] = [],
): Promise<IncomingDocument> {
  const refKey = incomingRefKey(document.agencyCode, document.source.documentId);
  await commitChange({
    context,
    agencyCode: document.agencyCode,
    action: 'incoming-document.received',
    entity: { type: ENTITY_INCOMING, id: document.id },
    after: document,
    writes: [
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: { ...refKey, entityType: ENTITY_INCOMING_REF, incomingId: document.id },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () => new AlreadyReceivedError(refKey.PK),
      },
      ...incomingWrites(document, 0),
      ...extraWrites,
    ],
    events: [
      {
        contract: IncomingDocumentReceivedV1,
        data: { document: incomingSummary(document) },
        recipients: await readersOf(document.agencyCode),
      },
      ...statusReport(document, '01', document.receivedAt),
    ],
  });
  return document;
}

/** The incoming copy a given agency holds of a source document, if any. */
export async function incomingIdFor(
  agencyCode: string,
  sourceDocumentId: string,
): Promise<string | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({
      TableName: tableName(),
      Key: incomingRefKey(agencyCode, sourceDocumentId),
      ConsistentRead: true,
    }),
  );
  return Item?.incomingId as string | undefined;
}

export async function getIncoming(id: string): Promise<IncomingDocument | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: incomingKey(id), ConsistentRead: true }),
  );
  return Item ? toDocument(Item) : undefined;
}

export async function requireIncoming(id: string): Promise<IncomingDocument> {
  const document = await getIncoming(id);
  if (!document) throw new NotFoundError('No such incoming document');
  return document;
}

async function loadForAgency(id: string, acting: Acting): Promise<IncomingDocument> {
  const before = await requireIncoming(id);
  await acting.authorize({ agencyCode: before.agencyCode });
  if (acting.principal.agencyCode !== before.agencyCode) {
    throw new ForbiddenError(`Only ${before.agencyCode}, which received it, acts on this document`);
  }
  assertIfMatch(acting.ifMatch, before.version);
  return before;
}

const EVENT_OF: Partial<Record<IncomingStatus, typeof IncomingDocumentRegisteredV1>> = {
  registered: IncomingDocumentRegisteredV1,
  completed: IncomingDocumentCompletedV1,
};

/** register / reject / assign / start / complete. */
export async function actOnIncoming(
  id: string,
  input: IncomingAction,
  acting: Acting,
): Promise<IncomingDocument> {
  const before = await loadForAgency(id, acting);
  const verdict = incomingTransition(before.status, input.action, acting.principal.roles);
  if (!verdict.ok) {
    if (verdict.reason === 'role') throw new ForbiddenError(verdict.detail);
    throw new ConflictError(verdict.detail, { status: before.status });
  }
  if (before.pendingRequest?.kind === 'recall') {
    throw new ConflictError('The sender asked to recall this document: answer the recall first', {
      pendingRequest: before.pendingRequest,
    });
  }
  const by = actorName(acting.context);
  const commit = async (after: IncomingDocument, counterWrite?: DomainWrite) => {
    const code = CODE_OF_INCOMING[after.status as Exclude<IncomingStatus, 'recalled'>];
    const reason = input.action === 'reject' ? input.reason : 'note' in input ? input.note : undefined;
    after.history = [
      ...before.history,
      { at: after.updatedAt, action: input.action, by, code, ...(reason ? { note: reason } : {}) },
    ];
    const event = EVENT_OF[after.status];
    await commitChange({
      context: acting.context,
      agencyCode: before.agencyCode,
      action: `incoming-document.${input.action}`,
      entity: { type: ENTITY_INCOMING, id },
      before,
      after,
      writes: [...(counterWrite ? [counterWrite] : []), ...incomingWrites(after, before.version)],
      events: [
        ...(event
          ? [
              {
                contract: event,
                data: { document: incomingSummary(after) },
                recipients: await readersOf(before.agencyCode),
              },
            ]
          : []),
        ...statusReport(after, code, after.updatedAt, reason),
      ],
    });
    return after;
  };
  const base = (now: string): IncomingDocument => ({
    ...before,
    status: verdict.next,
    version: before.version + 1,
    updatedAt: now,
  });

  switch (input.action) {
    case 'register': {
      const book = input.book ?? DEFAULT_INCOMING_BOOK;
      const year = vietnamYearOf(nowIso());
      return withNextNumber(bookCounterKey(before.agencyCode, book, year), (number, counterWrite) => {
        const now = nowIso();
        return commit({ ...base(now), book, year, incomingNumber: number, registeredAt: now }, counterWrite);
      });
    }
    case 'reject': {
      const now = nowIso();
      return commit({ ...base(now), rejection: { reason: input.reason, at: now } });
    }
    case 'assign': {
      const now = nowIso();
      const dueDate = input.dueDate ?? before.dueDate;
      return commit({
        ...base(now),
        assignment: {
          unit: input.unit,
          ...(input.assignee ? { assignee: input.assignee } : {}),
          ...(input.note ? { note: input.note } : {}),
          by,
          at: now,
        },
        ...(dueDate ? { dueDate } : {}),
      });
    }
    case 'start':
      return commit(base(nowIso()));
    case 'complete': {
      const now = nowIso();
      const day = vietnamDayOf(new Date(now));
      return commit({
        ...base(now),
        completedAt: now,
        overdue: before.dueDate ? day > before.dueDate : false,
      });
    }
  }
}

/**
 * The agency's answer to the sender's pending recall or update: accepted (15) or refused (16). An
 * accepted recall closes the document (`recalled`); an accepted update takes the sender's revision.
 */
export async function answerRequest(
  id: string,
  answer: { accept: boolean; note?: string | undefined },
  acting: Acting,
): Promise<IncomingDocument> {
  const before = await loadForAgency(id, acting);
  if (!acting.principal.roles.some((role) => role === 'clerk' || role === 'leader')) {
    throw new ForbiddenError('Recalls and updates are answered by: clerk, leader');
  }
  const request = before.pendingRequest;
  if (!request) throw new ConflictError('The sender asked for nothing', { status: before.status });
  const now = nowIso();
  let after: IncomingDocument = { ...before, version: before.version + 1, updatedAt: now };
  delete after.pendingRequest;
  if (answer.accept && request.kind === 'recall') after.status = 'recalled';
  if (answer.accept && request.kind === 'update' && before.source.channel === 'internal') {
    const source = await requireOutgoing(before.source.documentId);
    after = {
      ...after,
      subject: source.subject,
      attachments: source.attachments,
      source: { ...before.source, revision: source.revision },
      ...(source.content ? { content: source.content } : {}),
      ...(source.replyDueDate ? { replyDueDate: source.replyDueDate } : {}),
    };
  }
  const code: StatusCode = answer.accept ? '15' : '16';
  after.history = [
    ...before.history,
    {
      at: now,
      action: `${answer.accept ? 'accept' : 'refuse'}-${request.kind}`,
      by: actorName(acting.context),
      code,
      ...(answer.note ? { note: answer.note } : {}),
    },
  ];
  await commitChange({
    context: acting.context,
    agencyCode: before.agencyCode,
    action: `incoming-document.${request.kind}-${answer.accept ? 'accepted' : 'refused'}`,
    entity: { type: ENTITY_INCOMING, id },
    before,
    after,
    writes: incomingWrites(after, before.version),
    events: statusReport(after, code, now, answer.note),
  });
  return after;
}

/** Marks the sender's recall or update request on an agency's copy (from DocumentChangeRequested). */
export async function markRequest(
  id: string,
  request: NonNullable<IncomingDocument['pendingRequest']>,
  context: ChangeContext,
  extraWrites: readonly DomainWrite[],
): Promise<void> {
  const before = await requireIncoming(id);
  // A repeated delivery of the same request changes nothing.
  if (before.pendingRequest?.requestedAt === request.requestedAt) return;
  const after: IncomingDocument = {
    ...before,
    pendingRequest: request,
    version: before.version + 1,
    updatedAt: nowIso(),
    history: [
      ...before.history,
      {
        at: request.requestedAt,
        action: `${request.kind}-requested`,
        by: before.source.organId,
        ...(request.kind === 'recall' ? { code: '13' } : {}),
        note: request.reason,
      },
    ],
  };
  await commitChange({
    context,
    agencyCode: before.agencyCode,
    action: `incoming-document.${request.kind}-requested`,
    entity: { type: ENTITY_INCOMING, id },
    before,
    after,
    writes: [...incomingWrites(after, before.version), ...extraWrites],
  });
}

export interface IncomingFilter {
  readonly agencyCode: string;
  readonly status?: IncomingStatus | undefined;
  readonly sender?: string | undefined;
  readonly due?: 'overdue' | undefined;
  readonly type?: string | undefined;
  readonly urgency?: Urgency | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

export async function listIncoming(filter: IncomingFilter): Promise<Page<IncomingDocument>> {
  const page = { limit: filter.limit, cursor: filter.cursor };
  if (filter.due === 'overdue') {
    // Open documents whose due day has passed (before today, Vietnam time), earliest due first.
    const pk = inDuePartition(filter.agencyCode);
    const query = boxQuery('GSI3', pk, filter, {
      condition: 'GSI3SK < :today',
      values: { ':today': vietnamDayOf(new Date(nowIso())) },
    });
    return queryPage({ ...query, ScanIndexForward: true }, { ...page, pinned: { GSI3PK: pk } }, toDocument);
  }
  if (filter.sender) {
    const pk = inFromPartition(filter.agencyCode, filter.sender);
    const ids = await queryPage(
      boxQuery('GSI1', pk, filter),
      { ...page, pinned: { GSI1PK: pk } },
      (item) => item.id as string,
    );
    const documents = await Promise.all(ids.items.map((id) => requireIncoming(id)));
    return {
      items: documents.filter((d) => !filter.status || d.status === filter.status),
      nextCursor: ids.nextCursor,
    };
  }
  const index = filter.status ? 'GSI1' : 'GSI2';
  const pk = inboxPartition(filter.agencyCode, filter.status);
  return queryPage(boxQuery(index, pk, filter), { ...page, pinned: { [`${index}PK`]: pk } }, toDocument);
}

export const isOpen = (document: IncomingDocument): boolean => OPEN_INCOMING.includes(document.status);
