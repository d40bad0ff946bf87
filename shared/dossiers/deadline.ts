/**
 * Appointment dates of dossiers from the working-day calendar (shared/calendar): receipt time +
 * processing days + extensions, not counting pauses. The calendar's yearly overrides come from the
 * province configuration through CALENDAR_CONFIG (JSON of WorkingCalendarConfig).
 */
import { createWorkingCalendar, type WorkingCalendar } from '../calendar/working-calendar.ts';
import { ENV, optionalEnv } from '../platform/env.ts';
import type { DeadlineState, Dossier } from './dossier.ts';
import type { DossierStatus } from './state-machine.ts';

let calendar: WorkingCalendar | undefined;

export function workingCalendar(): WorkingCalendar {
  const config = optionalEnv(ENV.calendarConfig);
  calendar ??= createWorkingCalendar(config ? JSON.parse(config) : {});
  return calendar;
}

/** Closed pauses as calendar intervals (an open pause has no end yet: the due date waits for it). */
const closedPauses = (dossier: Pick<Dossier, 'pauses'>) =>
  dossier.pauses
    .filter((pause) => pause.to)
    .map((pause) => ({ start: new Date(pause.from), end: new Date(pause.to!) }));

export const totalDays = (dossier: Pick<Dossier, 'processingDays' | 'extensions'>): number =>
  dossier.processingDays + dossier.extensions.reduce((sum, extension) => sum + extension.days, 0);

/** The appointment date from the receipt, every extension and every closed pause. */
export function dueDateOf(
  dossier: Pick<Dossier, 'receivedAt' | 'processingDays' | 'extensions' | 'pauses'>,
): string {
  if (!dossier.receivedAt) throw new Error('A dossier has no due date before it is received');
  return workingCalendar()
    .addWorkingDays(new Date(dossier.receivedAt), totalDays(dossier), closedPauses(dossier))
    .toISOString();
}

/**
 * Statuses the deadline job watches: the clock runs toward the appointment date (a dossier awaiting
 * a supplement is paused; its date moves when the papers arrive).
 */
export const WATCHED_STATUSES: readonly DossierStatus[] = ['received', 'processing', 'approved', 'released'];

/** "Due soon" (sắp đến hạn): due within this many working days. */
export const DUE_SOON_WORKING_DAYS = 1;

/**
 * The deadline flag to raise on a dossier now, if any. `soonUntil` is now + DUE_SOON_WORKING_DAYS
 * on the working calendar. A dossier is flagged once per state for its appointment date (the flag
 * is cleared when the date changes), and never goes back from overdue to due soon.
 */
export function deadlineFlagToRaise(
  dossier: Pick<Dossier, 'status' | 'dueAt' | 'deadline'>,
  now: Date,
  soonUntil: Date,
): DeadlineState | undefined {
  if (!dossier.dueAt || !WATCHED_STATUSES.includes(dossier.status)) return undefined;
  const due = new Date(dossier.dueAt).getTime();
  const state: DeadlineState | undefined =
    due < now.getTime() ? 'overdue' : due <= soonUntil.getTime() ? 'due-soon' : undefined;
  if (!state || state === dossier.deadline || dossier.deadline === 'overdue') return undefined;
  return state;
}
