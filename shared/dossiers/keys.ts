/**
 * Keys of dossiers and the access patterns they serve. Every list is a key query: an agency's
 * queue costs the same however many dossiers other agencies hold.
 *
 * | access pattern                                   | index | PK                               | SK                          |
 * |--------------------------------------------------|-------|----------------------------------|-----------------------------|
 * | a dossier                                        | table | `DOSSIER#<id>`                   | `META`                      |
 * | its history, in order                            | table | `DOSSIER#<id>`                   | `H#<at>#<version>`          |
 * | an agency's queue by status, by due date         | GSI1  | `QUEUE#<agency>#<status>`        | `<dueAt or submittedAt>#<id>` |
 * |   … due soon / overdue                           | GSI1  | same                             | `< now+2d` / `< now`        |
 * | a specialist's assigned dossiers, by due date    | GSI2  | `ASSIGNEE#<username>`            | `<dueAt>#<id>`              |
 * | a citizen's own dossiers, newest first           | GSI3  | `OWNER#<sub>`                    | `<submittedAt>#<id>`        |
 * | public lookup by dossier number                  | table | `DOSSIERNO#<code>`               | `LOOKUP`                    |
 * | dossier numbers of an agency and day (gapless)   | table | `COUNTER#DOSSIER#<agency>#<yymmdd>` | `COUNTER`                |
 * | public-lookup rate limits                        | table | `RATE#<bucket>`                  | `<window>` (TTL)            |
 */
import type { Dossier } from './dossier.ts';
import { FINAL_STATUSES } from './state-machine.ts';

export const ENTITY_DOSSIER = 'dossier';

export const dossierKey = (id: string) => ({ PK: `DOSSIER#${id}`, SK: 'META' });
/** One entry per version of the dossier, so two changes in the same millisecond never collide. */
export const historyKey = (id: string, at: string, version: number) => ({
  PK: `DOSSIER#${id}`,
  SK: `H#${at}#${String(version).padStart(6, '0')}`,
});
export const lookupKey = (code: string) => ({ PK: `DOSSIERNO#${code}`, SK: 'LOOKUP' });
export const numberCounterKey = (agencyCode: string, yymmdd: string) => ({
  PK: `COUNTER#DOSSIER#${agencyCode}#${yymmdd}`,
  SK: 'COUNTER',
});
export const queuePartition = (agencyCode: string, status: string) => `QUEUE#${agencyCode}#${status}`;

/** The agency whose queue holds the dossier: the one-stop counter before receipt and after approval. */
export function queueAgency(dossier: Pick<Dossier, 'status' | 'receivingAgency' | 'currentAgency'>): string {
  return ['submitted', 'approved', 'released', 'returned', 'cancelled'].includes(dossier.status)
    ? dossier.receivingAgency
    : dossier.currentAgency;
}

export function dossierIndexKeys(dossier: Dossier) {
  const order = dossier.finishedAt ?? dossier.dueAt ?? dossier.submittedAt;
  const open = !FINAL_STATUSES.includes(dossier.status);
  return {
    GSI1PK: queuePartition(queueAgency(dossier), dossier.status),
    GSI1SK: `${order}#${dossier.id}`,
    ...(open && dossier.assignee
      ? {
          GSI2PK: `ASSIGNEE#${dossier.assignee.username}`,
          GSI2SK: `${dossier.dueAt ?? dossier.submittedAt}#${dossier.id}`,
        }
      : {}),
    ...(dossier.ownerSub
      ? { GSI3PK: `OWNER#${dossier.ownerSub}`, GSI3SK: `${dossier.submittedAt}#${dossier.id}` }
      : {}),
  };
}
