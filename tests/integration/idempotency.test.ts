/** The Idempotency-Key store (shared/http/idempotency.ts) against DynamoDB Local. */
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '#shared/http/errors.ts';
import { runIdempotent } from '#shared/http/idempotency.ts';
import { unique } from '#tests/support/http.ts';

const context = (remainingMs = 10_000) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;
const call = (key: string, fingerprint = 'POST /x\nbody', remainingMs?: number) => ({
  operationId: 'testOperation',
  callerSub: `sub-${key}`,
  key,
  fingerprint,
  context: context(remainingMs),
});
const created = (id: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 201,
  body: JSON.stringify({ id }),
});
const slugOf = (error: unknown) => (error instanceof HttpProblem ? error.slug : String(error));

describe('Idempotency-Key store', () => {
  it('runs once and replays the stored response', async () => {
    const key = unique();
    let runs = 0;
    const run = async () => created(`run-${++runs}`);
    const first = await runIdempotent(call(key), run);
    const second = await runIdempotent(call(key), run);
    expect(first).toEqual({ response: created('run-1'), replayed: false });
    expect(second).toEqual({ response: created('run-1'), replayed: true });
    expect(runs).toBe(1);
  });

  it('refuses the same key with another request (422) and a duplicate still running (409)', async () => {
    const key = unique();
    let finish!: () => void;
    const running = runIdempotent(
      call(key),
      () => new Promise((resolve) => (finish = () => resolve(created('a')))),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const duplicate = await runIdempotent(call(key), async () => created('b')).catch(slugOf);
    expect(duplicate).toBe('idempotency-in-progress');
    finish();
    await running;
    const reused = await runIdempotent(call(key, 'POST /x\nother body'), async () => created('c')).catch(
      slugOf,
    );
    expect(reused).toBe('idempotency-key-reused');
  });

  it('stores nothing for a failure, and takes over a record left by an invocation that is over', async () => {
    const key = unique();
    await expect(runIdempotent(call(key), () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect((await runIdempotent(call(key), async () => created('after failure'))).replayed).toBe(false);

    const crashed = unique();
    // An invocation with 1 ms left that never completes its record (a crash or a timeout).
    let release!: () => void;
    const abandoned = runIdempotent(
      call(crashed, undefined, 1),
      () => new Promise((resolve) => (release = () => resolve(created('late')))),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const retried = await runIdempotent(call(crashed), async () => created('retried'));
    expect(retried).toEqual({ response: created('retried'), replayed: false });
    release();
    await abandoned;
  });
});
