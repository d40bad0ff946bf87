/** The in-process EventBridge stand-in of the local runtime (infra/local/event-bus.ts). */
import { describe, expect, it } from 'vitest';
import type { EventPattern } from '#events/routing/pattern.ts';
import {
  createLocalEventBus,
  type DeadLetterEntry,
  type EventBridgeEvent,
  type LocalBusRule,
  type LocalEventBusOptions,
  type PutEventsRequestEntry,
  PutEventsValidationError,
} from '#infra/local/event-bus.ts';

const HAI_BA_TRUNG = '000.00.21.H62';
const SO_NOI_VU = '000.00.01.H62';

/** A target that records what it receives and fails its first `failures` calls. */
function recorder(id: string, failures = 0) {
  const received: EventBridgeEvent[] = [];
  let calls = 0;
  return {
    received,
    get calls() {
      return calls;
    },
    target: {
      id,
      invoke: async (event: EventBridgeEvent) => {
        calls++;
        if (calls <= failures) throw new Error(`${id} failure ${calls}`);
        received.push(event);
      },
    },
  };
}

function bus(rules: readonly LocalBusRule[], options: Partial<LocalEventBusOptions> = {}) {
  const deadLetters: DeadLetterEntry[] = [];
  const warnings: string[] = [];
  const instance = createLocalEventBus({
    busName: 'vnpp-local',
    account: '000000000000',
    region: 'ap-southeast-1',
    rules,
    retryPolicy: { initialDelayMs: 1, maxDelayMs: 5 },
    onDeadLetter: (entry) => {
      deadLetters.push(entry);
    },
    onWarning: (message) => warnings.push(message),
    ...options,
  });
  return { bus: instance, deadLetters, warnings };
}

const entry = (
  detailType: string,
  detail: Record<string, unknown>,
  extra: Partial<PutEventsRequestEntry> = {},
) => ({
  Source: 'vnpp.documents',
  DetailType: detailType,
  Detail: JSON.stringify(detail),
  ...extra,
});

const byDetailType = (detailType: string): EventPattern => ({
  source: ['vnpp.documents'],
  'detail-type': [detailType],
});

describe('local event bus: routing', () => {
  it('routes by detail-type and delivers the event as EventBridge does', async () => {
    const sent = recorder('on-document-sent');
    const received = recorder('on-document-received');
    const { bus: eventBus } = bus(
      [
        { id: 'document-sent', pattern: byDetailType('DocumentSent'), targets: [sent.target] },
        { id: 'document-received', pattern: byDetailType('DocumentReceived'), targets: [received.target] },
      ],
      {
        now: () => new Date('2026-11-22T02:38:34.567Z'),
        createId: () => 'e7d1c0de-0000-4000-8000-000000000001',
      },
    );

    const result = await eventBus.putEvents([
      entry(
        'DocumentSent',
        { documentId: 'VB-1', recipients: [HAI_BA_TRUNG] },
        { Resources: ['arn:vnpp:doc/VB-1'] },
      ),
    ]);
    await eventBus.drain();

    expect(result).toEqual({
      FailedEntryCount: 0,
      Entries: [{ EventId: 'e7d1c0de-0000-4000-8000-000000000001' }],
    });
    expect(received.calls).toBe(0);
    expect(sent.received).toEqual([
      {
        version: '0',
        id: 'e7d1c0de-0000-4000-8000-000000000001',
        'detail-type': 'DocumentSent',
        source: 'vnpp.documents',
        account: '000000000000',
        time: '2026-11-22T02:38:34Z',
        region: 'ap-southeast-1',
        resources: ['arn:vnpp:doc/VB-1'],
        detail: { documentId: 'VB-1', recipients: [HAI_BA_TRUNG] },
      },
    ]);
    expect(Object.keys(sent.received[0] ?? {})).toEqual([
      'version',
      'id',
      'detail-type',
      'source',
      'account',
      'time',
      'region',
      'resources',
      'detail',
    ]);
  });

  it('routes by a recipient agency code inside the detail.recipients array', async () => {
    const agency = recorder('webhook-hai-ba-trung');
    const { bus: eventBus } = bus([
      {
        id: 'to-hai-ba-trung',
        pattern: { source: ['vnpp.documents'], detail: { recipients: [HAI_BA_TRUNG] } },
        targets: [agency.target],
      },
    ]);

    await eventBus.putEvents([
      entry('DocumentSent', { documentId: 'VB-1', recipients: [SO_NOI_VU, HAI_BA_TRUNG] }),
      entry('DocumentSent', { documentId: 'VB-2', recipients: [SO_NOI_VU] }),
      entry('DocumentSent', { documentId: 'VB-3', recipients: [] }),
    ]);
    await eventBus.drain();

    expect(agency.received.map((event) => (event.detail as { documentId: string }).documentId)).toEqual([
      'VB-1',
    ]);
  });

  it('delivers nothing when no rule matches, and still accepts the event', async () => {
    const target = recorder('on-document-sent');
    const { bus: eventBus, deadLetters } = bus([
      { id: 'document-sent', pattern: byDetailType('DocumentSent'), targets: [target.target] },
    ]);

    const result = await eventBus.putEvents([entry('DossierReceived', { dossierId: 'HS-1' })]);
    await eventBus.drain();

    expect(result.FailedEntryCount).toBe(0);
    expect(target.calls).toBe(0);
    expect(deadLetters).toEqual([]);
  });

  it('delivers to every target of every matching rule, each with its own copy', async () => {
    const seen: unknown[] = [];
    const mutating = {
      id: 'mutating',
      invoke: async (event: EventBridgeEvent) => {
        (event.detail as { documentId: string }).documentId = 'changed';
      },
    };
    const observing = {
      id: 'observing',
      invoke: async (event: EventBridgeEvent) => {
        seen.push((event.detail as { documentId: string }).documentId);
      },
    };
    const audit = recorder('audit');
    const { bus: eventBus } = bus([
      { id: 'document-sent', pattern: byDetailType('DocumentSent'), targets: [mutating, observing] },
      { id: 'everything', pattern: { source: [{ prefix: 'vnpp.' }] }, targets: [audit.target] },
    ]);

    await eventBus.putEvents([entry('DocumentSent', { documentId: 'VB-1' })]);
    await eventBus.drain();

    expect(seen).toEqual(['VB-1']);
    expect(audit.calls).toBe(1);
  });

  it('does not run targets inside putEvents: putEvents resolves before any consumer starts', async () => {
    let release: () => void = () => {};
    const started: string[] = [];
    const slow = {
      id: 'slow',
      invoke: (event: EventBridgeEvent) => {
        started.push(event.id);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    };
    const { bus: eventBus } = bus([
      { id: 'document-sent', pattern: byDetailType('DocumentSent'), targets: [slow] },
    ]);

    const result = await eventBus.putEvents([entry('DocumentSent', { documentId: 'VB-1' })]);
    expect(result.FailedEntryCount).toBe(0);
    expect(started).toEqual([]);

    let drained = false;
    const draining = eventBus.drain().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toHaveLength(1);
    expect(drained).toBe(false);
    release();
    await draining;
    expect(drained).toBe(true);
  });

  it('routes only entries for this bus (name or ARN); others are accepted and not routed, like the service', async () => {
    const target = recorder('on-document-sent');
    const { bus: eventBus, warnings } = bus([
      { id: 'document-sent', pattern: byDetailType('DocumentSent'), targets: [target.target] },
    ]);

    const result = await eventBus.putEvents([
      entry('DocumentSent', { n: 1 }, { EventBusName: 'vnpp-local' }),
      entry(
        'DocumentSent',
        { n: 2 },
        { EventBusName: 'arn:aws:events:ap-southeast-1:000000000000:event-bus/vnpp-local' },
      ),
      entry('DocumentSent', { n: 3 }, { EventBusName: 'another-bus' }),
    ]);
    await eventBus.drain();

    expect(result.FailedEntryCount).toBe(0);
    expect(target.received.map((event) => (event.detail as { n: number }).n).sort()).toEqual([1, 2]);
    expect(warnings).toEqual([expect.stringContaining('another-bus')]);
  });

  it('uses the entry Time, in whole seconds', async () => {
    const target = recorder('t');
    const { bus: eventBus } = bus([
      { id: 'all', pattern: { source: ['vnpp.documents'] }, targets: [target.target] },
    ]);

    await eventBus.putEvents([entry('DocumentSent', {}, { Time: new Date('2026-01-02T03:04:05.999Z') })]);
    await eventBus.drain();

    expect(target.received[0]?.time).toBe('2026-01-02T03:04:05Z');
    expect(target.received[0]?.resources).toEqual([]);
  });
});

describe('local event bus: PutEvents validation', () => {
  const rules = (target: ReturnType<typeof recorder>) => [
    { id: 'all', pattern: { source: [{ exists: true }] } satisfies EventPattern, targets: [target.target] },
  ];

  it('answers per entry for missing parameters and malformed details, and routes the valid ones', async () => {
    const target = recorder('t');
    const { bus: eventBus } = bus(rules(target));

    const result = await eventBus.putEvents([
      { DetailType: 'DocumentSent', Detail: '{}' },
      entry('DocumentSent', { documentId: 'VB-1' }),
      { Source: 'vnpp.documents', DetailType: '', Detail: '{}' },
      { Source: 'vnpp.documents', DetailType: 'DocumentSent' },
      { Source: 'vnpp.documents', DetailType: 'DocumentSent', Detail: 'NotJSON' },
      { Source: 'vnpp.documents', DetailType: 'DocumentSent', Detail: '[]' },
      { Source: 'vnpp.documents', DetailType: 'DocumentSent', Detail: '"NotJSON"' },
      { Source: 'vnpp.documents', DetailType: 'DocumentSent', Detail: '{{}' },
    ]);
    await eventBus.drain();

    const malformed = { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    expect(result).toEqual({
      FailedEntryCount: 7,
      Entries: [
        {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
        },
        { EventId: expect.any(String) },
        {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
        },
        {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
        },
        malformed,
        malformed,
        malformed,
        malformed,
      ],
    });
    expect(target.received.map((event) => event.detail)).toEqual([{ documentId: 'VB-1' }]);
  });

  it('rejects the whole request with a ValidationException beyond 10 entries, or with none', async () => {
    const target = recorder('t');
    const { bus: eventBus } = bus(rules(target));

    const eleven = Array.from({ length: 11 }, (_, i) => entry('DocumentSent', { i }));
    await expect(eventBus.putEvents(eleven)).rejects.toThrow(PutEventsValidationError);
    await expect(eventBus.putEvents(eleven)).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('less than or equal to 10'),
    });
    await expect(eventBus.putEvents([])).rejects.toMatchObject({ name: 'ValidationException' });

    const ten = await eventBus.putEvents(eleven.slice(0, 10));
    await eventBus.drain();
    expect(ten.Entries).toHaveLength(10);
    expect(target.calls).toBe(10);
  });

  it('rejects the whole request when its entries exceed 256 KiB (AWS size formula), and accepts exactly 256 KiB', async () => {
    const target = recorder('t');
    const { bus: eventBus } = bus(rules(target));
    // Source (1 byte) + DetailType (1) + Detail + Time (14) = 262 144 bytes.
    const detailOf = (bytes: number) => JSON.stringify({ p: 'x'.repeat(bytes - 8) });
    const atLimit = { Source: 's', DetailType: 't', Detail: detailOf(262_128), Time: new Date() };
    expect(Buffer.byteLength(atLimit.Detail)).toBe(262_128);

    await expect(eventBus.putEvents([{ ...atLimit, Detail: detailOf(262_129) }])).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
    // Multi-byte characters count in UTF-8 bytes.
    await expect(
      eventBus.putEvents([
        { Source: 's', DetailType: 't', Detail: JSON.stringify({ p: 'đ'.repeat(131_070) }) },
      ]),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    // The limit is on the request: two entries of 150 KB are too many together.
    const half = { Source: 's', DetailType: 't', Detail: detailOf(150_000) };
    await expect(eventBus.putEvents([half, half])).rejects.toMatchObject({ name: 'ValidationException' });
    expect(target.calls).toBe(0);

    const accepted = await eventBus.putEvents([atLimit]);
    await eventBus.drain();
    expect(accepted.FailedEntryCount).toBe(0);
    expect(target.calls).toBe(1);
  });

  it('takes a larger limit when configured (EventBridge accepts 1 MB since January 2026)', async () => {
    const target = recorder('t');
    const { bus: eventBus } = bus(rules(target), { maxRequestBytes: 1024 * 1024 });

    const result = await eventBus.putEvents([
      { Source: 's', DetailType: 't', Detail: JSON.stringify({ p: 'x'.repeat(500_000) }) },
    ]);
    await eventBus.drain();

    expect(result.FailedEntryCount).toBe(0);
    expect(target.calls).toBe(1);
  });
});

describe('local event bus: retries and dead letters', () => {
  it('retries a failing target, then succeeds without a dead letter', async () => {
    const flaky = recorder('flaky', 2);
    const { bus: eventBus, deadLetters } = bus([
      {
        id: 'document-sent',
        pattern: byDetailType('DocumentSent'),
        targets: [{ ...flaky.target, retryPolicy: { maximumRetryAttempts: 2 } }],
      },
    ]);

    await eventBus.putEvents([entry('DocumentSent', { documentId: 'VB-1' })]);
    await eventBus.drain();

    expect(flaky.calls).toBe(3);
    expect(flaky.received).toHaveLength(1);
    expect(deadLetters).toEqual([]);
  });

  it('dead-letters after maximumRetryAttempts retries, with the attempt count and the last error', async () => {
    const broken = recorder('broken', Number.POSITIVE_INFINITY);
    const healthy = recorder('healthy');
    const { bus: eventBus, deadLetters } = bus([
      {
        id: 'document-sent',
        pattern: byDetailType('DocumentSent'),
        targets: [{ ...broken.target, retryPolicy: { maximumRetryAttempts: 3 } }, healthy.target],
      },
    ]);

    const result = await eventBus.putEvents([entry('DocumentSent', { documentId: 'VB-1' })]);
    await eventBus.drain();

    expect(broken.calls).toBe(4);
    expect(healthy.calls).toBe(1);
    expect(deadLetters).toEqual([
      {
        busName: 'vnpp-local',
        ruleId: 'document-sent',
        targetId: 'broken',
        event: expect.objectContaining({ id: (result.Entries[0] as { EventId: string }).EventId }),
        error: new Error('broken failure 4'),
        attempts: 4,
        reason: 'retries-exhausted',
        failedAt: expect.any(String),
      },
    ]);
  });

  it('does not retry when maximumRetryAttempts is 0', async () => {
    const broken = recorder('broken', Number.POSITIVE_INFINITY);
    const { bus: eventBus, deadLetters } = bus(
      [{ id: 'document-sent', pattern: byDetailType('DocumentSent'), targets: [broken.target] }],
      { retryPolicy: { maximumRetryAttempts: 0 } },
    );

    await eventBus.putEvents([entry('DocumentSent', {})]);
    await eventBus.drain();

    expect(broken.calls).toBe(1);
    expect(deadLetters.map((letter) => letter.attempts)).toEqual([1]);
  });

  it('gives up when the event is older than maximumEventAgeInSeconds', async () => {
    let clock = Date.parse('2026-11-22T00:00:00Z');
    const broken = {
      id: 'broken',
      invoke: async () => {
        clock += 61_000;
        throw new Error('down');
      },
    };
    const { bus: eventBus, deadLetters } = bus(
      [{ id: 'document-sent', pattern: byDetailType('DocumentSent'), targets: [broken] }],
      {
        now: () => new Date(clock),
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 120, initialDelayMs: 1 },
      },
    );

    await eventBus.putEvents([entry('DocumentSent', {})]);
    await eventBus.drain();

    expect(deadLetters).toEqual([
      expect.objectContaining({
        attempts: 2,
        reason: 'event-age-exceeded',
        failedAt: '2026-11-22T00:02:02.000Z',
      }),
    ]);
  });

  it('backs off exponentially between attempts', async () => {
    const times: number[] = [];
    const broken = {
      id: 'broken',
      invoke: async () => {
        times.push(performance.now());
        throw new Error('down');
      },
    };
    const { bus: eventBus } = bus([{ id: 'r', pattern: byDetailType('DocumentSent'), targets: [broken] }], {
      retryPolicy: { maximumRetryAttempts: 3, initialDelayMs: 20, backoffMultiplier: 2, maxDelayMs: 1_000 },
    });

    await eventBus.putEvents([entry('DocumentSent', {})]);
    await eventBus.drain();

    const gaps = times.slice(1).map((time, i) => time - (times[i] ?? 0));
    expect(gaps).toHaveLength(3);
    // 20, 40, 80 ms (timers may fire a millisecond early).
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
  });

  it('survives an onDeadLetter that throws, and reports it', async () => {
    const broken = recorder('broken', Number.POSITIVE_INFINITY);
    const { bus: eventBus, warnings } = bus(
      [{ id: 'r', pattern: byDetailType('DocumentSent'), targets: [broken.target] }],
      {
        retryPolicy: { maximumRetryAttempts: 0 },
        onDeadLetter: () => {
          throw new Error('DLQ table unavailable');
        },
      },
    );

    await eventBus.putEvents([entry('DocumentSent', {})]);
    await eventBus.drain();

    expect(warnings).toEqual([expect.stringContaining('onDeadLetter failed')]);
  });

  it('checks retry policies and rules at creation, like PutRule and PutTargets', () => {
    const target = recorder('t').target;
    const create = (rules: readonly LocalBusRule[]) => () => bus(rules);
    expect(
      create([{ id: 'r', pattern: { source: 'x' } as unknown as EventPattern, targets: [target] }]),
    ).toThrow(/rule r: Event pattern is not valid/);
    expect(
      create([
        {
          id: 'r',
          pattern: { a: ['x'] },
          targets: [{ ...target, retryPolicy: { maximumRetryAttempts: 186 } }],
        },
      ]),
    ).toThrow(/maximumRetryAttempts/);
    expect(
      create([
        {
          id: 'r',
          pattern: { a: ['x'] },
          targets: [{ ...target, retryPolicy: { maximumEventAgeInSeconds: 59 } }],
        },
      ]),
    ).toThrow(/maximumEventAgeInSeconds/);
    expect(create([{ id: 'r', pattern: { a: ['x'] }, targets: [target, target] }])).toThrow(
      /duplicate target id t/,
    );
    expect(create([{ id: 'not a name', pattern: { a: ['x'] }, targets: [] }])).toThrow(/rule id/);
    const six = Array.from({ length: 6 }, (_, i) => ({ ...target, id: `t${i}` }));
    expect(create([{ id: 'r', pattern: { a: ['x'] }, targets: six }])).toThrow(/at most 5 targets/);
  });
});

describe('local event bus: drain and stop', () => {
  it('drain resolves at once when nothing is in flight', async () => {
    const { bus: eventBus } = bus([]);
    await expect(eventBus.drain()).resolves.toBeUndefined();
  });

  it('drain waits for retries and for the dead-letter handler', async () => {
    const broken = recorder('broken', Number.POSITIVE_INFINITY);
    const stored: string[] = [];
    const { bus: eventBus } = bus(
      [{ id: 'r', pattern: byDetailType('DocumentSent'), targets: [broken.target] }],
      {
        retryPolicy: { maximumRetryAttempts: 2, initialDelayMs: 10 },
        onDeadLetter: async (letter) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          stored.push(letter.targetId);
        },
      },
    );

    await eventBus.putEvents([entry('DocumentSent', {})]);
    await eventBus.drain();

    expect(broken.calls).toBe(3);
    expect(stored).toEqual(['broken']);
  });

  it('drain waits for events that consumers put while handling (a chain of events)', async () => {
    const delivered: string[] = [];
    const { bus: eventBus } = bus([
      {
        id: 'document-sent',
        pattern: byDetailType('DocumentSent'),
        targets: [
          {
            id: 'receive',
            invoke: async (event) => {
              delivered.push(event['detail-type']);
              await new Promise((resolve) => setTimeout(resolve, 5));
              await eventBus.putEvents([entry('DocumentReceived', {})]);
            },
          },
        ],
      },
      {
        id: 'document-received',
        pattern: byDetailType('DocumentReceived'),
        targets: [{ id: 'log', invoke: async (event) => void delivered.push(event['detail-type']) }],
      },
    ]);

    await eventBus.putEvents([entry('DocumentSent', {})]);
    await eventBus.drain();

    expect(delivered).toEqual(['DocumentSent', 'DocumentReceived']);
  });

  it('stop cancels waiting retries without dead-lettering them and refuses new events', async () => {
    const broken = recorder('broken', Number.POSITIVE_INFINITY);
    const { bus: eventBus, deadLetters } = bus(
      [{ id: 'r', pattern: byDetailType('DocumentSent'), targets: [broken.target] }],
      { retryPolicy: { maximumRetryAttempts: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 } },
    );

    await eventBus.putEvents([entry('DocumentSent', {})]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(broken.calls).toBe(1);

    const started = performance.now();
    await eventBus.stop();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(broken.calls).toBe(1);
    expect(deadLetters).toEqual([]);
    await expect(eventBus.putEvents([entry('DocumentSent', {})])).rejects.toThrow(/stopped/);
    await expect(eventBus.drain()).resolves.toBeUndefined();
  });
});
