/**
 * Nation-wide decisions on working days that the government announces each year on top of the
 * Labor Code holidays (Bộ luật Lao động 2019, art. 112): every province starts from these and layers
 * its own exceptions on top (mergeCalendarOverrides, shared/calendar/calendar-config.ts).
 */
import type { CalendarOverrides } from '#shared/calendar/calendar-config.ts';

export const nationalCalendarOverrides: CalendarOverrides = {
  '2025': {
    source: '30/4–1/5/2025 holiday swap announced by the government',
    daysOff: [{ date: '2025-05-02', note: 'Friday off, bridging 30/4–1/5 (swapped with Saturday 26/4)' }],
    workingDays: [{ date: '2025-04-26', note: 'Saturday worked in exchange for Friday 2/5' }],
  },
};
