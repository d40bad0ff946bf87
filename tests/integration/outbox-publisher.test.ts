/**
 * Transactional outbox: nothing committed is lost when the publisher dies between commit and
 * publish. A real child process runs the publisher against the table stream; it is SIGKILLed while a
 * batch is half published, restarted from its checkpoint, and every event still arrives.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type PutEventsEntry, startEventBridgeEndpoint } from '#infra/local/eventbridge-endpoint.ts';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { createTestAgency } from '#tests/support/http.ts';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

function startPublisher(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/publisher-process.ts'], {
    env: { ...process.env, ...inject('platformEnv'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  children.push(child);
  return child;
}

const waitFor = async (condition: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('outbox publisher', () => {
  it('loses nothing when killed mid-batch: the restarted publisher resumes from its checkpoint', async () => {
    // 30 committed changes whose events the publisher must deliver.
    const codes = await Promise.all(Array.from({ length: 30 }, () => createTestAgency(demoAgencies.phucYen)));

    const received: PutEventsEntry[] = [];
    const createdCodes = () =>
      new Set(
        received
          .filter((entry) => entry.DetailType === 'AgencyCreated')
          .map((entry) => (JSON.parse(entry.Detail!) as { entity: { id: string } }).entity.id),
      );
    let calls = 0;
    let holdCalls = false;
    const recorder = await startEventBridgeEndpoint(async (entries) => {
      calls += 1;
      // A frozen call never completes: the publisher is killed while it waits, and its entries
      // count as not delivered (the recorder keeps only calls it answered).
      await new Promise((resolve) => setTimeout(resolve, holdCalls ? 10_000 : 20));
      received.push(...entries);
      return entries.map((_, i) => ({ EventId: `${calls}-${i}` }));
    });
    const dir = await mkdtemp(join(tmpdir(), 'vnpp-publisher-'));
    const env = {
      CHECKPOINT_FILE: join(dir, 'checkpoints.json'),
      EVENT_BUS_NAME: 'test-bus',
      AWS_ENDPOINT_URL_EVENTBRIDGE: recorder.endpoint,
    };
    try {
      const first = startPublisher(env);
      // Let a few PutEvents calls through, then freeze the next one and kill the process during it.
      await waitFor(() => calls >= 3, 30_000, 'the first publisher to start publishing');
      holdCalls = true;
      const frozenAt = calls;
      await waitFor(() => calls > frozenAt, 10_000, 'a call to freeze');
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));
      holdCalls = false;
      const beforeRestart = received.length;
      // The kill happened before all of our events were delivered, so the restart has work to do.
      expect(codes.filter((code) => !createdCodes().has(code)).length).toBeGreaterThan(0);

      startPublisher(env);
      await waitFor(
        () => codes.every((code) => createdCodes().has(code)),
        60_000,
        'every event after the restart',
      );
      expect(received.length).toBeGreaterThan(beforeRestart);
      // At-least-once: every event arrived; the half-published batch may arrive twice.
      for (const code of codes) expect(createdCodes()).toContain(code);
      const ids = received.map((entry) => (JSON.parse(entry.Detail!) as { eventId: string }).eventId);
      expect(new Set(ids).size).toBeLessThanOrEqual(ids.length);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await recorder.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
