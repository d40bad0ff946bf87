/**
 * Configuration of the working-day calendar, validated with zod. A province config embeds
 * {@link WorkingCalendarConfig} (office hours + yearly overrides); the overrides alone are
 * {@link CalendarOverrides}. See working-calendar.ts for the rules these values feed.
 */
import * as z from 'zod/mini';
import { dayNumberOf, isCalendarDay, parseClockTime, yearOfDay } from './civil-date.ts';

/** A civil date `YYYY-MM-DD` in Asia/Ho_Chi_Minh. */
export const calendarDaySchema = z
  .string()
  .check(z.refine(isCalendarDay, 'A calendar day is a real date written YYYY-MM-DD'));

/** A clock time `HH:MM` (24-hour), Vietnamese local time. */
export const clockTimeSchema = z
  .string()
  .check(
    z.refine((text) => parseClockTime(text) !== undefined, 'A clock time is written HH:MM, 00:00 to 24:00'),
  );

const minutesOf = (text: string): number => parseClockTime(text) ?? Number.NaN;

/** One working session (buổi làm việc) of an office day. */
export const WorkingSession = z.strictObject({ start: clockTimeSchema, end: clockTimeSchema }).check(
  z.refine((session) => minutesOf(session.start) < minutesOf(session.end), {
    message: 'A session ends after it starts',
    path: ['end'],
  }),
);
export type WorkingSession = z.infer<typeof WorkingSession>;

/**
 * The two sessions of a working day, morning (buổi sáng) then afternoon (buổi chiều). Each is half a
 * working day, whatever its length.
 */
export const WorkingSessions = z.tuple([WorkingSession, WorkingSession]).check(
  z.refine(([morning, afternoon]) => minutesOf(morning.end) <= minutesOf(afternoon.start), {
    message: 'The afternoon session starts after the morning session ends',
    path: [1, 'start'],
  }),
);
export type WorkingSessions = z.infer<typeof WorkingSessions>;

/** Office hours common in Vietnamese agencies: 07:30–11:30 and 13:30–17:30. */
export const DEFAULT_WORKING_SESSIONS: WorkingSessions = [
  { start: '07:30', end: '11:30' },
  { start: '13:30', end: '17:30' },
];

/** A date named by a yearly decision, with where it comes from (e.g. the decision's number). */
export const OverrideDay = z.strictObject({
  date: calendarDaySchema,
  note: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(300))),
});
export type OverrideDay = z.infer<typeof OverrideDay>;

/**
 * One year's decisions. Labor Code 2019 art. 112(3) lets the Prime Minister fix each year the exact
 * Tết days and the day adjacent to 2 September; the government also swaps working days (hoán đổi
 * ngày làm việc) and a province may add its own days off.
 */
export const CalendarYearOverride = z.strictObject({
  /** Replaces the five default Tết days (the year's decision). Any on a weekend still earn compensatory days. */
  tetDays: z.optional(z.array(calendarDaySchema).check(z.minLength(1), z.maxLength(10))),
  /** Replaces the default day adjacent to National Day: `YYYY-09-01` or `YYYY-09-03`. */
  nationalDayAdjacentDay: z.optional(calendarDaySchema),
  /** Extra days off, e.g. the bridge day of a swap (ngày nghỉ hoán đổi). */
  daysOff: z.optional(z.array(OverrideDay)),
  /** Extra working days, e.g. the Saturday worked to pay a bridge day back (ngày làm bù). Wins over any day off. */
  workingDays: z.optional(z.array(OverrideDay)),
  /** The decision or notice these come from, e.g. a Prime Minister's notice number. */
  source: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(300))),
});
export type CalendarYearOverride = z.infer<typeof CalendarYearOverride>;

type Issue = { path: (string | number)[]; message: string };

const yearOverrideIssues = (year: number, override: CalendarYearOverride): Issue[] => {
  const issues: Issue[] = [];
  const inYear = (date: string, path: (string | number)[]) => {
    if (isCalendarDay(date) && yearOfDay(dayNumberOf(date)) !== year) {
      issues.push({ path, message: `${date} is not in ${year}` });
    }
  };
  const unique = (dates: string[], path: (string | number)[]) => {
    const seen = new Set<string>();
    for (const [i, date] of dates.entries()) {
      if (seen.has(date)) issues.push({ path: [...path, i], message: `${date} is listed twice` });
      seen.add(date);
    }
  };
  for (const [i, date] of (override.tetDays ?? []).entries()) {
    inYear(date, ['tetDays', i]);
    if (isCalendarDay(date) && date.slice(5) > '02-28') {
      issues.push({
        path: ['tetDays', i],
        message: `${date} is too late for Tết (always in January or February)`,
      });
    }
  }
  unique(override.tetDays ?? [], ['tetDays']);
  const adjacent = override.nationalDayAdjacentDay;
  if (adjacent !== undefined && adjacent !== `${year}-09-01` && adjacent !== `${year}-09-03`) {
    issues.push({
      path: ['nationalDayAdjacentDay'],
      message: `The day adjacent to National Day is ${year}-09-01 or ${year}-09-03`,
    });
  }
  const offDates = (override.daysOff ?? []).map((entry) => entry.date);
  const workDates = (override.workingDays ?? []).map((entry) => entry.date);
  for (const [i, date] of offDates.entries()) inYear(date, ['daysOff', i, 'date']);
  for (const [i, date] of workDates.entries()) inYear(date, ['workingDays', i, 'date']);
  unique(offDates, ['daysOff']);
  unique(workDates, ['workingDays']);
  const off = new Set(offDates);
  for (const [i, date] of workDates.entries()) {
    if (off.has(date)) {
      issues.push({
        path: ['workingDays', i, 'date'],
        message: `${date} is both a day off and a working day`,
      });
    }
  }
  return issues;
};

/**
 * Yearly overrides keyed by year, e.g. `{ "2025": { tetDays: [...] } }`. Every date must lie in the
 * year it is filed under; a date cannot be both an extra day off and an extra working day.
 */
export const CalendarOverrides = z
  .record(z.string().check(z.regex(/^\d{4}$/, 'A year, e.g. "2027"')), CalendarYearOverride)
  .check(
    z.superRefine((overrides, ctx) => {
      for (const [year, override] of Object.entries(overrides)) {
        for (const issue of yearOverrideIssues(Number(year), override)) {
          ctx.addIssue({
            code: 'custom',
            input: override,
            path: [year, ...issue.path],
            message: issue.message,
          });
        }
      }
    }),
  );
export type CalendarOverrides = z.infer<typeof CalendarOverrides>;

/**
 * The calendar section of a province config: office hours and yearly overrides, both optional
 * (defaults: {@link DEFAULT_WORKING_SESSIONS}, no overrides).
 */
export const WorkingCalendarConfig = z.strictObject({
  sessions: z.optional(WorkingSessions),
  overrides: z.optional(CalendarOverrides),
});
export type WorkingCalendarConfig = z.infer<typeof WorkingCalendarConfig>;

/** One date of a flat override list, the shape some configs use: a day off or a working day. */
export interface CalendarOverrideEntry {
  readonly date: string;
  readonly kind: 'day-off' | 'working-day';
  readonly reason?: string;
}

/** Groups a flat list of day-off / working-day entries by year (reasons become notes; a later entry for a date wins). */
export const calendarOverridesFromEntries = (entries: readonly CalendarOverrideEntry[]): CalendarOverrides =>
  mergeCalendarOverrides(
    ...entries.map((entry): CalendarOverrides => {
      const day: OverrideDay = { date: entry.date, ...(entry.reason ? { note: entry.reason } : {}) };
      const year = entry.kind === 'day-off' ? { daysOff: [day] } : { workingDays: [day] };
      return { [entry.date.slice(0, 4)]: year };
    }),
  );

/**
 * Layers overrides, later layers winning: e.g. the nation-wide decisions, then a province's own.
 * Per year, `tetDays`, `nationalDayAdjacentDay` and `source` are replaced when a later layer sets
 * them; days off and working days accumulate, a later layer's entry for a date replacing any
 * earlier entry for that date (so a province can turn a national day off back into a working day).
 */
export const mergeCalendarOverrides = (...layers: readonly CalendarOverrides[]): CalendarOverrides => {
  const merged: CalendarOverrides = {};
  for (const layer of layers) {
    for (const [year, override] of Object.entries(layer)) {
      const target: CalendarYearOverride = merged[year] ?? {};
      merged[year] = target;
      if (override.tetDays) target.tetDays = [...override.tetDays];
      if (override.nationalDayAdjacentDay) target.nationalDayAdjacentDay = override.nationalDayAdjacentDay;
      if (override.source) target.source = override.source;
      const replaced = new Set(
        [...(override.daysOff ?? []), ...(override.workingDays ?? [])].map((day) => day.date),
      );
      const keep = (days: OverrideDay[] | undefined) => (days ?? []).filter((day) => !replaced.has(day.date));
      const daysOff = [...keep(target.daysOff), ...(override.daysOff ?? [])];
      const workingDays = [...keep(target.workingDays), ...(override.workingDays ?? [])];
      if (daysOff.length > 0) target.daysOff = daysOff;
      else delete target.daysOff;
      if (workingDays.length > 0) target.workingDays = workingDays;
      else delete target.workingDays;
    }
  }
  return merged;
};
