/**
 * The lunar-date table (shared/calendar/lunar-dates.generated.ts) is date-holidays' output, computed
 * at build time: recomputed here for every supported year, it must equal the committed file, byte for
 * byte, so the table can neither drift from date-holidays nor be edited by hand. The fix for a failure
 * is `npm run calendar:generate`. And date-holidays stays out of the Lambda bundles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#infra/cdk/paths.ts';
import {
  computeLunarDates,
  dateHolidaysVersion,
  GENERATED_PATH,
  type LunarDatesOfYear,
  renderLunarDatesModule,
} from '#infra/scripts/generate-lunar-dates.ts';
import { dayNumberOf } from '#shared/calendar/civil-date.ts';
import { LUNAR_DATES, LUNAR_DATES_FIRST_YEAR } from '#shared/calendar/lunar-dates.generated.ts';
import { lunarAnchorsOf, MAX_YEAR, MIN_YEAR } from '#shared/calendar/vietnam-holidays.ts';
import { SUPPORTED_YEARS } from '#shared/calendar/working-calendar.ts';

/** date-holidays takes ~10 ms a year, ~2 s for all of them: computed once for the whole file. */
let recomputed: LunarDatesOfYear[] | undefined;
const fromDateHolidays = (): LunarDatesOfYear[] => {
  recomputed ??= computeLunarDates();
  return recomputed;
};
const SLOW = 60_000;

describe('lunar-dates.generated.ts', () => {
  it('covers exactly the supported years', () => {
    expect(SUPPORTED_YEARS).toEqual({ first: 2014, last: 2199 });
    expect(LUNAR_DATES_FIRST_YEAR).toBe(MIN_YEAR);
    expect(LUNAR_DATES).toHaveLength(MAX_YEAR - MIN_YEAR + 1);
  });

  it(
    'equals date-holidays for every year (Tết day 1 and Hùng Kings day)',
    () => {
      const committed = Object.fromEntries(
        LUNAR_DATES.map(([tetDay1, hungKingsDay], i) => [
          LUNAR_DATES_FIRST_YEAR + i,
          { tetDay1, hungKingsDay },
        ]),
      );
      const expected = Object.fromEntries(
        fromDateHolidays().map(({ year, tetDay1, hungKingsDay }) => [year, { tetDay1, hungKingsDay }]),
      );
      expect(committed, 'run npm run calendar:generate').toEqual(expected);
    },
    SLOW,
  );

  it(
    'is the generator’s output byte for byte (no hand edits; regenerate with npm run calendar:generate)',
    () => {
      expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(
        renderLunarDatesModule(fromDateHolidays(), dateHolidaysVersion()),
      );
    },
    SLOW,
  );

  it(
    'is what lunarAnchorsOf returns, as day numbers, every year',
    () => {
      for (const { year, tetDay1, hungKingsDay } of fromDateHolidays()) {
        expect(lunarAnchorsOf(year), String(year)).toEqual({
          tetDay1: dayNumberOf(tetDay1),
          hungKingsDay: dayNumberOf(hungKingsDay),
        });
      }
      expect(() => lunarAnchorsOf(MIN_YEAR - 1)).toThrow(RangeError);
      expect(() => lunarAnchorsOf(MAX_YEAR + 1)).toThrow(RangeError);
    },
    SLOW,
  );

  it('spot checks: Tết Giáp Ngọ 2014, Bính Ngọ 2026, 2030 (Vietnamese, not Chinese, new moon)', () => {
    expect(LUNAR_DATES[2014 - LUNAR_DATES_FIRST_YEAR]).toEqual(['2014-01-31', '2014-04-09']);
    expect(LUNAR_DATES[2026 - LUNAR_DATES_FIRST_YEAR]).toEqual(['2026-02-17', '2026-04-26']);
    expect(LUNAR_DATES[2030 - LUNAR_DATES_FIRST_YEAR]?.[0]).toBe('2030-02-02');
  });
});

describe('date-holidays is a build-time dependency only', () => {
  const sourcesUnder = (dir: string): string[] =>
    readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.[cm]?[jt]sx?$/.test(file))
      .map((file) => join(dir, file));

  it('is imported by no module under shared/ or functions/', () => {
    const importers = [...sourcesUnder('shared'), ...sourcesUnder('functions')].filter((file) =>
      /(?:from|import|require)\s*\(?\s*['"]date-holidays(?:-parser)?(?:\/[^'"]*)?['"]/.test(
        readFileSync(join(REPO_ROOT, file), 'utf8'),
      ),
    );
    expect(importers).toEqual([]);
  });

  it('is not in a bundle of the working calendar (nor moment-timezone, astronomia)', async () => {
    const result = await build({
      absWorkingDir: REPO_ROOT,
      entryPoints: ['shared/calendar/working-calendar.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const packages = Object.keys(result.metafile.inputs).filter((input) =>
      /node_modules\/(?:date-holidays|moment|moment-timezone|astronomia|date-chinese|caldate)\//.test(input),
    );
    expect(packages).toEqual([]);
  });
});
