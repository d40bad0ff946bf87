/**
 * API-call metering for the rental bill, without a table write per request: each container counts
 * authenticated calls per agency and Vietnam day in memory and adds them to the usage aggregates
 * (source `meter`) at most once per flush interval (USAGE_FLUSH_INTERVAL_MS, 60 s by default),
 * at the end of a request. Calls counted in a container's last interval before it is recycled are
 * lost; the meter under-counts by at most that (documented in docs/reports.md). Citizens' calls
 * (no agency) are not billed to an agency and not counted.
 *
 * Each write carries a token (its transaction's ClientRequestToken): a write whose answer was lost
 * may have been applied, so it is sent again with the same token (DynamoDB applies it at most once
 * within 10 minutes), never merged into the next counts, which would bill those calls twice.
 */

import { randomUUID } from 'node:crypto';
import { vietnamDayOf } from '#shared/calendar/civil-date.ts';
import { now } from '../platform/clock.ts';
import { optionalEnv } from '../platform/env.ts';
import { logger } from '../platform/observability.ts';
import type { Fact } from './cells.ts';
import { addToAggregate } from './increment.ts';

export const USAGE_FLUSH_ENV = 'USAGE_FLUSH_INTERVAL_MS';
const DEFAULT_INTERVAL_MS = 60_000;

/** Adds `fact`; the same `token` again must not add it twice (an idempotency token). */
export type MeterWriter = (fact: Fact, token: string) => Promise<void>;

export class ApiCallMeter {
  private pending = new Map<string, number>();
  /** Writes that failed, perhaps after they were applied: sent again as they were. */
  private unsettled: { fact: Fact; token: string }[] = [];
  private lastFlush: number;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly write: MeterWriter,
    private readonly intervalMs: () => number,
    private readonly clock: () => number = Date.now,
  ) {
    this.lastFlush = clock();
  }

  count(agency: string | undefined, at: Date = now()): void {
    if (!agency) return;
    const key = `${agency}|${vietnamDayOf(at)}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  get pendingCalls(): number {
    let total = 0;
    for (const n of this.pending.values()) total += n;
    for (const { fact } of this.unsettled) total += fact.cells.apiCalls ?? 0;
    return total;
  }

  /** Writes the pending counts when the interval has passed (or `force`); never throws. */
  async flushIfDue(force = false): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.pending.size === 0 && this.unsettled.length === 0) return;
    if (!force && this.clock() - this.lastFlush < this.intervalMs()) return;
    const writes = [
      ...this.unsettled,
      ...[...this.pending].map(([key, n]) => {
        const [agency = '', day = ''] = key.split('|');
        const fact: Fact = { family: 'usage', agency, day, cells: { apiCalls: n } };
        return { fact, token: randomUUID() };
      }),
    ];
    this.pending = new Map();
    this.unsettled = [];
    this.lastFlush = this.clock();
    this.flushing = (async () => {
      for (const write of writes) {
        try {
          await this.write(write.fact, write.token);
        } catch (error) {
          // Kept for the next flush rather than fail a request over metering.
          this.unsettled.push(write);
          logger.warn('usage meter flush failed', {
            error: error as Error,
            agency: write.fact.agency,
            day: write.fact.day,
          });
        }
      }
    })().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }
}

const intervalFromEnv = (): number => {
  const value = Number(optionalEnv(USAGE_FLUSH_ENV) ?? DEFAULT_INTERVAL_MS);
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_INTERVAL_MS;
};

/**
 * The container's meter. Its writer is imported statically: a dynamic `import()` inside a bundle
 * saves nothing (the code is in the one file anyway) and makes esbuild wrap the imported modules,
 * and with them the whole DynamoDB client, in lazy initialisers it cannot tree-shake (~45 KB).
 */
export const apiCallMeter = new ApiCallMeter(
  (fact, token) => addToAggregate(fact, 'meter', token),
  intervalFromEnv,
);
