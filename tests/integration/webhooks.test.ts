/**
 * Webhook fan-out and delivery against DynamoDB Local, with a real receiver on 127.0.0.1 that checks
 * every request with the sample verifier (events/webhooks/verify-signature.ts). Time is driven through
 * the sender's `now`; nothing sleeps.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { AgencyDeletedV1 } from '#events/agencies/agency-changed.v1.ts';
import { EnvelopeMeta, type EventDetail } from '#events/envelope.ts';
import { type VerifyResult, verifyWebhookSignature } from '#events/webhooks/verify-signature.ts';
import { handler as fanOutHandler } from '#functions/subscriptions/fan-out.ts';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import type { AuditRecord } from '#shared/audit/chain.ts';
import type { ChangeContext } from '#shared/platform/change.ts';
import { type Delivery, deliveryIdOf } from '#shared/subscriptions/delivery.ts';
import { queryDueDeliveries } from '#shared/subscriptions/delivery-repository.ts';
import { fanOut } from '#shared/subscriptions/fan-out.ts';
import {
  createSubscription,
  listDeliveries,
  rotateSubscriptionSecret,
  updateSubscription,
} from '#shared/subscriptions/repository.ts';
import { guardedLookup } from '#shared/subscriptions/safe-fetch.ts';
import { sendDueDeliveries } from '#shared/subscriptions/sender.ts';
import { call, createTestAgency, PROVINCE_ADMIN } from '#tests/support/http.ts';

process.env.WEBHOOK_ALLOW_LOOPBACK = 'true';

const context: ChangeContext = {
  actor: { type: 'system', name: 'webhooks-test' },
  correlationId: 'webhooks-test',
};
const MINUTE = 60_000;

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly verified: VerifyResult;
}

/** A vendor's receiver: verifies the signature with the sample verifier, answers `status` when it holds. */
async function startReceiver(options: { status?: number; hang?: boolean } = {}) {
  const state = {
    requests: [] as Received[],
    secrets: [] as string[],
    /** The receiver's clock, moved along with the sender's `now`. */
    clock: new Date(),
    status: options.status ?? 204,
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const verified = verifyWebhookSignature({
        header: request.headers['vnpp-signature'] as string | undefined,
        rawBody: body,
        secrets: state.secrets,
        now: state.clock,
      });
      state.requests.push({ headers: request.headers, body, verified });
      if (options.hang) return; // never answers
      response.statusCode = verified.ok ? state.status : 401;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  receivers.push(close);
  return { state, url: `http://127.0.0.1:${port}/vnpp/webhook`, close };
}

const receivers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((close) => close()));
});

/** An AgencyDeleted event as EventBridge hands it to the fan-out function. */
function agencyEvent(
  agencyCode: string,
  recipients: string[],
): EventBridgeEvent<string, EventDetail<unknown>> {
  const occurredAt = new Date().toISOString();
  const detail = { ...AgencyDeletedV1.example, eventId: randomUUID(), occurredAt, agencyCode, recipients };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': AgencyDeletedV1.detailType,
    source: AgencyDeletedV1.source,
    account: '111111111111',
    time: occurredAt,
    region: 'ap-southeast-1',
    resources: [],
    detail,
  };
}

const metaOf = (event: EventBridgeEvent<string, unknown>) => EnvelopeMeta.parse(event.detail);

async function deliveriesOf(subscriptionId: string): Promise<Delivery[]> {
  return (await listDeliveries(subscriptionId, { limit: 100 })).items;
}

async function onlyDelivery(subscriptionId: string): Promise<Delivery> {
  const deliveries = await deliveriesOf(subscriptionId);
  expect(deliveries).toHaveLength(1);
  return deliveries[0]!;
}

/**
 * A test's own agency (so no other test's subscription sees its events), a receiver, and a
 * subscription of the agency to AgencyDeleted pointing at the receiver.
 */
async function scenario(options: { status?: number; hang?: boolean } = {}) {
  const agency = await createTestAgency(demoAgencies.vinhYen);
  const receiver = await startReceiver(options);
  const subscription = await createSubscription(
    { agencyCode: agency, url: receiver.url, eventTypes: ['AgencyDeleted'] },
    context,
  );
  receiver.state.secrets = [subscription.secret];
  /** An event concerning the agency, fanned out; the receiver's clock is then "now". */
  const publish = async (recipients: string[] = [agency]) => {
    const event = agencyEvent(agency, recipients);
    const result = await fanOut(metaOf(event), event);
    receiver.state.clock = new Date();
    return { event, result };
  };
  return { agency, receiver, subscription, publish };
}

describe('delivering an event', () => {
  it('POSTs the event once, signed so the sample receiver verifies it, and records success', async () => {
    const { agency, receiver, subscription, publish } = await scenario();
    const { event, result } = await publish([demoAgencies.vinhYen, agency]);
    expect(result).toMatchObject({ planned: 1, created: 1, duplicates: 0 });
    const now = receiver.state.clock;
    await sendDueDeliveries({ now });

    expect(receiver.state.requests).toHaveLength(1);
    const [request] = receiver.state.requests;
    expect(request!.verified).toEqual({ ok: true, timestamp: Math.floor(now.getTime() / 1000) });
    expect(request!.body.toString('utf8')).toBe(JSON.stringify(event)); // exactly the bytes signed
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'vnpp-event-id': event.detail.eventId,
      'vnpp-delivery-id': deliveryIdOf(subscription.id, event.detail.eventId),
      'vnpp-event-type': 'AgencyDeleted',
    });

    const delivery = await onlyDelivery(subscription.id);
    expect(delivery).toMatchObject({
      id: deliveryIdOf(subscription.id, event.detail.eventId),
      subscriptionId: subscription.id,
      agencyCode: agency,
      eventId: event.detail.eventId,
      eventType: 'AgencyDeleted',
      status: 'succeeded',
      nextAttemptAt: null,
      attempts: [{ at: now.toISOString(), httpStatus: 204 }],
    });
    expect(delivery.completedAt).toBe(now.toISOString());

    // A later run has nothing more to send.
    await sendDueDeliveries({ now: new Date(now.getTime() + 2 * 24 * 3600_000) });
    expect(receiver.state.requests).toHaveLength(1);
  });

  it('has the sample receiver refuse a forged signature and an altered body', async () => {
    const { receiver, publish } = await scenario();
    await publish();
    await sendDueDeliveries({ now: receiver.state.clock });
    const genuine = receiver.state.requests[0]!;
    expect(genuine.verified.ok).toBe(true);

    const t = Math.floor(Date.now() / 1000);
    const forged = await fetch(receiver.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'vnpp-signature': `t=${t},v1=${'0'.repeat(64)}` },
      body: genuine.body,
    });
    expect(forged.status).toBe(401);
    const altered = await fetch(receiver.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'vnpp-signature': genuine.headers['vnpp-signature'] as string,
      },
      body: genuine.body.toString('utf8').replace('AgencyDeleted', 'AgencyCreated'),
    });
    expect(altered.status).toBe(401);
    expect(receiver.state.requests.slice(1).map((r) => r.verified)).toEqual([
      { ok: false, reason: 'signature-mismatch' },
      { ok: false, reason: 'signature-mismatch' },
    ]);
  });

  it('signs with the new and the previous secret while a rotation is under way', async () => {
    const { receiver, subscription, publish } = await scenario();
    const rotated = await rotateSubscriptionSecret(subscription.id, undefined, context);
    await publish();
    // The receiver still holds only the old secret: it keeps verifying during the 24 h overlap.
    await sendDueDeliveries({ now: receiver.state.clock });
    const [request] = receiver.state.requests;
    const header = request!.headers['vnpp-signature'] as string;
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(request!.verified.ok).toBe(true);
    const withNew = verifyWebhookSignature({
      header,
      rawBody: request!.body,
      secrets: [rotated.secret],
      now: receiver.state.clock,
    });
    expect(withNew.ok).toBe(true);
  });
});

describe('retries', () => {
  it('retries a receiver answering 500 after 1 min, 5 min, 1 h and 1 day, then marks the delivery failed', async () => {
    const { agency, receiver, subscription, publish } = await scenario({ status: 500 });
    await publish();
    const t0 = receiver.state.clock;
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const run = async (now: Date) => {
      receiver.state.clock = now;
      await sendDueDeliveries({ now });
      return receiver.state.requests.length;
    };

    expect(await run(t0)).toBe(1);
    expect((await onlyDelivery(subscription.id)).nextAttemptAt).toBe(at(MINUTE).toISOString());
    expect(await run(at(MINUTE - 1000))).toBe(1); // not yet due
    expect(await run(at(MINUTE))).toBe(2);
    expect(await run(at(6 * MINUTE - 1000))).toBe(2);
    expect(await run(at(6 * MINUTE))).toBe(3);
    expect(await run(at(66 * MINUTE))).toBe(4);
    expect(await run(at(66 * MINUTE + 24 * 60 * MINUTE - 1000))).toBe(4);
    expect(await run(at(66 * MINUTE + 24 * 60 * MINUTE))).toBe(5);
    expect(await run(at(10 * 24 * 60 * MINUTE))).toBe(5); // given up: never again

    expect(receiver.state.requests.every((r) => r.verified.ok)).toBe(true); // the 500s were not signature trouble
    const delivery = await onlyDelivery(subscription.id);
    expect(delivery.status).toBe('failed');
    expect(delivery.nextAttemptAt).toBeNull();
    expect(delivery.attempts.map((a) => [a.at, a.httpStatus])).toEqual(
      [0, MINUTE, 6 * MINUTE, 66 * MINUTE, 66 * MINUTE + 24 * 60 * MINUTE].map((ms) => [
        at(ms).toISOString(),
        500,
      ]),
    );
    // Off the due index once finished.
    const due = await queryDueDeliveries(at(30 * 24 * 60 * MINUTE), 1000);
    expect(due.map((d) => d.id)).not.toContain(delivery.id);

    // Each step is in the owning agency's audit chain.
    const audit = await call<{ items: AuditRecord[] }>('GET', `/v1/audit?entityId=${delivery.id}`, {
      as: 'auditor.province',
    });
    expect(audit.body.items.map((r) => r.action)).toEqual([
      'delivery.created',
      'delivery.retry-scheduled',
      'delivery.retry-scheduled',
      'delivery.retry-scheduled',
      'delivery.retry-scheduled',
      'delivery.failed',
    ]);
    expect(new Set(audit.body.items.map((r) => r.chain))).toEqual(new Set([agency]));
  });

  it('counts a receiver that does not answer in time as a failed attempt', async () => {
    const { receiver, subscription, publish } = await scenario({ hang: true });
    await publish();
    await sendDueDeliveries({ now: receiver.state.clock, timeoutMs: 300 });
    const delivery = await onlyDelivery(subscription.id);
    expect(delivery.status).toBe('pending');
    expect(delivery.attempts[0]).toMatchObject({ error: 'No answer within 300 ms' });
    expect(delivery.attempts[0]!.httpStatus).toBeUndefined();
  });

  it('lets only one of concurrent senders make an attempt', async () => {
    const { receiver, subscription, publish } = await scenario();
    await publish();
    const now = receiver.state.clock;
    await Promise.all([sendDueDeliveries({ now }), sendDueDeliveries({ now }), sendDueDeliveries({ now })]);
    expect(receiver.state.requests).toHaveLength(1);
    expect((await onlyDelivery(subscription.id)).attempts).toHaveLength(1);
  });

  it('ends the pending deliveries of a paused subscription without sending them', async () => {
    const { receiver, subscription, publish } = await scenario();
    await publish();
    await updateSubscription(subscription.id, { status: 'paused' }, undefined, context);
    await sendDueDeliveries({ now: new Date() });
    expect(receiver.state.requests).toHaveLength(0);
    expect(await onlyDelivery(subscription.id)).toMatchObject({
      status: 'failed',
      attempts: [{ error: 'Subscription paused; not sent', durationMs: 0 }],
    });
    // Paused subscriptions get no new deliveries at all.
    expect((await publish()).result.planned).toBe(0);
  });
});

describe('fan-out', () => {
  it('creates one delivery for a duplicated or replayed event', async () => {
    const { agency, subscription } = await scenario();
    const event = agencyEvent(agency, [agency]);
    const replay = { ...event, id: randomUUID(), 'replay-name': 'ops-replay' }; // EventBridge archive replay
    const results = await Promise.all([
      fanOut(metaOf(event), event),
      fanOut(metaOf(event), event),
      fanOutHandler(event),
    ]);
    results.push(await fanOut(metaOf(replay), replay));
    expect(results.reduce((sum, r) => sum + r.created, 0)).toBe(1);
    expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(3);
    expect(await deliveriesOf(subscription.id)).toHaveLength(1);
  });

  it('delivers only to subscriptions allowed to see the event', async () => {
    const mine = await scenario();
    const theirs = await scenario();
    await mine.publish([demoAgencies.vinhYen, mine.agency]);
    expect(await deliveriesOf(mine.subscription.id)).toHaveLength(1);
    expect(await deliveriesOf(theirs.subscription.id)).toHaveLength(0);
  });

  it('refuses an event without a valid envelope (retried, then dead-lettered by the bus)', async () => {
    const event = agencyEvent(demoAgencies.vinhYen, [demoAgencies.vinhYen]);
    await expect(
      fanOutHandler({ ...event, detail: { ...event.detail, recipients: 'everyone' } }),
    ).rejects.toThrow(/no valid envelope/);
  });
});

describe('inspecting deliveries over HTTP', () => {
  it('lists a subscription’s deliveries, newest first, paged, without bodies or leases', async () => {
    const { receiver, subscription, publish } = await scenario({ status: 200 });
    const published = [];
    for (let i = 0; i < 3; i++) published.push((await publish()).event);
    await sendDueDeliveries({ now: receiver.state.clock });

    const first = await call<{ items: Delivery[]; nextCursor: string | null }>(
      'GET',
      `/v1/subscriptions/${subscription.id}/deliveries?limit=2`,
      { as: PROVINCE_ADMIN },
    );
    expect(first.status).toBe(200);
    expect(first.body.items.map((d) => d.eventId)).toEqual([
      published[2]!.detail.eventId,
      published[1]!.detail.eventId,
    ]);
    expect(first.body.items[0]).toMatchObject({ status: 'succeeded', attempts: [{ httpStatus: 200 }] });
    expect(Object.keys(first.body.items[0]!)).not.toContain('body');
    expect(first.text).not.toContain('leaseToken');
    expect(first.text).not.toContain(subscription.secret);

    const second = await call<{ items: Delivery[]; nextCursor: string | null }>(
      'GET',
      `/v1/subscriptions/${subscription.id}/deliveries?limit=2&cursor=${first.body.nextCursor}`,
      { as: PROVINCE_ADMIN },
    );
    expect(second.body.items.map((d) => d.eventId)).toEqual([published[0]!.detail.eventId]);
    expect(second.body.nextCursor).toBeNull();

    // Not visible to another agency's admin.
    expect(
      (await call('GET', `/v1/subscriptions/${subscription.id}/deliveries`, { as: 'admin.vinhyen' })).status,
    ).toBe(404);
  });
});

describe('address checks at send time', () => {
  it('refuses a host name that resolves to loopback when loopback is not allowed (DNS-rebinding guard)', async () => {
    const lookup = (allowLoopback: boolean) =>
      new Promise<string>((resolve, reject) =>
        guardedLookup(allowLoopback)('localhost', { family: 4 }, (error, address) =>
          error ? reject(error) : resolve(String(address)),
        ),
      );
    await expect(lookup(false)).rejects.toThrow(/resolves to an address webhooks may not reach/);
    await expect(lookup(true)).resolves.toBe('127.0.0.1');
  });

  it('records a refused address as a failed attempt', async () => {
    const { receiver, subscription, publish } = await scenario();
    await publish();
    process.env.WEBHOOK_ALLOW_LOOPBACK = 'false';
    try {
      await sendDueDeliveries({ now: receiver.state.clock });
    } finally {
      process.env.WEBHOOK_ALLOW_LOOPBACK = 'true';
    }
    expect(receiver.state.requests).toHaveLength(0);
    const delivery = await onlyDelivery(subscription.id);
    expect(delivery.status).toBe('pending');
    expect(delivery.attempts[0]!.error).toMatch(/^Address refused: Loopback/);
  });
});
