/**
 * Keys of official documents and the access patterns they serve. Every list is a key query on one
 * partition, with the period as a sort-key range; type and urgency are narrow filters applied
 * inside that partition and period (house style §6). Written down in docs/documents.md too.
 *
 * | access pattern                                        | index | PK                                | SK                      |
 * |-------------------------------------------------------|-------|-----------------------------------|-------------------------|
 * | an outgoing document                                  | table | `DOC#<id>`                        | `META`                  |
 * | its recipients' status (01…16 per recipient)          | table | `DOC#<id>`                        | `RCPT#<agency>`         |
 * | outgoing box of an agency by status, by date          | GSI1  | `OUTBOX#<agency>#<status>`        | `<date>#<id>`           |
 * | outgoing box of an agency, every status, by date      | GSI2  | `OUTBOX#<agency>`                 | `<date>#<id>`           |
 * | documents an agency sent to one recipient, by date    | GSI1  | `SENTTO#<sender>#<recipient>`     | `<sentAt>#<id>`         | (recipient items)
 * | an incoming document                                  | table | `INDOC#<id>`                      | `META`                  |
 * | inbox of an agency by status, by date received        | GSI1  | `INBOX#<agency>#<status>`         | `<receivedAt>#<id>`     |
 * | inbox of an agency, every status                      | GSI2  | `INBOX#<agency>`                  | `<receivedAt>#<id>`     |
 * | open incoming documents of an agency by due date      | GSI3  | `INDUE#<agency>`                  | `<dueDate>#<id>`        | (overdue = SK < today)
 * | inbox of an agency from one sender                    | GSI1  | `INFROM#<agency>#<sender>`        | `<receivedAt>#<id>`     | (sender item `INDOC#<id>`/`FROM`)
 * | the incoming copy of a sent document in an agency     | table | `INREF#<agency>#<source doc id>`  | `REF`                   | (exactly one per recipient)
 * | registration book counters (gapless)                  | table | `COUNTER#BOOK#<agency>#<book>#<yyyy>` | `COUNTER`           |
 *
 * `<date>` is the issue time once issued, else the last change; dates are ISO 8601 (UTC), so a
 * period `from..to` (Vietnam days) is the range `[from 00:00+07, to 24:00+07)` in UTC.
 */
import type { IncomingDocument, OutgoingDocument, RecipientStatus } from './document.ts';
import { OPEN_INCOMING } from './workflow.ts';

export const ENTITY_OUTGOING = 'document';
export const ENTITY_RECIPIENT = 'document-recipient';
export const ENTITY_INCOMING = 'incoming-document';
export const ENTITY_INCOMING_FROM = 'incoming-document-from';
export const ENTITY_INCOMING_REF = 'incoming-document-ref';

export const outgoingKey = (id: string) => ({ PK: `DOC#${id}`, SK: 'META' });
export const recipientKey = (id: string, agency: string) => ({ PK: `DOC#${id}`, SK: `RCPT#${agency}` });
export const incomingKey = (id: string) => ({ PK: `INDOC#${id}`, SK: 'META' });
export const incomingFromKey = (id: string) => ({ PK: `INDOC#${id}`, SK: 'FROM' });
export const incomingRefKey = (agency: string, sourceId: string) => ({
  PK: `INREF#${agency}#${sourceId}`,
  SK: 'REF',
});
export const bookCounterKey = (agency: string, book: string, year: number) => ({
  PK: `COUNTER#BOOK#${agency}#${book}#${year}`,
  SK: 'COUNTER',
});

export const outboxPartition = (agency: string, status?: string) =>
  status ? `OUTBOX#${agency}#${status}` : `OUTBOX#${agency}`;
export const sentToPartition = (sender: string, recipient: string) => `SENTTO#${sender}#${recipient}`;
export const inboxPartition = (agency: string, status?: string) =>
  status ? `INBOX#${agency}#${status}` : `INBOX#${agency}`;
export const inFromPartition = (agency: string, sender: string) => `INFROM#${agency}#${sender}`;
export const inDuePartition = (agency: string) => `INDUE#${agency}`;

export function outgoingIndexKeys(document: OutgoingDocument) {
  const sk = `${document.issuedAt ?? document.updatedAt}#${document.id}`;
  return {
    GSI1PK: outboxPartition(document.agencyCode, document.status),
    GSI1SK: sk,
    GSI2PK: outboxPartition(document.agencyCode),
    GSI2SK: sk,
  };
}

export function recipientIndexKeys(senderAgency: string, status: RecipientStatus) {
  return {
    GSI1PK: sentToPartition(senderAgency, status.recipientAgency),
    GSI1SK: `${status.sentAt}#${status.documentId}`,
  };
}

export function incomingIndexKeys(document: IncomingDocument) {
  const sk = `${document.receivedAt}#${document.id}`;
  const open = OPEN_INCOMING.includes(document.status);
  return {
    GSI1PK: inboxPartition(document.agencyCode, document.status),
    GSI1SK: sk,
    GSI2PK: inboxPartition(document.agencyCode),
    GSI2SK: sk,
    ...(open && document.dueDate
      ? { GSI3PK: inDuePartition(document.agencyCode), GSI3SK: `${document.dueDate}#${document.id}` }
      : {}),
  };
}

export function incomingFromIndexKeys(document: IncomingDocument) {
  return {
    GSI1PK: inFromPartition(document.agencyCode, document.source.organId),
    GSI1SK: `${document.receivedAt}#${document.id}`,
  };
}
