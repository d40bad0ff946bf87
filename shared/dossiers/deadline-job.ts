/**
 * The deadline job (hourly, functions/dossiers/deadlines.ts): flags open dossiers due within a
 * working day (`deadline: 'due-soon'`, DossierDueSoon) and overdue ones (`deadline: 'overdue'`,
 * DossierOverdue, with a draft apology letter), once per state and appointment date.
 *
 * Reads are key queries only: for every agency of the registry (GSI1 `AGENCIES`) and every watched
 * status, the agency's queue (GSI1 `QUEUE#<agency>#<status>`, sorted by due date) up to
 * now + 1 working day. Each flag is a conditional update on the dossier's version through
 * commitChange (dossier, letter, audit record and event in one transaction): a dossier that changed
 * meanwhile is left for the next run, and a second run finds nothing left to flag. The flag is
 * cleared when the appointment date changes (extension, supplement), so each lateness gets its own
 * flag and its own letter; the letter commits with the flag, so there is never one without the other.
 */
import { DossierDueSoonV1, DossierOverdueV1 } from '#events/dossiers/dossier-deadline.v1.ts';
import { type ChangeContext, commitChange, type DomainWrite, type PendingEvent } from '../platform/change.ts';
import { now as clockNow } from '../platform/clock.ts';
import { logger } from '../platform/observability.ts';
import { queryAll } from '../platform/query.ts';
import { stripKeys, tableName } from '../platform/table.ts';
import { apologyLetter } from './apology-letter.ts';
import { DUE_SOON_WORKING_DAYS, deadlineFlagToRaise, WATCHED_STATUSES, workingCalendar } from './deadline.ts';
import type { DeadlineState, Dossier } from './dossier.ts';
import { dossierKey, ENTITY_DOSSIER, queuePartition } from './keys.ts';
import { participants, summaryOf } from './repository.ts';

export const DEADLINE_ACTOR = 'dossier-deadlines';

export interface DeadlineRunSummary {
  readonly agencies: number;
  /** Dossiers the queries returned as possibly needing a flag. */
  readonly candidates: number;
  readonly dueSoon: number;
  readonly overdue: number;
  /** Changed by someone else between read and flag: left for the next run. */
  readonly skipped: number;
  readonly failed: number;
}

export interface DeadlineRunOptions {
  /** Default: the domain clock. */
  readonly now?: Date;
  /** Agencies handled in parallel (each agency's dossiers one after another: they share its audit chain). */
  readonly concurrency?: number;
}

/** Raised when the dossier's version moved between the query and the flag. */
class DossierMoved extends Error {
  override name = 'DossierMoved';
}

/** Every agency of the registry (GSI1 `AGENCIES`, shared/agencies/keys.ts). */
async function agencyCodes(): Promise<string[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': 'AGENCIES' },
    ProjectionExpression: 'code',
  });
  return items.map((item) => item.code as string);
}

/** An agency's dossiers of one status due before `soonUntil` that are not flagged for their state yet. */
async function candidatesOf(
  agencyCode: string,
  status: string,
  now: Date,
  soonUntil: Date,
): Promise<Dossier[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :until',
    // Unflagged, or flagged due soon and now past its date (the pure rule decides; this only trims).
    FilterExpression: 'attribute_not_exists(#deadline) OR (#deadline = :dueSoon AND #dueAt < :now)',
    ExpressionAttributeNames: { '#deadline': 'deadline', '#dueAt': 'dueAt' },
    ExpressionAttributeValues: {
      ':pk': queuePartition(agencyCode, status),
      ':until': `${soonUntil.toISOString()}~`,
      ':dueSoon': 'due-soon',
      ':now': now.toISOString(),
    },
  });
  return items.map((item) => stripKeys(item) as unknown as Dossier);
}

async function flag(
  dossier: Dossier,
  state: DeadlineState,
  agencyCode: string,
  at: string,
  context: ChangeContext,
): Promise<void> {
  const next: Dossier = { ...dossier, deadline: state, version: dossier.version + 1, updatedAt: at };
  const moved = () => new DossierMoved(dossier.id);
  const writes: DomainWrite[] = [
    {
      item: {
        Update: {
          TableName: tableName(),
          Key: dossierKey(dossier.id),
          UpdateExpression: 'SET #deadline = :state, #version = :next, updatedAt = :at',
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#deadline': 'deadline', '#version': 'version' },
          ExpressionAttributeValues: {
            ':state': state,
            ':next': next.version,
            ':version': dossier.version,
            ':at': at,
          },
        },
      },
      onConditionFailed: moved,
    },
  ];
  const recipients = participants(next);
  const dueAt = dossier.dueAt!;
  let event: PendingEvent;
  if (state === 'overdue') {
    const letter = apologyLetter(next, at, { occasion: 'overdue', dueAt });
    writes.push({
      item: {
        Put: { TableName: tableName(), Item: letter.item, ConditionExpression: 'attribute_not_exists(PK)' },
      },
      onConditionFailed: moved,
    });
    event = {
      contract: DossierOverdueV1,
      data: { dossier: summaryOf(next), dueAt, apologyLetterId: letter.id },
      recipients,
    };
  } else {
    event = { contract: DossierDueSoonV1, data: { dossier: summaryOf(next), dueAt }, recipients };
  }
  await commitChange({
    context,
    agencyCode,
    action: state === 'overdue' ? 'dossier.overdue' : 'dossier.due-soon',
    entity: { type: ENTITY_DOSSIER, id: dossier.id },
    before: dossier,
    after: next,
    writes,
    events: [event],
  });
}

/** One run: flags every dossier whose deadline state changed since the last one. */
export async function flagDeadlines(options: DeadlineRunOptions = {}): Promise<DeadlineRunSummary> {
  const now = options.now ?? clockNow();
  const at = now.toISOString();
  const soonUntil = workingCalendar().addWorkingDays(now, DUE_SOON_WORKING_DAYS);
  const context: ChangeContext = {
    actor: { type: 'system', name: DEADLINE_ACTOR },
    correlationId: `${DEADLINE_ACTOR}:${at}`,
  };
  const counts = { candidates: 0, dueSoon: 0, overdue: 0, skipped: 0, failed: 0 };
  const queue = await agencyCodes();
  const agencies = queue.length;

  const worker = async () => {
    for (let agencyCode = queue.shift(); agencyCode; agencyCode = queue.shift()) {
      for (const status of WATCHED_STATUSES) {
        const candidates = await candidatesOf(agencyCode, status, now, soonUntil);
        counts.candidates += candidates.length;
        for (const dossier of candidates) {
          const state = deadlineFlagToRaise(dossier, now, soonUntil);
          if (!state) continue;
          try {
            await flag(dossier, state, agencyCode, at, context);
            if (state === 'overdue') counts.overdue += 1;
            else counts.dueSoon += 1;
          } catch (error) {
            if (error instanceof DossierMoved) counts.skipped += 1;
            else {
              // One dossier's failure must not stop the others; the next run tries it again.
              logger.error('deadline flag failed', { dossierId: dossier.id, error: error as Error });
              counts.failed += 1;
            }
          }
        }
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 4, Math.max(agencies, 1)) }, worker),
  );
  return { agencies, ...counts };
}
