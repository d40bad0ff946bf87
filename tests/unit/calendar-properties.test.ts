/**
 * Property-based tests of the working-day calendar (fast-check): monotone, pause-invariant, skips
 * every holiday (checked against a naive session-by-session model), addWorkingDays and
 * workingTimeBetween inverse to each other, extensions additive.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vietnamTime as vn } from '#shared/calendar/civil-date.ts';
import {
  createWorkingCalendar,
  type Interval,
  type WorkingCalendar,
} from '#shared/calendar/working-calendar.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const standard = createWorkingCalendar();
/** Illustrative overrides: a swap in 2026 and a different Tết decision for 2027. */
const swapped = createWorkingCalendar({
  overrides: {
    '2026': {
      daysOff: [{ date: '2026-04-28' }, { date: '2026-04-29' }],
      workingDays: [{ date: '2026-04-25' }, { date: '2026-05-09' }, { date: '2026-04-27' }],
    },
    '2027': { tetDays: ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09'] },
  },
});
/** Sessions of different lengths (4.5 h and 3.5 h). */
const uneven = createWorkingCalendar({
  sessions: [
    { start: '07:00', end: '11:30' },
    { start: '13:00', end: '16:30' },
  ],
});
const calendars = { standard, swapped, uneven } as const;

const FIRST = vn('2025-12-01 00:00').getTime();
const LAST = vn('2027-11-30 00:00').getTime();
const SPECIAL_TIMES = [
  '00:00',
  '06:59',
  '07:00',
  '07:30',
  '09:15',
  '11:30',
  '12:00',
  '13:00',
  '13:30',
  '16:30',
  '17:30',
  '23:59',
];

/** Any millisecond, or a day at a time near session bounds, between Dec 2025 and Nov 2027 (two Tết). */
const instantArb = fc.oneof(
  fc.integer({ min: FIRST, max: LAST }).map((ms) => new Date(ms)),
  fc
    .tuple(fc.integer({ min: 0, max: Math.floor((LAST - FIRST) / DAY) }), fc.constantFrom(...SPECIAL_TIMES))
    .map(([offset, time]) => {
      const date = new Date(FIRST + offset * DAY + 7 * HOUR).toISOString().slice(0, 10);
      return vn(`${date} ${time}`);
    }),
);
/** Half days (the usual case) or multiples of 1/80 day (6 minutes of a standard day). */
const daysArb = fc.oneof(
  fc.integer({ min: 0, max: 60 }).map((n) => n / 2),
  fc.integer({ min: 0, max: 2400 }).map((n) => n / 80),
);
/** Pauses near a start: offset −3 … +25 days, length 0 … 8 days, at any millisecond. */
const pauseSpecsArb = fc.array(
  fc.tuple(fc.integer({ min: -3 * DAY, max: 25 * DAY }), fc.integer({ min: 0, max: 8 * DAY })),
  { maxLength: 3 },
);
const pausesAround = (start: Date, specs: [number, number][]): Interval[] =>
  specs.map(([offset, length]) => ({
    start: new Date(start.getTime() + offset),
    end: new Date(start.getTime() + offset + length),
  }));
const calendarArb = fc.constantFrom(...(Object.keys(calendars) as (keyof typeof calendars)[]));

const max = (a: Date, b: Date) => (a > b ? a : b);

describe('calendar properties', () => {
  it('is monotone in the number of days', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, daysArb, daysArb, pauseSpecsArb, (name, start, a, b, specs) => {
        const cal = calendars[name];
        const pauses = pausesAround(start, specs);
        const [fewer, more] = a <= b ? [a, b] : [b, a];
        expect(cal.addWorkingDays(start, fewer, pauses).getTime()).toBeLessThanOrEqual(
          cal.addWorkingDays(start, more, pauses).getTime(),
        );
      }),
    );
  });

  it('is monotone in the start time', () => {
    fc.assert(
      fc.property(
        calendarArb,
        instantArb,
        instantArb,
        daysArb,
        pauseSpecsArb,
        (name, s1, s2, days, specs) => {
          const cal = calendars[name];
          const [early, late] = s1 <= s2 ? [s1, s2] : [s2, s1];
          const pauses = pausesAround(early, specs);
          expect(cal.addWorkingDays(early, days, pauses).getTime()).toBeLessThanOrEqual(
            cal.addWorkingDays(late, days, pauses).getTime(),
          );
        },
      ),
    );
  });

  it('makes addWorkingDays and workingTimeBetween inverse to each other', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, daysArb, pauseSpecsArb, (name, start, days, specs) => {
        const cal = calendars[name];
        const pauses = pausesAround(start, specs);
        const due = cal.addWorkingDays(start, days, pauses);
        expect(due.getTime()).toBeGreaterThanOrEqual(start.getTime());
        expect(cal.workingTimeBetween(start, due, pauses)).toBe(days);
        // The earliest instant: a millisecond earlier, less time has run.
        if (due > start) {
          expect(cal.workingTimeBetween(start, new Date(due.getTime() - 1), pauses)).toBeLessThan(days);
        }
      }),
    );
    fc.assert(
      fc.property(calendarArb, instantArb, instantArb, pauseSpecsArb, (name, a, b, specs) => {
        const cal = calendars[name];
        const [from, to] = a <= b ? [a, b] : [b, a];
        const pauses = pausesAround(from, specs);
        const elapsed = cal.workingTimeBetween(from, to, pauses);
        expect(cal.workingTimeBetween(to, from, pauses)).toBe(elapsed === 0 ? 0 : -elapsed);
        // Adding back the working time lands on the earliest instant with that much time: at or before `to`,
        // with no working time left in between.
        const back = cal.addWorkingDays(from, elapsed, pauses);
        expect(back.getTime()).toBeLessThanOrEqual(to.getTime());
        expect(cal.workingTimeBetween(back, to, pauses)).toBe(0);
      }),
    );
  });

  it('shifts the due date by exactly the working time a pause covers, and not at all for other pauses', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, daysArb, pauseSpecsArb, (name, start, days, specs) => {
        const cal = calendars[name];
        const [pause] = pausesAround(start, specs.length > 0 ? specs : [[DAY, DAY]]);
        if (!pause) return;
        const due = cal.addWorkingDays(start, days);
        const paused = cal.addWorkingDays(start, days, [pause]);
        const pauseStart = max(pause.start, start);
        if (pause.end <= start || pauseStart >= due) {
          expect(paused).toEqual(due);
          return;
        }
        const covered = cal.workingTimeBetween(pauseStart, pause.end);
        if (covered === 0) expect(paused).toEqual(due);
        expect(cal.workingTimeBetween(due, paused)).toBe(covered);
        expect(paused).toEqual(cal.addWorkingDays(due, covered));
      }),
    );
  });

  it('ignores pauses lying in non-working time: lunch, nights, weekends and holidays', () => {
    const quietPauseArb = fc
      .tuple(fc.integer({ min: 0, max: 700 }), fc.constantFrom('lunch', 'night', 'day'))
      .map(([offset, kind]): Interval => {
        const date = new Date(FIRST + offset * DAY + 7 * HOUR).toISOString().slice(0, 10);
        const next = new Date(FIRST + (offset + 1) * DAY + 7 * HOUR).toISOString().slice(0, 10);
        if (kind === 'lunch') return { start: vn(`${date} 11:30`), end: vn(`${date} 13:30`) };
        if (kind === 'night') return { start: vn(`${date} 17:30`), end: vn(`${next} 07:30`) };
        return { start: vn(`${date} 00:00`), end: vn(`${next} 00:00`) };
      });
    fc.assert(
      fc.property(
        instantArb,
        daysArb,
        fc.array(quietPauseArb, { maxLength: 4 }),
        (start, days, candidates) => {
          const quiet = candidates.filter(
            (pause) => standard.workingTimeBetween(pause.start, pause.end) === 0 || pause.end <= start,
          );
          expect(standard.addWorkingDays(start, days, quiet)).toEqual(standard.addWorkingDays(start, days));
        },
      ),
    );
  });

  it('counts overlapping or repeated pauses once', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, daysArb, pauseSpecsArb, (name, start, days, specs) => {
        const cal = calendars[name];
        const pauses = pausesAround(start, specs);
        const split = pauses.flatMap((pause) => {
          const middle = new Date((pause.start.getTime() + pause.end.getTime()) / 2);
          const later = new Date(Math.min(middle.getTime() + HOUR, pause.end.getTime()));
          return [{ start: middle, end: pause.end }, { start: pause.start, end: later }, pause];
        });
        expect(cal.addWorkingDays(start, days, split)).toEqual(cal.addWorkingDays(start, days, pauses));
        expect(cal.workingTimeBetween(start, new Date(start.getTime() + 30 * DAY), split)).toBe(
          cal.workingTimeBetween(start, new Date(start.getTime() + 30 * DAY), pauses),
        );
      }),
    );
  });

  it('adds extensions: counting a + b days equals counting a then b', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, daysArb, daysArb, pauseSpecsArb, (name, start, a, b, specs) => {
        const cal = calendars[name];
        const pauses = pausesAround(start, specs);
        expect(cal.addWorkingDays(cal.addWorkingDays(start, a, pauses), b, pauses)).toEqual(
          cal.addWorkingDays(start, a + b, pauses),
        );
      }),
    );
  });
});

/**
 * A naive model: list the sessions of working days one by one, working days being exactly the days
 * that are not Saturday, Sunday or listed by holidaysOf, plus those listed by extraWorkingDaysOf.
 * Standard sessions only (both 4 h), so N half days from inside a session keep the offset.
 */
const naiveDue = (cal: WorkingCalendar, start: Date, halves: number): Date => {
  const years = [2025, 2026, 2027, 2028];
  const off = new Set(years.flatMap((year) => cal.holidaysOf(year).map((day) => day.date)));
  const extra = new Set(years.flatMap((year) => cal.extraWorkingDaysOf(year).map((day) => day.date)));
  const isWorkingDate = (date: string) => {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return extra.has(date) || (weekday !== 0 && weekday !== 6 && !off.has(date));
  };
  const sessions: [number, number][] = [];
  let date = new Date(start.getTime() + 7 * HOUR).toISOString().slice(0, 10);
  let position: { index: number; offset: number } | undefined;
  while (!position || sessions.length <= position.index + halves) {
    if (isWorkingDate(date)) {
      for (const [from, to] of [
        ['07:30', '11:30'],
        ['13:30', '17:30'],
      ]) {
        const session: [number, number] = [
          Date.parse(`${date}T${from}:00+07:00`),
          Date.parse(`${date}T${to}:00+07:00`),
        ];
        if (!position && session[1] > start.getTime()) {
          position = { index: sessions.length, offset: Math.max(0, start.getTime() - session[0]) };
        }
        sessions.push(session);
      }
    }
    date = new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
  }
  if (halves === 0) return start;
  return position.offset > 0
    ? new Date(sessions[position.index + halves]![0] + position.offset)
    : new Date(sessions[position.index + halves - 1]![1]);
};

describe('calendar against a naive session-by-session model', () => {
  it('skips every weekend day, holiday, compensatory day and override day off, and counts extra working days', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(standard, swapped),
        instantArb,
        fc.integer({ min: 0, max: 60 }),
        (cal, start, halves) => {
          const due = cal.addWorkingDays(start, halves / 2);
          expect(due).toEqual(naiveDue(cal, start, halves));
          if (halves > 0) expect(cal.isWorkingDay(due)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never counts time on a day off, whatever the time of day', () => {
    const daysOff = [2025, 2026, 2027].flatMap((year) => swapped.holidaysOf(year).map((day) => day.date));
    fc.assert(
      fc.property(
        fc.constantFrom(...daysOff),
        fc.constantFrom(...SPECIAL_TIMES),
        daysArb,
        (date, time, days) => {
          const start = vn(`${date} ${time}`);
          expect(swapped.isWorkingDay(date)).toBe(false);
          expect(
            swapped.workingTimeBetween(vn(`${date} 00:00`), new Date(vn(`${date} 00:00`).getTime() + DAY)),
          ).toBe(0);
          expect(swapped.clockStart(start).getTime()).toBeGreaterThanOrEqual(
            vn(`${date} 00:00`).getTime() + DAY,
          );
          if (days > 0)
            expect(swapped.addWorkingDays(start, days).getTime()).toBeGreaterThan(
              swapped.clockStart(start).getTime(),
            );
        },
      ),
    );
  });
});
