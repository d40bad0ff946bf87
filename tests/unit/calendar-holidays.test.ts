/**
 * Vietnamese public holidays: the Labor Code rules, the defaults for the yearly decisions checked
 * against the Government's published holiday periods, and the override config.
 */
import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import {
  CalendarOverrides,
  calendarOverridesFromEntries,
  mergeCalendarOverrides,
  WorkingCalendarConfig,
} from '#shared/calendar/calendar-config.ts';
import { dayNumberOf, formatCalendarDay, isWeekend } from '#shared/calendar/civil-date.ts';
import { createWorkingCalendar } from '#shared/calendar/working-calendar.ts';

const calendar = createWorkingCalendar();
const listed = (year: number) => calendar.holidaysOf(year).map((day) => `${day.date} ${day.kind}`);
const daysFrom = (first: string, last: string): string[] => {
  const days: string[] = [];
  for (let day = dayNumberOf(first); day <= dayNumberOf(last); day += 1) days.push(formatCalendarDay(day));
  return days;
};
const shift = (date: string, by: number) => formatCalendarDay(dayNumberOf(date) + by);

describe('statutory holidays (Labor Code 2019 art. 112)', () => {
  it('lists 2026: Tết 16–20 Feb, Hùng Kings on Sunday 26 Apr compensated on Monday, 1–2 Sep', () => {
    expect(listed(2026)).toEqual([
      '2026-01-01 holiday',
      '2026-02-16 holiday',
      '2026-02-17 holiday',
      '2026-02-18 holiday',
      '2026-02-19 holiday',
      '2026-02-20 holiday',
      '2026-04-26 holiday',
      '2026-04-27 compensatory',
      '2026-04-30 holiday',
      '2026-05-01 holiday',
      '2026-09-01 holiday',
      '2026-09-02 holiday',
    ]);
    const [newYear, , tetDay1] = calendar.holidaysOf(2026);
    expect(newYear?.name).toEqual({ vi: 'Tết Dương lịch (1/1)', en: "New Year's Day (1 January)" });
    expect(tetDay1?.name.vi).toBe('Tết Âm lịch (mùng 1 tháng Giêng)');
    expect(calendar.holidaysOf(2026)[7]?.name.en).toBe(
      "Compensatory day off for Hùng Kings' Commemoration Day (10th day of the 3rd lunar month)",
    );
  });

  it('lists 2027: Tết day 1 on Saturday gives two compensatory days; 1 May on Saturday gives Monday 3 May', () => {
    expect(listed(2027)).toEqual([
      '2027-01-01 holiday',
      '2027-02-04 holiday',
      '2027-02-05 holiday',
      '2027-02-06 holiday',
      '2027-02-07 holiday',
      '2027-02-08 holiday',
      '2027-02-09 compensatory',
      '2027-02-10 compensatory',
      '2027-04-16 holiday',
      '2027-04-30 holiday',
      '2027-05-01 holiday',
      '2027-05-03 compensatory',
      '2027-09-02 holiday',
      '2027-09-03 holiday',
    ]);
  });

  it('has no second National Day holiday before the 2019 Code took effect (2020)', () => {
    expect(calendar.isWorkingDay('2020-09-01')).toBe(true);
    expect(calendar.isWorkingDay('2020-09-03')).toBe(true);
    expect(calendar.isWorkingDay('2020-09-02')).toBe(false);
  });

  it('uses the Vietnamese lunar calendar: Tết 2030 is 2 Feb (the new moon is 23:07 UTC+7; in China, 3 Feb)', () => {
    expect(calendar.holidaysOf(2030).find((day) => day.name.vi.includes('mùng 1'))?.date).toBe('2030-02-02');
  });

  it('agrees with the date-holidays VN list on Tết day 1 and Hùng Kings day (every fourth year 2014–2062)', () => {
    const vn = new Holidays('VN');
    // The full VN list costs ~40 ms a year to compute, so every fourth year keeps this test fast.
    for (let year = 2014; year <= 2062; year += 4) {
      const reference = vn.getHolidays(year);
      const dateOf = (rule: string) => reference.find((holiday) => holiday.rule === rule)?.date.slice(0, 10);
      const ours = calendar.holidaysOf(year);
      expect(ours.find((day) => day.name.vi === 'Tết Âm lịch (mùng 1 tháng Giêng)')?.date).toBe(
        dateOf('vietnamese 1-0-1'),
      );
      expect(ours.find((day) => day.name.vi.startsWith('Giỗ Tổ'))?.date).toBe(dateOf('vietnamese 3-0-10'));
    }
  });

  it('keeps its invariants every year 2014–2060', () => {
    for (let year = 2014; year <= 2060; year += 1) {
      const days = calendar.holidaysOf(year);
      const holidays = days.filter((day) => day.kind === 'holiday');
      const compensatory = days.filter((day) => day.kind === 'compensatory');
      expect(new Set(holidays.map((day) => day.date)).size).toBe(year >= 2021 ? 11 : 10);
      expect(compensatory).toHaveLength(holidays.filter((day) => isWeekend(dayNumberOf(day.date))).length);
      for (const day of compensatory) expect(isWeekend(dayNumberOf(day.date))).toBe(false);
      for (const day of days) {
        expect(day.date.startsWith(String(year))).toBe(true);
        expect(calendar.isWorkingDay(day.date)).toBe(false);
      }
      expect(days.map((day) => day.date)).toEqual(days.map((day) => day.date).sort());
    }
  });
});

describe('defaults for the yearly decisions match the published holiday periods', () => {
  /** A holiday period: every day in it is off and the days just before and after are working days. */
  const expectPeriod = (first: string, last: string) => {
    for (const day of daysFrom(first, last)) expect(calendar.isWorkingDay(day), day).toBe(false);
    expect(calendar.isWorkingDay(shift(first, -1)), shift(first, -1)).toBe(true);
    expect(calendar.isWorkingDay(shift(last, 1)), shift(last, 1)).toBe(true);
  };

  it.each([
    ['2020', '2020-01-23', '2020-01-29'],
    ['2021', '2021-02-10', '2021-02-16'],
    ['2022', '2022-01-29', '2022-02-06'],
    ['2023', '2023-01-20', '2023-01-26'],
    ['2024', '2024-02-08', '2024-02-14'],
    ['2025', '2025-01-25', '2025-02-02'],
    ['2026', '2026-02-14', '2026-02-22'],
  ])('Tết %s: off %s to %s', (_year, first, last) => expectPeriod(first, last));

  it.each([
    ['2021', '2021-09-02', '2021-09-05'],
    ['2022', '2022-09-01', '2022-09-04'],
    ['2023', '2023-09-01', '2023-09-04'],
    ['2024', '2024-08-31', '2024-09-03'],
    ['2025', '2025-08-30', '2025-09-02'],
  ])('National Day %s: off %s to %s', (_year, first, last) => expectPeriod(first, last));

  it('Hùng Kings day, 30 April and 1 May 2023 (Sat, Sun, Mon): off 29 Apr – 3 May', () => {
    expectPeriod('2023-04-29', '2023-05-03');
  });
});

describe('override config', () => {
  it('parses a province calendar section', () => {
    const config = WorkingCalendarConfig.parse({
      sessions: [
        { start: '07:00', end: '11:30' },
        { start: '13:00', end: '17:00' },
      ],
      overrides: {
        '2024': {
          source: 'Công văn 2450/VPCP-KGVX',
          daysOff: [{ date: '2024-04-29' }],
          workingDays: [{ date: '2024-05-04', note: 'làm bù' }],
        },
        '2027': { tetDays: ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09'] },
      },
    });
    expect(config.overrides?.['2024']?.workingDays).toEqual([{ date: '2024-05-04', note: 'làm bù' }]);
  });

  it.each([
    ['a date outside its year', { '2026': { daysOff: [{ date: '2027-01-02' }] } }, '2026.daysOff.0.date'],
    ['a date that does not exist', { '2026': { daysOff: [{ date: '2026-02-30' }] } }, '2026.daysOff.0.date'],
    [
      'a date both off and working',
      { '2026': { daysOff: [{ date: '2026-05-04' }], workingDays: [{ date: '2026-05-04' }] } },
      '2026.workingDays.0.date',
    ],
    ['a duplicate Tết day', { '2027': { tetDays: ['2027-02-05', '2027-02-05'] } }, '2027.tetDays.1'],
    ['a Tết day in summer', { '2027': { tetDays: ['2027-07-05'] } }, '2027.tetDays.0'],
    [
      'a National Day neighbour that is not adjacent',
      { '2026': { nationalDayAdjacentDay: '2026-09-04' } },
      '2026.nationalDayAdjacentDay',
    ],
    ['a year key that is not a year', { '26': {} }, '26'],
    ['an unknown field', { '2026': { holidays: [] } }, '2026'],
  ])('rejects %s', (_what, overrides, path) => {
    const result = CalendarOverrides.safeParse(overrides);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('refuses to build a calendar from invalid overrides', () => {
    expect(() =>
      createWorkingCalendar({ overrides: { '2026': { daysOff: [{ date: '2026-13-01' }] } } }),
    ).toThrow();
  });

  it('lists an extra day off once, as the holiday, when it already is one', () => {
    const cal = createWorkingCalendar({
      overrides: { '2026': { daysOff: [{ date: '2026-09-02' }, { date: '2026-09-04', note: 'bridge' }] } },
    });
    const september = cal.holidaysOf(2026).filter((day) => day.date.startsWith('2026-09'));
    expect(september.map((day) => `${day.date} ${day.kind}`)).toEqual([
      '2026-09-01 holiday',
      '2026-09-02 holiday',
      '2026-09-04 override',
    ]);
    expect(september[2]?.note).toBe('bridge');
    // 20:00 UTC on 3 Sep is 03:00 on 4 Sep in Vietnam.
    expect(cal.isWorkingDay(new Date('2026-09-03T20:00:00Z'))).toBe(false);
    expect(cal.isWorkingDay(new Date('2026-09-03T16:59:59Z'))).toBe(true);
  });

  it('builds overrides from a flat day-off / working-day list', () => {
    const overrides = calendarOverridesFromEntries([
      { date: '2025-04-26', kind: 'working-day', reason: 'Làm bù cho thứ Sáu 2/5/2025' },
      { date: '2025-05-02', kind: 'day-off', reason: 'Hoán đổi với thứ Bảy 26/4/2025' },
      { date: '2026-01-02', kind: 'day-off' },
    ]);
    expect(overrides).toEqual({
      '2025': {
        workingDays: [{ date: '2025-04-26', note: 'Làm bù cho thứ Sáu 2/5/2025' }],
        daysOff: [{ date: '2025-05-02', note: 'Hoán đổi với thứ Bảy 26/4/2025' }],
      },
      '2026': { daysOff: [{ date: '2026-01-02' }] },
    });
    const cal = createWorkingCalendar({ overrides });
    // 30 Apr – 4 May 2025 off in one block; Saturday 26 Apr worked.
    expect(daysFrom('2025-04-30', '2025-05-04').every((day) => !cal.isWorkingDay(day))).toBe(true);
    expect(cal.isWorkingDay('2025-04-26')).toBe(true);
  });

  it('layers national decisions and a province’s own, the later layer winning per date', () => {
    const national: CalendarOverrides = {
      '2026': { daysOff: [{ date: '2026-04-28', note: 'national bridge' }], source: 'national' },
    };
    const province: CalendarOverrides = {
      '2026': {
        workingDays: [{ date: '2026-04-28', note: 'this province works' }],
        daysOff: [{ date: '2026-08-19' }],
      },
      '2027': { nationalDayAdjacentDay: '2027-09-01' },
    };
    expect(mergeCalendarOverrides(national, province)).toEqual({
      '2026': {
        source: 'national',
        workingDays: [{ date: '2026-04-28', note: 'this province works' }],
        daysOff: [{ date: '2026-08-19' }],
      },
      '2027': { nationalDayAdjacentDay: '2027-09-01' },
    });
    expect(CalendarOverrides.safeParse(mergeCalendarOverrides(national, province)).success).toBe(true);
  });
});
