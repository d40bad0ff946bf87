/**
 * Civil dates and clock times in Vietnam (Asia/Ho_Chi_Minh). Vietnam keeps UTC+7 all year (no
 * daylight saving time since 1975), so a fixed offset is exact and no time-zone database is needed.
 *
 * Internally a civil date is a *day number*: whole days since 1970-01-01 in Vietnamese local time.
 */

/** UTC+7, Asia/Ho_Chi_Minh. */
export const VIETNAM_UTC_OFFSET_MS = 7 * 3_600_000;
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/** A civil date in Vietnam written `YYYY-MM-DD`, e.g. `2026-02-17` (mùng 1 Tết Bính Ngọ). */
export type CalendarDay = string;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a valid `YYYY-MM-DD`, or `undefined` when the text is not a real date. */
export const parseCalendarDay = (text: string): number | undefined => {
  const match = ISO_DAY.exec(text);
  if (!match) return undefined;
  const [, y, m, d] = match;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  const day = ms / DAY_MS;
  return formatCalendarDay(day) === text ? day : undefined;
};

export const isCalendarDay = (text: string): boolean => parseCalendarDay(text) !== undefined;

/** Day number of a `YYYY-MM-DD`; throws a RangeError when it is not a real date. */
export const dayNumberOf = (text: CalendarDay): number => {
  const day = parseCalendarDay(text);
  if (day === undefined) throw new RangeError(`Not a calendar day (YYYY-MM-DD): ${text}`);
  return day;
};

export const formatCalendarDay = (day: number): CalendarDay =>
  new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The civil day (`YYYY-MM-DD`) of an instant in Vietnam. */
export const vietnamDayOf = (instant: Date): CalendarDay => formatCalendarDay(localDayOf(instant.getTime()));

/** Milliseconds since the epoch of an instant; throws a RangeError for an invalid Date. */
export const instantMs = (instant: Date, what = 'instant'): number => {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid Date for ${what}`);
  return ms;
};

/** The Vietnamese civil day an instant falls on. */
export const localDayOf = (ms: number): number => Math.floor((ms + VIETNAM_UTC_OFFSET_MS) / DAY_MS);

/** Milliseconds since local midnight (0 … 86 399 999) of an instant. */
export const localTimeOf = (ms: number): number => {
  const local = ms + VIETNAM_UTC_OFFSET_MS;
  return local - Math.floor(local / DAY_MS) * DAY_MS;
};

/** The instant `timeOfDay` ms after local midnight of `day`. */
export const instantAt = (day: number, timeOfDay: number): number =>
  day * DAY_MS + timeOfDay - VIETNAM_UTC_OFFSET_MS;

export const yearOfDay = (day: number): number => new Date(day * DAY_MS).getUTCFullYear();

export const firstDayOfYear = (year: number): number => Date.UTC(year, 0, 1) / DAY_MS;

export const daysInYear = (year: number): number => firstDayOfYear(year + 1) - firstDayOfYear(year);

/** Day of the week, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;

export const isWeekend = (day: number): boolean => {
  const weekday = weekdayOf(day);
  return weekday === 0 || weekday === 6;
};

const CLOCK = /^(\d{2}):(\d{2})$/;

/** Minutes since midnight of a `HH:MM` clock time (`00:00` … `24:00`), or `undefined`. */
export const parseClockTime = (text: string): number | undefined => {
  const match = CLOCK.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return undefined;
  return hours * 60 + minutes;
};

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{3}))?)?$/;

/**
 * The instant of a Vietnamese wall-clock time written `YYYY-MM-DDTHH:mm[:ss[.sss]]` (a space may
 * replace the `T`), e.g. `vietnamTime('2026-02-13T07:30')`. Throws a RangeError on malformed text.
 */
export const vietnamTime = (text: string): Date => {
  const match = LOCAL_DATE_TIME.exec(text);
  const day = match ? parseCalendarDay(match[1] ?? '') : undefined;
  const [hours = 0, minutes = 0, seconds = 0, millis = 0] = (match ?? [])
    .slice(2)
    .map((part) => Number(part ?? 0));
  if (day === undefined || hours > 23 || minutes > 59 || seconds > 59) {
    throw new RangeError(`Not a Vietnamese local date-time (YYYY-MM-DDTHH:mm): ${text}`);
  }
  return new Date(instantAt(day, ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis));
};

/** An instant as Vietnamese wall-clock time with its offset, e.g. `2026-02-24T17:30:00.000+07:00`. */
export const formatVietnamTime = (instant: Date): string =>
  `${new Date(instantMs(instant) + VIETNAM_UTC_OFFSET_MS).toISOString().slice(0, 23)}+07:00`;
