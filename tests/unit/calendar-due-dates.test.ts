/**
 * Hand-computed due dates. Default office hours 07:30–11:30 and 13:30–17:30; one working day = both
 * sessions, so "+1 day" lands at the same clock time on the next working day.
 */
import { describe, expect, it } from 'vitest';
import { formatVietnamTime, vietnamTime as vn } from '#shared/calendar/civil-date.ts';
import { createWorkingCalendar } from '#shared/calendar/working-calendar.ts';

const calendar = createWorkingCalendar();
/** `YYYY-MM-DD HH:mm` in Vietnamese time. */
const local = (instant: Date) => formatVietnamTime(instant).slice(0, 16).replace('T', ' ');
const due = (receivedAt: string, days: number) => local(calendar.addWorkingDays(vn(receivedAt), days));

describe('due dates across Tết', () => {
  it('Tết Bính Ngọ 2026 (days off Sat 14 – Sun 22 Feb): a dossier received the Friday before', () => {
    // Fri 13 Feb is day 1; Tết 16–20 Feb (29 Chạp – mùng 4) and both weekends are skipped.
    expect(due('2026-02-13 07:30', 1)).toBe('2026-02-13 17:30');
    expect(due('2026-02-13 07:30', 3)).toBe('2026-02-24 17:30');
    // Thu 14:00 → Fri 14:00 → (Tết) → Mon 23 Feb 14:00.
    expect(due('2026-02-12 14:00', 2)).toBe('2026-02-23 14:00');
    // Fri 16:00: 1.5 h left on Friday, the other 2.5 h of the half day on Mon 23 from 07:30.
    expect(due('2026-02-13 16:00', 0.5)).toBe('2026-02-23 10:00');
    // Received on Friday evening: the clock starts on Mon 23 Feb.
    expect(due('2026-02-13 20:00', 1)).toBe('2026-02-23 17:30');
  });

  it('Tết Đinh Mùi 2027 (day 1 on Saturday 6 Feb): Tết days plus two compensatory days', () => {
    // Tết 4–8 Feb (Thu–Mon); Sat 6 and Sun 7 are compensated on Tue 9 and Wed 10.
    expect(due('2027-02-03 16:00', 1)).toBe('2027-02-11 16:00');
    expect(due('2027-02-03 16:00', 2)).toBe('2027-02-12 16:00');
    expect(due('2027-02-03 16:00', 5)).toBe('2027-02-17 16:00');
    expect(calendar.workingTimeBetween(vn('2027-02-03 07:30'), vn('2027-02-11 17:30'))).toBe(2);
  });
});

describe('compensatory days and overrides', () => {
  it('Hùng Kings day 2026 falls on Sunday 26 Apr: Monday 27 Apr is off', () => {
    expect(due('2026-04-24 08:00', 1)).toBe('2026-04-28 08:00');
    // 28, 29 Apr; 30 Apr and 1 May are holidays, 2–3 May the weekend; then Mon 4 May.
    expect(due('2026-04-24 08:00', 3)).toBe('2026-05-04 08:00');
  });

  it('applies a working-day swap like the 2024 one (off Mon 29 Apr, worked Sat 4 May)', () => {
    const swapped = createWorkingCalendar({
      overrides: {
        '2024': {
          source: 'Công văn 2450/VPCP-KGVX ngày 12/4/2024',
          daysOff: [{ date: '2024-04-29', note: 'Hoán đổi với thứ Bảy 4/5/2024' }],
          workingDays: [{ date: '2024-05-04', note: 'Làm bù cho thứ Hai 29/4/2024' }],
        },
      },
    });
    const received = vn('2024-04-26 14:00');
    const at = (cal: typeof calendar, days: number) => local(cal.addWorkingDays(received, days));
    // Without the swap: Mon 29 Apr works, 30 Apr and 1 May are holidays.
    expect([1, 2, 3].map((n) => at(calendar, n))).toEqual([
      '2024-04-29 14:00',
      '2024-05-02 14:00',
      '2024-05-03 14:00',
    ]);
    expect(at(calendar, 4)).toBe('2024-05-06 14:00');
    // With it: 29 Apr is off, Saturday 4 May is a working day.
    expect([1, 2, 3].map((n) => at(swapped, n))).toEqual([
      '2024-05-02 14:00',
      '2024-05-03 14:00',
      '2024-05-04 14:00',
    ]);
    expect(swapped.isWorkingDay('2024-05-04')).toBe(true);
    expect(swapped.isWorkingDay('2024-04-29')).toBe(false);
  });

  it('replaces the Tết days of a year and keeps compensating weekend ones', () => {
    // Hypothetical decision for 2027: the last day of the old year and days 1–4 (Fri 5 – Tue 9 Feb).
    const decided = createWorkingCalendar({
      overrides: {
        '2027': { tetDays: ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09'] },
      },
    });
    const off = decided
      .holidaysOf(2027)
      .filter((day) => day.date.startsWith('2027-02'))
      .map((day) => `${day.date} ${day.kind}`);
    expect(off).toEqual([
      '2027-02-05 holiday',
      '2027-02-06 holiday',
      '2027-02-07 holiday',
      '2027-02-08 holiday',
      '2027-02-09 holiday',
      '2027-02-10 compensatory',
      '2027-02-11 compensatory',
    ]);
    expect(decided.isWorkingDay('2027-02-04')).toBe(true);
    expect(local(decided.addWorkingDays(vn('2027-02-03 16:00'), 2))).toBe('2027-02-12 16:00');
    expect(local(decided.addWorkingDays(vn('2027-02-03 16:00'), 1))).toBe('2027-02-04 16:00');
  });

  it('moves the National Day adjacent day and can cancel a computed compensatory day', () => {
    const decided = createWorkingCalendar({
      overrides: { '2026': { nationalDayAdjacentDay: '2026-09-03', workingDays: [{ date: '2026-04-27' }] } },
    });
    expect(decided.isWorkingDay('2026-09-01')).toBe(true);
    expect(decided.isWorkingDay('2026-09-03')).toBe(false);
    expect(decided.isWorkingDay('2026-04-27')).toBe(true);
    expect(decided.holidaysOf(2026).map((day) => day.date)).not.toContain('2026-04-27');
    expect(decided.extraWorkingDaysOf(2026)).toEqual([{ date: '2026-04-27' }]);
  });
});

describe('half days and receipts outside office hours', () => {
  it('counts a half day as one session', () => {
    expect(due('2026-03-02 07:30', 0.5)).toBe('2026-03-02 11:30');
    expect(due('2026-03-02 07:30', 1.5)).toBe('2026-03-03 11:30');
    expect(due('2026-03-02 13:30', 0.5)).toBe('2026-03-02 17:30');
    // From a session start, the due instant is the end of a session, not the next one's start.
    expect(due('2026-03-02 13:30', 1)).toBe('2026-03-03 11:30');
    // 09:00: 2.5 h of the morning, then 1.5 h of the afternoon.
    expect(due('2026-03-02 09:00', 0.5)).toBe('2026-03-02 15:00');
    expect(due('2026-03-02 15:00', 0.5)).toBe('2026-03-03 09:00');
  });

  it('starts the clock at the next session for receipts after hours, at lunch or on a day off', () => {
    expect(due('2026-03-02 18:00', 1)).toBe('2026-03-03 17:30');
    expect(due('2026-03-02 06:00', 0.5)).toBe('2026-03-02 11:30');
    expect(due('2026-03-02 12:15', 0.5)).toBe('2026-03-02 17:30');
    expect(due('2026-03-02 11:30', 0.5)).toBe('2026-03-02 17:30');
    expect(due('2026-03-02 17:30', 0.5)).toBe('2026-03-03 11:30');
    expect(due('2026-03-07 10:00', 1)).toBe('2026-03-09 17:30'); // Saturday
    expect(local(calendar.clockStart(vn('2026-03-02 12:15')))).toBe('2026-03-02 13:30');
    expect(local(calendar.clockStart(vn('2026-03-02 09:10')))).toBe('2026-03-02 09:10');
    expect(local(calendar.clockStart(vn('2026-02-13 17:30')))).toBe('2026-02-23 07:30');
    expect(calendar.isWorkingTime(vn('2026-03-02 11:30'))).toBe(false);
    expect(calendar.isWorkingTime(vn('2026-03-02 11:29'))).toBe(true);
  });

  it('names the next working day', () => {
    expect(calendar.nextWorkingDay('2026-02-13')).toBe('2026-02-23');
    expect(calendar.nextWorkingDay('2027-02-03')).toBe('2027-02-11');
    expect(calendar.nextWorkingDay(vn('2026-04-24 20:00'))).toBe('2026-04-28');
  });

  it('returns the receipt instant for zero days', () => {
    expect(due('2026-03-07 10:00', 0)).toBe('2026-03-07 10:00');
  });

  it('weighs each session as half a day when sessions differ in length', () => {
    const summer = createWorkingCalendar({
      sessions: [
        { start: '07:00', end: '11:30' },
        { start: '13:00', end: '16:30' },
      ],
    });
    const at = (receivedAt: string, days: number) => local(summer.addWorkingDays(vn(receivedAt), days));
    expect(at('2026-03-02 07:00', 0.5)).toBe('2026-03-02 11:30');
    // 09:15 is halfway through the 4.5 h morning; half a day later is halfway through the 3.5 h afternoon.
    expect(at('2026-03-02 09:15', 0.5)).toBe('2026-03-02 14:45');
    expect(at('2026-03-02 09:15', 1)).toBe('2026-03-03 09:15');
    expect(summer.workingTimeBetween(vn('2026-03-02 09:15'), vn('2026-03-02 14:45'))).toBe(0.5);
  });
});

describe('pauses, extensions and lateness', () => {
  const received = vn('2026-03-02 07:30'); // Monday

  it('stops the clock while the dossier waits for a supplement', () => {
    expect(local(calendar.addWorkingDays(received, 3))).toBe('2026-03-04 17:30');
    // Paused Tue 13:30 → Thu 13:30: two working days do not count.
    const pause = { start: vn('2026-03-03 13:30'), end: vn('2026-03-05 13:30') };
    expect(local(calendar.addWorkingDays(received, 3, [pause]))).toBe('2026-03-06 17:30');
    expect(calendar.workingTimeBetween(received, vn('2026-03-06 17:30'), [pause])).toBe(3);
    // The same pause listed twice, or split in overlapping parts, counts once.
    const parts = [pause, { start: vn('2026-03-04 08:00'), end: vn('2026-03-05 09:00') }];
    expect(local(calendar.addWorkingDays(received, 3, [...parts, pause]))).toBe('2026-03-06 17:30');
  });

  it('ignores pauses in non-working time, before the receipt or after the due date', () => {
    const overWeekend = { start: vn('2026-03-06 17:30'), end: vn('2026-03-09 07:30') };
    const lunch = { start: vn('2026-03-03 11:30'), end: vn('2026-03-03 13:30') };
    const before = { start: vn('2026-02-27 08:00'), end: vn('2026-03-02 07:30') };
    const after = { start: vn('2026-03-05 07:30'), end: vn('2026-03-20 07:30') };
    expect(local(calendar.addWorkingDays(received, 5, [overWeekend, lunch, before]))).toBe(
      '2026-03-06 17:30',
    );
    expect(local(calendar.addWorkingDays(received, 3, [after]))).toBe('2026-03-04 17:30');
  });

  it('extends a due date by adding days to it, the same as counting all days from the receipt', () => {
    const pause = { start: vn('2026-03-03 09:00'), end: vn('2026-03-03 15:00') };
    const first = calendar.addWorkingDays(received, 5, [pause]);
    // 4 working hours fall inside the pause (09:00–11:30, 13:30–15:00): half a day after Fri 17:30.
    expect(local(first)).toBe('2026-03-09 11:30');
    const extended = calendar.addWorkingDays(first, 3, [pause]);
    expect(extended).toEqual(calendar.addWorkingDays(received, 8, [pause]));
    expect(local(extended)).toBe('2026-03-12 11:30');
  });

  it('measures lateness in working days, signed', () => {
    const dueAt = vn('2026-02-13 17:30');
    // Returned on the first morning after Tết at 09:30: two working hours late.
    expect(calendar.workingTimeBetween(dueAt, vn('2026-02-23 09:30'))).toBe(0.25);
    expect(calendar.workingTimeBetween(vn('2026-02-23 09:30'), dueAt)).toBe(-0.25);
    expect(calendar.workingTimeBetween(vn('2026-02-13 07:30'), vn('2026-02-23 11:30'))).toBe(1.5);
    expect(calendar.workingTimeBetween(vn('2026-02-14 08:00'), vn('2026-02-22 16:00'))).toBe(0);
  });
});

describe('input checks', () => {
  it('rejects negative or non-finite days, invalid dates, reversed pauses and years out of range', () => {
    expect(() => calendar.addWorkingDays(vn('2026-03-02 07:30'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(vn('2026-03-02 07:30'), Number.NaN)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(new Date('nope'), 1)).toThrow(RangeError);
    expect(() =>
      calendar.addWorkingDays(vn('2026-03-02 07:30'), 1, [
        { start: vn('2026-03-03 07:30'), end: vn('2026-03-02 07:30') },
      ]),
    ).toThrow(RangeError);
    expect(() => calendar.holidaysOf(2300)).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => vn('2026-03-02 25:00')).toThrow(RangeError);
  });

  it('rejects sessions that overlap or run backwards', () => {
    expect(() =>
      createWorkingCalendar({
        sessions: [
          { start: '07:30', end: '12:00' },
          { start: '11:30', end: '17:00' },
        ],
      }),
    ).toThrow();
    expect(() =>
      createWorkingCalendar({
        sessions: [
          { start: '11:30', end: '07:30' },
          { start: '13:30', end: '17:30' },
        ],
      }),
    ).toThrow();
  });
});
