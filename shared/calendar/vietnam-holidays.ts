/**
 * Statutory public holidays of Vietnam for one year (ngày nghỉ lễ, tết), before yearly overrides.
 * The rules and the reasons for each default are written down in working-calendar.ts.
 *
 * Lunar dates — Tết day 1 and Hùng Kings day — come from lunar-dates.generated.ts, a table written
 * at build time by `npm run calendar:generate` with `date-holidays`, whose Vietnamese lunisolar
 * calendar (UTC+7 new moons, so 2007 and 2030 differ from the Chinese calendar) stays the source of
 * truth; a unit test recomputes every year and fails when the table differs. We only ever count
 * whole days from those two anchors, never do lunar arithmetic ourselves.
 *
 * Loading `date-holidays` at run time would put ~1.4 MB minified (moment-timezone, every country's
 * data, astronomia) and ~120 ms of import into each Lambda that computes due dates; the table is
 * ~5 KB and needs no parsing beyond `YYYY-MM-DD`.
 */
import {
  type CalendarDay,
  dayNumberOf,
  firstDayOfYear,
  formatCalendarDay,
  isWeekend,
  weekdayOf,
} from './civil-date.ts';
import { LUNAR_DATES, LUNAR_DATES_FIRST_YEAR } from './lunar-dates.generated.ts';
import { MAX_YEAR, MIN_YEAR } from './supported-years.ts';

export { MAX_YEAR, MIN_YEAR } from './supported-years.ts';

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

const anchorCache = new Map<number, { tetDay1: number; hungKingsDay: number }>();

/**
 * Tết day 1 (mùng 1 tháng Giêng) and Hùng Kings day (10/3 Âm lịch) of a Gregorian year, as day
 * numbers, from the generated table (date-holidays' rules "vietnamese 1-0-1" and "vietnamese 3-0-10",
 * not its VN holiday list; a unit test checks both agree).
 */
export const lunarAnchorsOf = (year: number): { tetDay1: number; hungKingsDay: number } => {
  assertSupportedYear(year);
  const cached = anchorCache.get(year);
  if (cached) return cached;
  const entry = LUNAR_DATES[year - LUNAR_DATES_FIRST_YEAR];
  if (!entry?.every((date) => date.startsWith(`${year}-`))) {
    throw new Error(`lunar-dates.generated.ts has no dates for ${year}: run npm run calendar:generate`);
  }
  const [tetDay1, hungKingsDay] = entry;
  const anchors = { tetDay1: dayNumberOf(tetDay1), hungKingsDay: dayNumberOf(hungKingsDay) };
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
