/**
 * The document exchange inside a province stack (the local leg of the national exchange axis):
 * - DocumentSent → an incoming document in each recipient agency's inbox (status 01 reported);
 * - DocumentChangeRequested → the recall/update request marked on each recipient's copy;
 * - DocumentStatusReported → the code appended to the sender's per-recipient status.
 * Each effect is exactly-once: the copy per (agency, document) is guarded by its INREF item, and the
 * other effects commit the consumer's dedupe marker in their transaction.
 */
import { randomUUID } from 'node:crypto';
import type * as z from 'zod/mini';
import {
  DocumentChangeRequestedV1,
  DocumentSentV1,
  DocumentStatusReportedV1,
} from '#events/documents/document-events.v1.ts';
import type { EventContract, EventDetail } from '#events/envelope.ts';
import { getAgency } from '../agencies/repository.ts';
import type { ConsumerContext } from '../events/consumer.ts';
import { logger } from '../platform/observability.ts';
import { commitChange } from '../platform/change.ts';
import { nowIso } from '../platform/table.ts';
import type { IncomingDocument } from './document.ts';
import { AlreadyReceivedError, incomingIdFor, markRequest, receiveIncoming } from './incoming.ts';
import { ENTITY_RECIPIENT } from './keys.ts';
import { appendReport, requireOutgoing } from './outgoing.ts';

type Data<C> = C extends EventContract<infer S> ? z.output<S> : never;

/** The copy of an outgoing document an agency receives. */
export function incomingCopy(
  source: Awaited<ReturnType<typeof requireOutgoing>>,
  agencyCode: string,
  receivedAt: string,
): IncomingDocument {
  return {
    id: randomUUID(),
    agencyCode,
    source: {
      channel: 'internal',
      organId: source.agencyCode,
      organName: source.agencyName,
      documentId: source.id,
      revision: source.revision,
    },
    type: source.type,
    notation: source.notation,
    number: source.number!,
    numberNotation: source.numberNotation!,
    issuedDate: source.issuedDate!,
    ...(source.issuePlace ? { issuePlace: source.issuePlace } : {}),
    subject: source.subject,
    ...(source.content ? { content: source.content } : {}),
    urgency: source.urgency,
    signer: source.signer,
    ...(source.replyDueDate ? { replyDueDate: source.replyDueDate, dueDate: source.replyDueDate } : {}),
    attachments: source.attachments,
    status: 'received',
    receivedAt,
    history: [{ at: receivedAt, action: 'receive', by: 'exchange', code: '01' }],
    version: 1,
    updatedAt: receivedAt,
  };
}

async function deliver(detail: EventDetail<Data<typeof DocumentSentV1>>, context: ConsumerContext) {
  const source = await requireOutgoing(detail.data.document.id);
  for (const agencyCode of detail.data.sentTo) {
    if (!(await getAgency(agencyCode))) {
      logger.warn('recipient agency no longer exists', { agencyCode, documentId: source.id });
      continue;
    }
    try {
      await receiveIncoming(incomingCopy(source, agencyCode, nowIso()), context.change);
    } catch (error) {
      if (!(error instanceof AlreadyReceivedError)) throw error;
    }
  }
}

async function markChange(detail: EventDetail<Data<typeof DocumentChangeRequestedV1>>, context: ConsumerContext) {
  const { documentId, kind, reason, revision, askedOf } = detail.data;
  for (const agencyCode of askedOf) {
    const incomingId = await incomingIdFor(agencyCode, documentId);
    if (!incomingId) continue; // never arrived (the agency left the tree): nothing to recall there
    await markRequest(incomingId, { kind, reason, revision, requestedAt: detail.occurredAt }, context.change, []);
  }
}

async function recordReport(detail: EventDetail<Data<typeof DocumentStatusReportedV1>>, context: ConsumerContext) {
  const { documentId, incomingId, senderAgency, recipientAgency, code, at, reason } = detail.data;
  await commitChange({
    context: context.change,
    agencyCode: senderAgency,
    action: 'document.status-reported',
    entity: { type: ENTITY_RECIPIENT, id: `${documentId}/${recipientAgency}` },
    after: { code, at },
    writes: [appendReport(documentId, recipientAgency, { code, at, ...(reason ? { reason } : {}) }, incomingId), context.consumed],
  });
}

export async function handleExchangeEvent(
  detail: EventDetail<unknown>,
  context: ConsumerContext,
  contract: EventContract,
): Promise<void> {
  switch (contract.detailType) {
    case DocumentSentV1.detailType:
      return deliver(detail as EventDetail<Data<typeof DocumentSentV1>>, context);
    case DocumentChangeRequestedV1.detailType:
      return markChange(detail as EventDetail<Data<typeof DocumentChangeRequestedV1>>, context);
    case DocumentStatusReportedV1.detailType:
      return recordReport(detail as EventDetail<Data<typeof DocumentStatusReportedV1>>, context);
  }
}
