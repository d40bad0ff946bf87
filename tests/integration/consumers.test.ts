/**
 * Consumers: exactly-once effect under duplicated delivery; a failing consumer's event lands in the
 * dead-letter store after its retries and is applied once when the window is replayed.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgencyCreatedV1, AgencyUpdatedV1 } from '#events/agencies/agency-changed.v1.ts';
import { createLocalEventBus, type EventBridgeEvent, type LocalEventBus } from '#infra/local/event-bus.ts';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '#infra/local/eventbridge-endpoint.ts';
import { deadLetterOf } from '#infra/local/events.ts';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { type ConsumerContext, createConsumer, InvalidEventError } from '#shared/events/consumer.ts';
import { listDeadLetters, recordDeadLetter } from '#shared/events/dead-letters.ts';
import { replayFromOutbox } from '#shared/events/replay.ts';
import { ddb, resetAwsClients } from '#shared/platform/aws-clients.ts';
import { commitChange } from '#shared/platform/change.ts';
import { tableName } from '#shared/platform/table.ts';
import { createTestAgency, unique } from '#tests/support/http.ts';

/** A consumer whose effect is a counter, committed with its dedupe marker (exactly-once effect). */
function countingConsumer(id: string, contracts = [AgencyUpdatedV1, AgencyCreatedV1], fail = () => false) {
  const key = { PK: `TEST#${id}`, SK: 'COUNTER' };
  const handler = createConsumer({
    id,
    contracts,
    async handle(detail, context: ConsumerContext) {
      if (fail()) throw new Error('downstream system unavailable');
      await commitChange({
        context: context.change,
        agencyCode: detail.agencyCode ?? demoAgencies.province,
        action: 'test.counted',
        entity: { type: 'test', id },
        writes: [
          {
            item: {
              Update: {
                TableName: tableName(),
                Key: key,
                UpdateExpression: 'ADD #count :one',
                ExpressionAttributeNames: { '#count': 'count' },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          },
          context.consumed,
        ],
      });
    },
  });
  const count = async () =>
    ((await ddb().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item
      ?.count as number | undefined) ?? 0;
  return { handler, count };
}

const eventOf = (detail: object, detailType = AgencyUpdatedV1.detailType): EventBridgeEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': detailType,
  source: 'vnpp.agencies',
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'ap-southeast-1',
  resources: [],
  detail,
});

describe('idempotent consumers', () => {
  it('applies an event once however often and however concurrently it is delivered', async () => {
    const { handler, count } = countingConsumer(`counter-${unique()}`);
    const event = eventOf({ ...AgencyUpdatedV1.example, eventId: randomUUID() });
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => handler(event)));
    const later = [await handler(event), await handler({ ...event, id: randomUUID() })];
    const statuses = [...concurrent, ...later].map((result) => result.status);
    expect(statuses.filter((status) => status === 'applied')).toHaveLength(1);
    expect(await count()).toBe(1);
  });

  it('refuses a detail that does not match its contract, and events it does not handle', async () => {
    const { handler, count } = countingConsumer(`counter-${unique()}`);
    const broken = { ...AgencyUpdatedV1.example, eventId: randomUUID(), data: { agency: { code: 42 } } };
    await expect(handler(eventOf(broken))).rejects.toThrow(InvalidEventError);
    await expect(handler(eventOf({ ...AgencyUpdatedV1.example, schemaVersion: 2 }))).rejects.toThrow(
      InvalidEventError,
    );
    await expect(handler(eventOf(AgencyUpdatedV1.example, 'DossierReceived'))).rejects.toThrow(
      InvalidEventError,
    );
    expect(await count()).toBe(0);
  });
});

describe('dead letters and replay', () => {
  let endpoint: EventBridgeEndpoint;
  let bus: LocalEventBus;
  let failing = true;
  const consumerId = `replayed-${unique()}`;
  const consumer = countingConsumer(consumerId, [AgencyCreatedV1], () => failing);
  let agencyCode = '';

  beforeAll(async () => {
    agencyCode = await createTestAgency(demoAgencies.vinhYen);
    bus = createLocalEventBus({
      busName: 'replay-test-bus',
      account: '000000000000',
      region: 'ap-southeast-1',
      retryPolicy: { maximumRetryAttempts: 2, initialDelayMs: 5 },
      rules: [
        {
          id: 'only-this-agency',
          pattern: { 'detail-type': ['AgencyCreated'], detail: { entity: { id: [agencyCode] } } },
          targets: [{ id: consumerId, invoke: async (event) => void (await consumer.handler(event)) }],
        },
      ],
      onDeadLetter: (entry) => recordDeadLetter(deadLetterOf(entry)),
    });
    endpoint = await startEventBridgeEndpoint(async (entries) => [
      ...(await bus.putEvents(entries.map((e) => ({ ...e, Time: undefined })))).Entries,
    ]);
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = endpoint.endpoint;
    resetAwsClients();
  });

  afterAll(async () => {
    await bus.stop();
    await endpoint.stop();
  });

  it('dead-letters after the retries, then a replay of the window applies the event exactly once', async () => {
    const from = new Date(Date.now() - 60_000);
    const to = new Date();

    // The consumer is down: 1 attempt + 2 retries, then the dead-letter store.
    expect((await replayFromOutbox(from, to, 'replay-test-bus')).failed).toBe(0);
    await bus.drain();
    const letters = await listDeadLetters(consumerId);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ detailType: 'AgencyCreated', attempts: 3 });
    expect(letters[0]!.error).toContain('downstream system unavailable');
    expect(await consumer.count()).toBe(0);

    // Fixed; the documented replay re-publishes the window: applied once, and once only.
    failing = false;
    await replayFromOutbox(from, to, 'replay-test-bus');
    await bus.drain();
    expect(await consumer.count()).toBe(1);
    await replayFromOutbox(from, to, 'replay-test-bus');
    await bus.drain();
    expect(await consumer.count()).toBe(1);
  });
});
