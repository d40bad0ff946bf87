/**
 * The local event path, the same code as in AWS:
 *   table stream ──(stream poller)──▶ functions/events/publish.ts ──(SDK PutEvents)──▶ local
 *   EventBridge endpoint ──▶ in-process bus (events/routing/rules.ts patterns) ──▶ workers
 * Failing targets are retried, then dead-lettered into the table (shared/events/dead-letters.ts).
 * Scheduled workers run on timers.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { eventRules } from '#events/routing/rules.ts';
import type { EventSubscriber } from '#events/routing/subscriber.ts';
import { type Worker, workerById, workers } from '#functions/workers.ts';
import { type DeadLetter, recordDeadLetter } from '#shared/events/dead-letters.ts';
import { ENV } from '#shared/platform/env.ts';
import { LOCAL_REGION } from './engines.ts';
import {
  createLocalEventBus,
  type DeadLetterEntry,
  type EventBridgeEvent,
  type LocalEventBus,
} from './event-bus.ts';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from './eventbridge-endpoint.ts';
import { fileCheckpoints, memoryCheckpoints, type StreamPoller, startStreamPoller } from './stream-poller.ts';

export interface LocalEvents {
  readonly bus: LocalEventBus;
  readonly env: Record<string, string>;
  /** Resolves when everything committed so far has been published and every delivery has finished. */
  drain(): Promise<void>;
  /** Runs a scheduled worker now. */
  runWorker(id: string): Promise<unknown>;
  stop(): Promise<void>;
}

type Handler = (event?: unknown) => Promise<unknown>;

const loaded = new Map<string, Promise<Handler>>();
function loadWorker(worker: Worker): Promise<Handler> {
  let handler = loaded.get(worker.id);
  if (!handler) {
    handler = import(/* @vite-ignore */ `../../${worker.entry}`).then((module) => module.handler as Handler);
    loaded.set(worker.id, handler);
  }
  return handler;
}

/** What the local bus hands over when a target gives up, as the dead-letter store keeps it. */
export const deadLetterOf = (entry: DeadLetterEntry): DeadLetter => ({
  consumer: entry.targetId,
  eventId: entry.event.id,
  source: entry.event.source,
  detailType: entry.event['detail-type'],
  failedAt: entry.failedAt,
  attempts: entry.attempts,
  error: entry.error instanceof Error ? `${entry.error.name}: ${entry.error.message}` : String(entry.error),
  event: JSON.stringify(entry.event),
});

export async function startLocalEvents(options: {
  prefix: string;
  tableName: string;
  checkpointFile?: string;
  /** Run scheduled workers on their local timers (tests run them on demand instead). */
  runSchedules?: boolean;
  /** Vendors' subscribers (events/routing/subscriber.ts), routed like the platform's rules. */
  subscribers?: readonly EventSubscriber[];
}): Promise<LocalEvents> {
  const busName = `${options.prefix}-bus`;
  const bus = createLocalEventBus({
    busName,
    account: '000000000000',
    region: LOCAL_REGION,
    rules: eventRules
      .map((rule) => ({
        id: rule.id,
        pattern: rule.pattern,
        targets: [
          {
            id: rule.workerId,
            invoke: async (event: EventBridgeEvent) => {
              await (await loadWorker(workerById(rule.workerId)))(event);
            },
          },
        ],
      }))
      .concat(
        (options.subscribers ?? []).map((subscriber) => ({
          id: `subscriber-${subscriber.id}`,
          pattern: subscriber.pattern,
          targets: [
            {
              id: subscriber.id,
              invoke: async (event: EventBridgeEvent) => {
                await (
                  await loadWorker({
                    id: `subscriber:${subscriber.id}`,
                    entry: subscriber.entry,
                    description: subscriber.description,
                    trigger: { kind: 'event-rule' },
                  })
                )(event);
              },
            },
          ],
        })),
      ),
    onDeadLetter: (entry) => recordDeadLetter(deadLetterOf(entry)),
  });

  const endpoint: EventBridgeEndpoint = await startEventBridgeEndpoint(async (entries) => {
    const result = await bus.putEvents(
      entries.map((entry) => ({
        ...entry,
        Time:
          entry.Time === undefined
            ? undefined
            : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time),
      })),
    );
    return [...result.Entries];
  });
  const env = { [ENV.eventBusName]: busName, AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint.endpoint };
  Object.assign(process.env, env);

  const publisher = workerById('events-publisher');
  const poller: StreamPoller = await startStreamPoller({
    tableName: options.tableName,
    checkpoints: options.checkpointFile ? fileCheckpoints(options.checkpointFile) : memoryCheckpoints(),
    handler: async (event: DynamoDBStreamEvent) =>
      (await (
        await loadWorker(publisher)
      )(event)) as DynamoDBBatchResponse,
    onError: (error) => console.error('stream poller:', error),
  });

  const timers = workers.flatMap((worker) =>
    options.runSchedules !== false && worker.trigger.kind === 'schedule' && worker.trigger.localEveryMs
      ? [
          setInterval(
            () =>
              void loadWorker(worker)
                .then((handler) => handler())
                .catch((error) => console.error(worker.id, error)),
            worker.trigger.localEveryMs,
          ),
        ]
      : [],
  );

  return {
    bus,
    env,
    async drain() {
      await poller.drain();
      await bus.drain();
    },
    async runWorker(id) {
      return (await loadWorker(workerById(id)))();
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await poller.stop();
      await bus.stop();
      await endpoint.stop();
    },
  };
}
