/**
 * `npm run calendar:generate`: writes shared/calendar/lunar-dates.generated.ts, the table of Tết day 1
 * and Hùng Kings day for every year the working calendar supports (shared/calendar/supported-years.ts).
 *
 * `date-holidays` stays the source of truth for the Vietnamese lunisolar calendar, but only here, at
 * build time: loaded at run time it put ~1.4 MB (moment-timezone, its data, astronomia) into every
 * Lambda that computes due dates. It is used exactly as vietnam-holidays.ts used it: only the
 * documented rule grammar ("vietnamese M-L-D"), not its VN holiday list.
 * tests/unit/calendar-lunar-dates.test.ts recomputes the table with these functions and fails when the
 * committed file differs, so run this after upgrading date-holidays or changing the supported years.
 */

import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Holidays from 'date-holidays';
import { REPO_ROOT } from '#infra/cdk/paths.ts';
import { type CalendarDay, dayNumberOf, firstDayOfYear } from '#shared/calendar/civil-date.ts';
import { MAX_YEAR, MIN_YEAR } from '#shared/calendar/supported-years.ts';

/** Mùng 1 tháng Giêng (1st day of the 1st lunar month) and 10/3 Âm lịch, in date-holidays' grammar. */
export const TET_RULE = 'vietnamese 1-0-1';
export const HUNG_KINGS_RULE = 'vietnamese 3-0-10';

export const GENERATED_PATH = join(REPO_ROOT, 'shared/calendar/lunar-dates.generated.ts');

export interface LunarDatesOfYear {
  readonly year: number;
  readonly tetDay1: CalendarDay;
  readonly hungKingsDay: CalendarDay;
}

export const dateHolidaysVersion = (): string =>
  (createRequire(import.meta.url)('date-holidays/package.json') as { version: string }).version;

/**
 * Tết day 1 and Hùng Kings day of every year `first`…`last` (civil dates in Vietnam), checked: both
 * fall in their Gregorian year and Tết day 1 between 21 January and 20 February.
 */
export const computeLunarDates = (first = MIN_YEAR, last = MAX_YEAR): LunarDatesOfYear[] => {
  const calendar = new Holidays();
  calendar.setHoliday(TET_RULE, { name: { en: 'Tet' }, type: 'public' });
  calendar.setHoliday(HUNG_KINGS_RULE, { name: { en: 'Hung Kings' }, type: 'public' });
  const years: LunarDatesOfYear[] = [];
  for (let year = first; year <= last; year += 1) {
    const found = calendar.getHolidays(year);
    const dateOf = (rule: string): CalendarDay => {
      const holiday = found.find((entry) => entry.rule === rule);
      if (!holiday) throw new Error(`date-holidays gave no date for "${rule}" in ${year}`);
      const date = holiday.date.slice(0, 10);
      dayNumberOf(date); // throws unless a real YYYY-MM-DD
      if (!date.startsWith(`${year}-`)) throw new Error(`"${rule}" of ${year} falls on ${date}`);
      return date;
    };
    const entry = { year, tetDay1: dateOf(TET_RULE), hungKingsDay: dateOf(HUNG_KINGS_RULE) };
    const offset = dayNumberOf(entry.tetDay1) - firstDayOfYear(year);
    if (offset < 20 || offset > 50) throw new Error(`Implausible Tết day 1 for ${year}: ${entry.tetDay1}`);
    years.push(entry);
  }
  return years;
};

/** The source of shared/calendar/lunar-dates.generated.ts (already formatted as Biome would). */
export const renderLunarDatesModule = (years: readonly LunarDatesOfYear[], version: string): string => {
  const first = years[0];
  const last = years.at(-1);
  if (!first || !last) throw new Error('No years to write');
  years.forEach((entry, i) => {
    if (entry.year !== first.year + i) throw new Error(`Years are not consecutive at ${entry.year}`);
  });
  return `/**
 * GENERATED FILE — do not edit by hand. Regenerate with \`npm run calendar:generate\`
 * (infra/scripts/generate-lunar-dates.ts).
 *
 * Tết day 1 (mùng 1 tháng Giêng) and Hùng Kings day (10/3 Âm lịch) of every year ${first.year}–${last.year}, as
 * civil dates in Vietnam, computed at build time with date-holidays ${version} from its rules
 * "${TET_RULE}" and "${HUNG_KINGS_RULE}" (Vietnamese lunisolar calendar, new moons at UTC+7).
 * Lambda bundles read this table instead of loading date-holidays (~1.4 MB minified).
 * tests/unit/calendar-lunar-dates.test.ts recomputes every year with date-holidays and fails when this
 * file differs: regenerate after upgrading date-holidays or changing supported-years.ts.
 */
import type { CalendarDay } from './civil-date.ts';

/** Tết day 1 and Hùng Kings day of one Gregorian year (both \`YYYY-MM-DD\` in that year). */
export type LunarAnchorDates = readonly [tetDay1: CalendarDay, hungKingsDay: CalendarDay];

/** The year of \`LUNAR_DATES[0]\`: entry \`i\` is year \`LUNAR_DATES_FIRST_YEAR + i\`. */
export const LUNAR_DATES_FIRST_YEAR = ${first.year};

export const LUNAR_DATES: readonly LunarAnchorDates[] = [
${years.map((entry) => `  ['${entry.tetDay1}', '${entry.hungKingsDay}'],`).join('\n')}
];
`;
};

const runAsScript =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (runAsScript) {
  const years = computeLunarDates();
  await writeFile(GENERATED_PATH, renderLunarDatesModule(years, dateHolidaysVersion()));
  console.log(
    `wrote ${relative(REPO_ROOT, GENERATED_PATH)} (${years.length} years, ${MIN_YEAR}–${MAX_YEAR})`,
  );
}
