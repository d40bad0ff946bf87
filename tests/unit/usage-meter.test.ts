/** The API-call meter: counts in memory, one write per agency and day per flush interval, never per request. */
import { describe, expect, it } from 'vitest';
import type { Fact } from '#shared/reports/cells.ts';
import { ApiCallMeter } from '#shared/reports/usage-meter.ts';

function meter(intervalMs: number) {
  let clock = 0;
  const writes: Fact[] = [];
  const tokens: string[] = [];
  let failing = false;
  const instance = new ApiCallMeter(
    async (fact, token) => {
      tokens.push(token);
      if (failing) throw new Error('throttled');
      writes.push(fact);
    },
    () => intervalMs,
    () => clock,
  );
  return {
    instance,
    writes,
    tokens,
    advance: (ms: number) => {
      clock += ms;
    },
    fail: (value: boolean) => {
      failing = value;
    },
  };
}

const at = new Date('2026-11-22T03:00:00Z');

describe('API-call meter', () => {
  it('writes nothing before the interval, then one increment per agency and day', async () => {
    const m = meter(60_000);
    for (let i = 0; i < 250; i += 1) m.instance.count('000.00.21.H62', at);
    m.instance.count('000.01.21.H62', at);
    m.instance.count(undefined, at); // a citizen: not billed to an agency
    await m.instance.flushIfDue();
    expect(m.writes).toEqual([]);
    m.advance(60_000);
    await m.instance.flushIfDue();
    expect(m.writes).toEqual([
      { family: 'usage', agency: '000.00.21.H62', day: '2026-11-22', cells: { apiCalls: 250 } },
      { family: 'usage', agency: '000.01.21.H62', day: '2026-11-22', cells: { apiCalls: 1 } },
    ]);
    expect(m.instance.pendingCalls).toBe(0);
  });

  it('sends a failed write again as it was (same counts, same token), the new counts apart', async () => {
    const m = meter(0);
    m.instance.count('000.00.21.H62', at);
    m.fail(true);
    await m.instance.flushIfDue();
    expect(m.instance.pendingCalls).toBe(1);
    m.fail(false);
    m.instance.count('000.00.21.H62', at);
    await m.instance.flushIfDue();
    // The failed write may have been applied (its answer lost): merged with the new count under a
    // new token, it would be counted twice.
    const fact = { family: 'usage', agency: '000.00.21.H62', day: '2026-11-22', cells: { apiCalls: 1 } };
    expect(m.writes).toEqual([fact, fact]);
    expect(m.tokens[1]).toBe(m.tokens[0]);
    expect(m.tokens[2]).not.toBe(m.tokens[0]);
    expect(m.instance.pendingCalls).toBe(0);
  });
});
