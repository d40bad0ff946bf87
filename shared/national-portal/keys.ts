/**
 * Keys of the national-portal sync log: one record per push (or, with the local stand-in, per push
 * that would have been made), in the dossier's own partition of this log.
 *
 * | access pattern                                   | index | PK                              | SK                                |
 * |--------------------------------------------------|-------|---------------------------------|-----------------------------------|
 * | what was pushed for a dossier, in order          | table | `NATIONAL-PORTAL#<dossierId>`   | `<occurredAt>#<eventId>#<n>`      |
 *
 * The key is deterministic (the causing event and the push's position in it), so a conditional put
 * records a push once even when the event is replayed after its dedupe marker expired.
 */

export const ENTITY_NATIONAL_PORTAL_RECORD = 'national-portal-record';

export const syncLogPartition = (dossierId: string) => `NATIONAL-PORTAL#${dossierId}`;

export const syncRecordKey = (dossierId: string, occurredAt: string, eventId: string, n: number) => ({
  PK: syncLogPartition(dossierId),
  SK: `${occurredAt}#${eventId}#${n}`,
});
