/**
 * Appointment dates of dossiers from the working-day calendar (shared/calendar): receipt time +
 * processing days + extensions, not counting pauses. The calendar's yearly overrides come from the
 * province configuration through CALENDAR_CONFIG (JSON of WorkingCalendarConfig).
 */
import { createWorkingCalendar, type WorkingCalendar } from '../calendar/working-calendar.ts';
import { optionalEnv } from '../platform/env.ts';
import type { Dossier } from './dossier.ts';

let calendar: WorkingCalendar | undefined;

export function workingCalendar(): WorkingCalendar {
  const config = optionalEnv('CALENDAR_CONFIG');
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
