/**
 * Statutory public holidays of Vietnam for one year (ngày nghỉ lễ, tết), before yearly overrides.
 * The rules and the reasons for each default are written down in working-calendar.ts.
 *
 * Lunar dates come from `date-holidays`, whose Vietnamese lunisolar calendar (UTC+7 new moons,
 * so 2007 and 2030 differ from the Chinese calendar) gives Tết day 1 and Hùng Kings day; we only
 * ever count whole days from those two anchors, never do lunar arithmetic ourselves.
 *
 * Cost: `date-holidays` bundles every country's data (~800 KB JSON, ~120 ms to import here) and
 * takes a few ms per year, cached below. Its engine `date-holidays-parser` evaluates the same rule
 * strings without the data, should cold starts need it (add it as a direct dependency first).
 */
import Holidays from 'date-holidays';
import {
  type CalendarDay,
  dayNumberOf,
  firstDayOfYear,
  formatCalendarDay,
  isWeekend,
  weekdayOf,
} from './civil-date.ts';

/** First and last years the calendar computes (Labor Code 2012 was in force for all of 2014). */
export const MIN_YEAR = 2014;
export const MAX_YEAR = 2199;
/** Labor Code 2019 (45/2019/QH14) applies from 1 January 2021 and added a second National Day holiday. */
export const LABOR_CODE_2019_FIRST_YEAR = 2021;

export type DayOffKind = 'holiday' | 'compensatory' | 'override';

export interface HolidayName {
  readonly vi: string;
  readonly en: string;
}

/** A day off listed for a year: a statutory holiday, a compensatory day (nghỉ bù) or an override. */
export interface DayOff {
  readonly date: CalendarDay;
  readonly kind: DayOffKind;
  readonly name: HolidayName;
  /** For an override: where it comes from, as written in the config. */
  readonly note?: string;
}

/** A statutory holiday or compensatory day as a day number. */
export interface StatutoryDay {
  readonly day: number;
  readonly name: HolidayName;
}

export const assertSupportedYear = (year: number): void => {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`The working calendar covers ${MIN_YEAR}–${MAX_YEAR}, not ${year}`);
  }
};

const TET_RULE = 'vietnamese 1-0-1';
const HUNG_KINGS_RULE = 'vietnamese 3-0-10';

let lunarCalendar: Holidays | undefined;
const anchorCache = new Map<number, { tetDay1: number; hungKingsDay: number }>();

/**
 * Tết day 1 (mùng 1 tháng Giêng) and Hùng Kings day (10/3 Âm lịch) of a Gregorian year, as day
 * numbers. Uses only the library's documented rule grammar ("vietnamese M-L-D"), not its VN
 * holiday list, so a rename there cannot break us; a unit test checks both agree.
 */
export const lunarAnchorsOf = (year: number): { tetDay1: number; hungKingsDay: number } => {
  assertSupportedYear(year);
  const cached = anchorCache.get(year);
  if (cached) return cached;
  if (!lunarCalendar) {
    lunarCalendar = new Holidays();
    lunarCalendar.setHoliday(TET_RULE, { name: { en: 'Tet' }, type: 'public' });
    lunarCalendar.setHoliday(HUNG_KINGS_RULE, { name: { en: 'Hung Kings' }, type: 'public' });
  }
  const found = lunarCalendar.getHolidays(year);
  const dayOf = (rule: string): number => {
    const holiday = found.find((entry) => entry.rule === rule);
    if (!holiday) throw new Error(`date-holidays gave no date for "${rule}" in ${year}`);
    return dayNumberOf(holiday.date.slice(0, 10));
  };
  const anchors = { tetDay1: dayOf(TET_RULE), hungKingsDay: dayOf(HUNG_KINGS_RULE) };
  // Tết day 1 always falls between 21 January and 20 February.
  const offset = anchors.tetDay1 - firstDayOfYear(year);
  if (offset < 20 || offset > 50)
    throw new Error(`Implausible Tết day 1 for ${year}: ${formatCalendarDay(anchors.tetDay1)}`);
  anchorCache.set(year, anchors);
  return anchors;
};

/**
 * Default Tết days: two days before Tết day 1, day 1 and the two days after (D−2 … D+2); when day 1
 * is a Tuesday, the last day of the old year and days 1–4 (D−1 … D+3) so that all five are Monday to
 * Friday. This reproduces the Government's decisions 2020–2026.
 */
export const defaultTetDays = (year: number): number[] => {
  const { tetDay1 } = lunarAnchorsOf(year);
  const first = weekdayOf(tetDay1) === 2 ? tetDay1 - 1 : tetDay1 - 2;
  return [0, 1, 2, 3, 4].map((i) => first + i);
};

/**
 * Default day adjacent to National Day (from 2021): the neighbour that joins the holidays to a
 * weekend — 3 September when 2 September is a Thursday (Fri 3), Sunday or Monday (1 Sep would be a
 * weekend day), otherwise 1 September (Tue: Mon 1; Fri, Sat: the day before; Wed: no neighbour
 * joins a weekend, the day before by convention).
 */
export const defaultNationalDayAdjacentDay = (year: number): number => {
  const nationalDay = Date.UTC(year, 8, 2) / 86_400_000;
  const weekday = weekdayOf(nationalDay);
  return weekday === 4 || weekday === 0 || weekday === 1 ? nationalDay + 1 : nationalDay - 1;
};

const tetName = (offset: number): HolidayName => {
  if (offset >= 0)
    return {
      vi: `Tết Âm lịch (mùng ${offset + 1} tháng Giêng)`,
      en: `Lunar New Year (Tết), day ${offset + 1} of the first lunar month`,
    };
  if (offset === -1)
    return {
      vi: 'Tết Âm lịch (ngày cuối năm Âm lịch)',
      en: 'Lunar New Year (Tết), last day of the lunar year',
    };
  if (offset === -2)
    return {
      vi: 'Tết Âm lịch (ngày áp cuối năm Âm lịch)',
      en: 'Lunar New Year (Tết), second-to-last day of the lunar year',
    };
  return {
    vi: `Tết Âm lịch (${-offset} ngày trước mùng 1)`,
    en: `Lunar New Year (Tết), ${-offset} days before day 1`,
  };
};

export const HOLIDAY_NAMES = {
  newYear: { vi: 'Tết Dương lịch (1/1)', en: "New Year's Day (1 January)" },
  hungKings: {
    vi: 'Giỗ Tổ Hùng Vương (10/3 Âm lịch)',
    en: "Hùng Kings' Commemoration Day (10th day of the 3rd lunar month)",
  },
  victory: { vi: 'Ngày Chiến thắng (30/4)', en: 'Victory Day / Reunification Day (30 April)' },
  labour: { vi: 'Ngày Quốc tế Lao động (1/5)', en: 'International Labour Day (1 May)' },
  nationalDay: { vi: 'Quốc khánh (2/9)', en: 'National Day (2 September)' },
  nationalDayAdjacent: { vi: 'Quốc khánh (ngày liền kề 2/9)', en: 'National Day (adjacent day)' },
  override: { vi: 'Ngày nghỉ theo quyết định', en: 'Day off by decision' },
} as const satisfies Record<string, HolidayName>;

export interface YearDecisions {
  /** Replaces {@link defaultTetDays}. */
  readonly tetDays?: readonly number[] | undefined;
  /** Replaces {@link defaultNationalDayAdjacentDay}. */
  readonly nationalDayAdjacentDay?: number | undefined;
}

/** Statutory holidays of a year (Labor Code 2019 art. 112(1); 2012 art. 115(1) before 2021), by date. */
export const statutoryHolidaysOf = (year: number, decisions: YearDecisions = {}): StatutoryDay[] => {
  const { tetDay1, hungKingsDay } = lunarAnchorsOf(year);
  const on = (month: number, date: number) => Date.UTC(year, month - 1, date) / 86_400_000;
  const days: StatutoryDay[] = [
    { day: on(1, 1), name: HOLIDAY_NAMES.newYear },
    ...(decisions.tetDays ?? defaultTetDays(year)).map((day) => ({ day, name: tetName(day - tetDay1) })),
    { day: hungKingsDay, name: HOLIDAY_NAMES.hungKings },
    { day: on(4, 30), name: HOLIDAY_NAMES.victory },
    { day: on(5, 1), name: HOLIDAY_NAMES.labour },
    { day: on(9, 2), name: HOLIDAY_NAMES.nationalDay },
  ];
  if (year >= LABOR_CODE_2019_FIRST_YEAR) {
    const adjacent = decisions.nationalDayAdjacentDay ?? defaultNationalDayAdjacentDay(year);
    days.push({ day: adjacent, name: HOLIDAY_NAMES.nationalDayAdjacent });
  }
  return days.sort((a, b) => a.day - b.day);
};

/**
 * Compensatory days (nghỉ bù): each date holding a holiday that falls on a Saturday or Sunday gives
 * one day off on the next day that is Monday to Friday, not a holiday and not already a
 * compensatory day, taken in date order (so Tết on Sat + Sun → the first two weekdays after Tết).
 */
export const compensatoryDaysFor = (holidays: readonly StatutoryDay[]): StatutoryDay[] => {
  const holidayDays = new Set(holidays.map((holiday) => holiday.day));
  const taken = new Set<number>();
  const result: StatutoryDay[] = [];
  const seen = new Set<number>();
  for (const holiday of [...holidays].sort((a, b) => a.day - b.day)) {
    if (seen.has(holiday.day) || !isWeekend(holiday.day)) continue;
    seen.add(holiday.day);
    let day = holiday.day + 1;
    while (isWeekend(day) || holidayDays.has(day) || taken.has(day)) day += 1;
    taken.add(day);
    result.push({
      day,
      name: { vi: `Nghỉ bù ${holiday.name.vi}`, en: `Compensatory day off for ${holiday.name.en}` },
    });
  }
  return result;
};
