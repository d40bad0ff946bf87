/**
 * Keys of the transactional outbox and of consumer bookkeeping.
 *
 * | access pattern                                  | index | PK                              | SK                         |
 * |-------------------------------------------------|-------|---------------------------------|----------------------------|
 * | outbox records of a day, in order (replay)      | table | `OUTBOX#<yyyy-mm-dd>`           | `<occurredAt>#<eventId>`   |
 * | "consumer C already applied event E" (dedupe)   | table | `CONSUMED#<consumer>`           | `<eventId>`                |
 * | dead letters of a consumer, in order            | table | `DLQ#<consumer>`                | `<failedAt>#<eventId>`     |
 *
 * Outbox records expire after 30 days, dedupe records after 7 days (EventBridge retries for at most
 * 24 h; the archive replays are deduplicated as long as the marker lives).
 */

export const outboxKey = (occurredAt: string, eventId: string) => ({
  PK: `OUTBOX#${occurredAt.slice(0, 10)}`,
  SK: `${occurredAt}#${eventId}`,
});

export const consumedKey = (consumer: string, eventId: string) => ({
  PK: `CONSUMED#${consumer}`,
  SK: eventId,
});

export const deadLetterKey = (consumer: string, failedAt: string, eventId: string) => ({
  PK: `DLQ#${consumer}`,
  SK: `${failedAt}#${eventId}`,
});

export const ENTITY_OUTBOX = 'outbox';
export const OUTBOX_TTL_SECONDS = 30 * 24 * 3600;
export const CONSUMED_TTL_SECONDS = 7 * 24 * 3600;
