/**
 * # Working-day calendar (lịch ngày làm việc)
 *
 * Due dates of administrative-procedure dossiers (ngày hẹn trả) count **working days** from the
 * receipt time, skip weekends and public holidays, stop while the dossier is paused and grow with
 * extensions. Pure code: no AWS, no clock reads, no I/O. Everything is in Vietnamese time
 * (Asia/Ho_Chi_Minh, fixed UTC+7).
 *
 * ## Days off
 * - **Weekly rest**: Saturday and Sunday (40-hour week of state agencies, Decision 188/1999/QĐ-TTg).
 * - **Public holidays**, Labor Code 2019 art. 112(1) (from 2021; the 2012 Code art. 115 before):
 *   1 January; **Tết**, 5 days; Hùng Kings day (10/3 lunar); 30 April; 1 May; 2 September **plus one
 *   adjacent day** (from 2021 only). Lunar dates: `date-holidays` (Vietnamese calendar) at build time.
 * - **Tết default** (art. 112(3): the Prime Minister fixes the days each year): the two days before
 *   Tết day 1, day 1 and the two after (D−2 … D+2) — or, when day 1 is a Tuesday, the last day of the
 *   old year and days 1–4 (D−1 … D+3), the only window that is Monday–Friday. This reproduces every
 *   decision of 2020–2026 (e.g. 2024: 8–12 Feb; 2025: 27–31 Jan; 2026: 16–20 Feb); "last day of the
 *   year + days 1–4" in every year would be a day off in five of those seven. A year's decision
 *   replaces the default through overrides.
 * - **2 September adjacent day default** (also fixed yearly): 3 September when 2 September is a
 *   Thursday, Sunday or Monday, otherwise 1 September — the neighbour that joins a weekend. It
 *   reproduces 2021 (2–3 Sep), 2022 (1–2), 2023 (1–2 + Mon 4), 2024 (2–3), 2025 (1–2). For a Wednesday
 *   no neighbour joins a weekend; we take 1 September (a guess; override it when decided).
 * - **Compensatory days** (nghỉ bù, Labor Code 2019 art. 111(3)): each holiday date falling
 *   on Saturday or Sunday gives one day off on the next Monday–Friday that is neither a holiday nor
 *   already a compensatory day. Days off from overrides earn none.
 * - **Overrides** (config, per province and year, {@link CalendarOverrides}): `tetDays` and
 *   `nationalDayAdjacentDay` replace the defaults (still compensated when on a weekend); `daysOff`
 *   adds days off; `workingDays` makes days working (the Saturday worked for a swap, or to cancel a
 *   computed day off) and wins over everything else.
 *
 * ## Working time
 * - A working day has two **sessions** (default 07:30–11:30 and 13:30–17:30, configurable), each
 *   worth exactly **half a working day** whatever its length; inside a session time runs linearly.
 *   So N whole days from inside a session end at the same clock time N working days later, and
 *   from the start of a session they end at the end of a session (Mon 13:30 + 1 → Tue 11:30).
 *   Arithmetic is exact, in integer units. Resolution: 1 ms when both sessions have the same
 *   length; a few ms otherwise (e.g. 9 ms of a 4.5 h morning and 7 ms of a 3.5 h afternoon, so that
 *   every position is a whole millisecond in either session).
 * - **The clock only runs inside sessions of working days.** A receipt after hours, during lunch or
 *   on a day off starts counting at the next session start ({@link WorkingCalendar.clockStart}).
 * - **Due instant** = `addWorkingDays(receivedAt, N, pauses)`: the *earliest* instant by which N
 *   working days have run. It therefore falls inside or at the end of a session (e.g. 17:30), never
 *   in lunch or overnight: received Mon 07:30 + 1 day → Mon 17:30; + 0.5 → Mon 11:30; received
 *   Mon 18:00 + 1 → Tue 17:30. N may be any non-negative number (half days = sessions); N = 0 gives
 *   the receipt instant itself.
 * - **Pauses** (dossier waiting for supplement, tạm dừng): time inside a pause interval does not
 *   count. Overlapping pauses count once; pauses before the start are ignored. A pause covering
 *   working time W shifts the due instant by exactly W; a pause inside non-working time changes
 *   nothing. For a pause still open, compute the due date when it ends (it is unknown until then).
 * - **Extensions** (gia hạn) add days: the due date is a pure function of (receipt, N + Σ extensions,
 *   pauses); recompute it whenever a pause ends or an extension is granted. Because counting is
 *   additive, `addWorkingDays(previousDue, extra, pauses)` gives the same instant when previousDue
 *   was computed with the same pauses.
 * - `workingTimeBetween(from, to, pauses)` is the working time in days (signed: negative when `to`
 *   is before `from`); `workingTimeBetween(due, returnedAt)` > 0 means late by that much.
 *   `workingTimeBetween(s, addWorkingDays(s, n)) === n` (n rounded to the resolution).
 *
 * ## Performance
 * Each year is computed once per calendar (holidays, a working-day bitmap and prefix counts), the
 * lunar dates once per process. Adding days or measuring time walks years and binary-searches the
 * prefix counts, never minutes or days.
 */
import type * as z from 'zod/mini';
import {
  type CalendarOverrides,
  type CalendarYearOverride,
  DEFAULT_WORKING_SESSIONS,
  WorkingCalendarConfig,
  type WorkingSessions,
} from './calendar-config.ts';
import {
  type CalendarDay,
  dayNumberOf,
  daysInYear,
  firstDayOfYear,
  formatCalendarDay,
  instantAt,
  instantMs,
  isWeekend,
  localDayOf,
  localTimeOf,
  MINUTE_MS,
  parseClockTime,
  yearOfDay,
} from './civil-date.ts';
import {
  assertSupportedYear,
  compensatoryDaysFor,
  type DayOff,
  HOLIDAY_NAMES,
  MAX_YEAR,
  MIN_YEAR,
  statutoryHolidaysOf,
} from './vietnam-holidays.ts';

export type { CalendarDay } from './civil-date.ts';
export type { DayOff, DayOffKind, HolidayName } from './vietnam-holidays.ts';

/** A time interval, e.g. a pause of the dossier clock. `start` ≤ `end`. */
export interface Interval {
  readonly start: Date;
  readonly end: Date;
}

/** A working day set by an override on a day that would otherwise be off. */
export interface ExtraWorkingDay {
  readonly date: CalendarDay;
  readonly note?: string;
}

/** Options as written in config (validated on creation). */
export type WorkingCalendarOptions = z.input<typeof WorkingCalendarConfig>;

export interface WorkingCalendar {
  /** Office sessions in force (morning, afternoon). */
  readonly sessions: WorkingSessions;
  /** Whether a civil day (an instant's day in Vietnam, or `YYYY-MM-DD`) is a working day. */
  isWorkingDay(day: Date | CalendarDay): boolean;
  /** Whether the clock runs at this instant (inside a session of a working day; sessions are [start, end)). */
  isWorkingTime(instant: Date): boolean;
  /** Days off of a year in date order (statutory holidays, compensatory days, overrides), minus overridden working days. */
  holidaysOf(year: number): readonly DayOff[];
  /** Days made working by overrides in a year. */
  extraWorkingDaysOf(year: number): readonly ExtraWorkingDay[];
  /** The first working day strictly after a civil day. */
  nextWorkingDay(day: Date | CalendarDay): CalendarDay;
  /** When the clock starts for something received at `instant`: the instant itself during working time, else the next session start. */
  clockStart(instant: Date): Date;
  /** The earliest instant by which `days` working days have run from `start`, not counting time inside `pauses`. */
  addWorkingDays(start: Date, days: number, pauses?: readonly Interval[]): Date;
  /** Working time from `from` to `to` in working days (signed), not counting time inside `pauses`. */
  workingTimeBetween(from: Date, to: Date, pauses?: readonly Interval[]): number;
}

interface YearTable {
  readonly first: number;
  /** 1 when the day is a working day, by day of the year. */
  readonly working: Uint8Array;
  /** prefix[i] = working days among the first i days of the year. */
  readonly prefix: Int32Array;
  readonly daysOff: readonly DayOff[];
  readonly extraWorkingDays: readonly ExtraWorkingDay[];
}

const KIND_ORDER = { holiday: 0, compensatory: 1, override: 2 } as const;

const buildYear = (year: number, override: CalendarYearOverride | undefined): YearTable => {
  assertSupportedYear(year);
  const statutory = statutoryHolidaysOf(year, {
    tetDays: override?.tetDays?.map(dayNumberOf),
    nationalDayAdjacentDay:
      override?.nationalDayAdjacentDay === undefined
        ? undefined
        : dayNumberOf(override.nationalDayAdjacentDay),
  });
  const compensatory = compensatoryDaysFor(statutory);
  const worked = new Map((override?.workingDays ?? []).map((entry) => [dayNumberOf(entry.date), entry]));
  const off = new Set<number>();
  const daysOff: DayOff[] = [];
  for (const [kind, days] of [
    ['holiday', statutory],
    ['compensatory', compensatory],
  ] as const) {
    for (const { day, name } of days) {
      if (worked.has(day)) continue;
      off.add(day);
      daysOff.push({ date: formatCalendarDay(day), kind, name });
    }
  }
  for (const entry of override?.daysOff ?? []) {
    const day = dayNumberOf(entry.date);
    if (off.has(day)) continue;
    off.add(day);
    daysOff.push({
      date: entry.date,
      kind: 'override',
      name: HOLIDAY_NAMES.override,
      ...(entry.note ? { note: entry.note } : {}),
    });
  }
  daysOff.sort((a, b) => a.date.localeCompare(b.date) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);

  const first = firstDayOfYear(year);
  const length = daysInYear(year);
  const working = new Uint8Array(length);
  const prefix = new Int32Array(length + 1);
  for (let i = 0; i < length; i += 1) {
    const day = first + i;
    working[i] = worked.has(day) || (!isWeekend(day) && !off.has(day)) ? 1 : 0;
    prefix[i + 1] = prefix[i]! + working[i]!;
  }
  const extraWorkingDays = [...worked.values()]
    .map((entry) => ({ date: entry.date, ...(entry.note ? { note: entry.note } : {}) }))
    .sort((a, b) => a.date.localeCompare(b.date));
  return {
    first,
    working,
    prefix,
    daysOff: Object.freeze(daysOff),
    extraWorkingDays: Object.freeze(extraWorkingDays),
  };
};

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Merged, sorted pauses as [start, end] in ms. */
const normalizePauses = (pauses: readonly Interval[]): [number, number][] => {
  const spans = pauses.map((pause, i): [number, number] => {
    const start = instantMs(pause.start, `pauses[${i}].start`);
    const end = instantMs(pause.end, `pauses[${i}].end`);
    if (end < start) throw new RangeError(`pauses[${i}] ends before it starts`);
    return [start, end];
  });
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of spans) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
};

/**
 * A working-day calendar for one province: statutory Vietnamese holidays plus the province's yearly
 * overrides and office sessions. Throws (zod error) when the options are invalid.
 */
export const createWorkingCalendar = (options: WorkingCalendarOptions = {}): WorkingCalendar => {
  const config = WorkingCalendarConfig.parse(options);
  const sessions: WorkingSessions = config.sessions ?? DEFAULT_WORKING_SESSIONS;
  const overrides: CalendarOverrides = config.overrides ?? {};

  // Session bounds in ms after midnight, and the integer time scale: one session is `S` units and
  // one ms inside session i is `rate_i` units, so both sessions weigh half a day exactly.
  const minutes = (text: string) => parseClockTime(text) ?? 0;
  const [morning, afternoon] = sessions;
  const m0 = minutes(morning.start);
  const m1 = minutes(morning.end);
  const a0 = minutes(afternoon.start);
  const a1 = minutes(afternoon.end);
  const lcmMinutes = ((m1 - m0) * (a1 - a0)) / gcd(m1 - m0, a1 - a0);
  const S = lcmMinutes * MINUTE_MS;
  const DAY_UNITS = 2 * S;
  const morningRate = lcmMinutes / (m1 - m0);
  const afternoonRate = lcmMinutes / (a1 - a0);
  // Positions are multiples of Q units, so every position is a whole millisecond in either session
  // and all arithmetic is exact. Q = 1 (1 ms) when both sessions have the same length.
  const Q = (morningRate * afternoonRate) / gcd(morningRate, afternoonRate);
  const morningStart = m0 * MINUTE_MS;
  const morningEnd = m1 * MINUTE_MS;
  const afternoonStart = a0 * MINUTE_MS;
  const afternoonEnd = a1 * MINUTE_MS;

  const years = new Map<number, YearTable>();
  const yearTable = (year: number): YearTable => {
    let table = years.get(year);
    if (!table) {
      table = buildYear(year, overrides[String(year)]);
      years.set(year, table);
    }
    return table;
  };
  const isWorking = (day: number): boolean => {
    const table = yearTable(yearOfDay(day));
    return table.working[day - table.first] === 1;
  };
  /** Working days in [from, to). */
  const workingDaysIn = (from: number, to: number): number => {
    let count = 0;
    let day = from;
    while (day < to) {
      const table = yearTable(yearOfDay(day));
      const end = Math.min(to, table.first + table.working.length);
      count += table.prefix[end - table.first]! - table.prefix[day - table.first]!;
      day = end;
    }
    return count;
  };
  /** The k-th working day strictly after `day` (k ≥ 1). */
  const nthWorkingDayAfter = (day: number, k: number): number => {
    let remaining = k;
    let cursor = day + 1;
    for (;;) {
      const table = yearTable(yearOfDay(cursor));
      const index = cursor - table.first;
      const available = table.prefix[table.working.length]! - table.prefix[index]!;
      if (remaining > available) {
        remaining -= available;
        cursor = table.first + table.working.length;
        continue;
      }
      const target = table.prefix[index]! + remaining;
      let lo = index + 1;
      let hi = table.working.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (table.prefix[mid]! >= target) hi = mid;
        else lo = mid + 1;
      }
      return table.first + lo - 1;
    }
  };

  /** Units elapsed in a working day at `t` ms after midnight (0 … DAY_UNITS), a multiple of Q. */
  const elapsedAt = (t: number): number => {
    if (t <= morningStart) return 0;
    if (t < morningEnd) return Math.floor(((t - morningStart) * morningRate) / Q) * Q;
    if (t <= afternoonStart) return S;
    if (t < afternoonEnd) return S + Math.floor(((t - afternoonStart) * afternoonRate) / Q) * Q;
    return DAY_UNITS;
  };
  /** Earliest time of day at which `units` (0 < units ≤ DAY_UNITS, a multiple of Q) have elapsed. */
  const timeForUnits = (units: number): number =>
    units <= S
      ? morningStart + Math.ceil(units / morningRate)
      : afternoonStart + Math.ceil((units - S) / afternoonRate);

  const safe = (units: number): number => {
    if (!Number.isSafeInteger(units))
      throw new RangeError('Working time too large for the calendar to count exactly');
    return units;
  };

  /** Working units in [from, to], from ≤ to. */
  const measure = (from: number, to: number): number => {
    const d0 = localDayOf(from);
    const d1 = localDayOf(to);
    if (d0 === d1) return isWorking(d0) ? elapsedAt(localTimeOf(to)) - elapsedAt(localTimeOf(from)) : 0;
    const head = isWorking(d0) ? DAY_UNITS - elapsedAt(localTimeOf(from)) : 0;
    const tail = isWorking(d1) ? elapsedAt(localTimeOf(to)) : 0;
    return safe(head + DAY_UNITS * workingDaysIn(d0 + 1, d1) + tail);
  };

  /** Earliest instant t ≥ from with measure(from, t) ≥ units. */
  const advance = (from: number, units: number): number => {
    if (units === 0) return from;
    const day = localDayOf(from);
    let remaining = units;
    if (isWorking(day)) {
      const elapsed = elapsedAt(localTimeOf(from));
      if (remaining <= DAY_UNITS - elapsed) return instantAt(day, timeForUnits(elapsed + remaining));
      remaining -= DAY_UNITS - elapsed;
    }
    let k = Math.floor((remaining - 1) / DAY_UNITS) + 1;
    while ((k - 1) * DAY_UNITS >= remaining) k -= 1;
    while (k * DAY_UNITS < remaining) k += 1;
    const target = nthWorkingDayAfter(day, k);
    return instantAt(target, timeForUnits(remaining - (k - 1) * DAY_UNITS));
  };

  const toUnits = (days: number): number => {
    if (!Number.isFinite(days) || days < 0)
      throw new RangeError(`Working days must be a finite number ≥ 0, not ${days}`);
    return safe(Math.round((days * DAY_UNITS) / Q) * Q);
  };

  const dayOf = (day: Date | CalendarDay): number =>
    typeof day === 'string' ? dayNumberOf(day) : localDayOf(instantMs(day, 'day'));

  const addWorkingDays = (start: Date, days: number, pauses: readonly Interval[] = []): Date => {
    let cursor = instantMs(start, 'start');
    let remaining = toUnits(days);
    for (const [pauseStart, pauseEnd] of normalizePauses(pauses)) {
      if (pauseEnd <= cursor) continue;
      const before = measure(cursor, Math.max(pauseStart, cursor));
      if (before >= remaining) break;
      remaining -= before;
      cursor = pauseEnd;
    }
    return new Date(advance(cursor, remaining));
  };

  const workingTimeBetween = (from: Date, to: Date, pauses: readonly Interval[] = []): number => {
    const a = instantMs(from, 'from');
    const b = instantMs(to, 'to');
    const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
    let units = measure(lo, hi);
    for (const [pauseStart, pauseEnd] of normalizePauses(pauses)) {
      const start = Math.max(pauseStart, lo);
      const end = Math.min(pauseEnd, hi);
      if (start < end) units -= measure(start, end);
    }
    return units === 0 ? 0 : (sign * units) / DAY_UNITS;
  };

  return {
    sessions,
    isWorkingDay: (day) => isWorking(dayOf(day)),
    isWorkingTime: (instant) => {
      const ms = instantMs(instant);
      const t = localTimeOf(ms);
      return (
        isWorking(localDayOf(ms)) &&
        ((t >= morningStart && t < morningEnd) || (t >= afternoonStart && t < afternoonEnd))
      );
    },
    holidaysOf: (year) => yearTable(year).daysOff,
    extraWorkingDaysOf: (year) => yearTable(year).extraWorkingDays,
    nextWorkingDay: (day) => formatCalendarDay(nthWorkingDayAfter(dayOf(day), 1)),
    clockStart: (instant) => {
      const ms = instantMs(instant);
      const day = localDayOf(ms);
      const t = localTimeOf(ms);
      if (isWorking(day)) {
        if (t < morningStart) return new Date(instantAt(day, morningStart));
        if (t < morningEnd) return new Date(ms);
        if (t < afternoonStart) return new Date(instantAt(day, afternoonStart));
        if (t < afternoonEnd) return new Date(ms);
      }
      return new Date(instantAt(nthWorkingDayAfter(day, 1), morningStart));
    },
    addWorkingDays,
    workingTimeBetween,
  };
};

/** Years the calendar can compute. */
export const SUPPORTED_YEARS = { first: MIN_YEAR, last: MAX_YEAR } as const;
