/**
 * The whole event path through the running platform, as in AWS: an API change commits its outbox
 * record → the stream poller runs the publisher → PutEvents reaches the bus → the rule invokes the
 * webhook fan-out → the sender POSTs a signed delivery to an agency system on loopback.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '#events/webhooks/verify-signature.ts';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { baseUrl, call, PROVINCE_ADMIN, unique } from '#tests/support/http.ts';

interface Delivered {
  detailType: string;
  correlationId: string;
  entityId: string;
  verified: boolean;
}

const delivered: Delivered[] = [];
let secret = '';
let subscriptionId = '';
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const result = verifyWebhookSignature({
      header: request.headers['vnpp-signature'] as string | undefined,
      rawBody: body,
      secrets: [secret],
    });
    const event = JSON.parse(body.toString('utf8')) as {
      'detail-type': string;
      detail: { correlationId: string; entity: { id: string } };
    };
    delivered.push({
      detailType: event['detail-type'],
      correlationId: event.detail.correlationId,
      entityId: event.detail.entity.id,
      verified: result.ok,
    });
    response.writeHead(result.ok ? 204 : 401).end();
  });
});

async function settle() {
  // Local-only helpers: wait for the event path, then run the 1-minute webhook sender now.
  expect((await fetch(`${baseUrl()}/local/events/drain`, { method: 'POST' })).status).toBe(204);
  expect((await fetch(`${baseUrl()}/local/workers/webhooks-send/run`, { method: 'POST' })).status).toBe(200);
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const created = await call<{ id: string; secret: string }>('POST', '/v1/subscriptions', {
    as: 'admin.vinhyen',
    body: {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
      eventTypes: ['AgencyUpdated'],
    },
  });
  expect(created.status).toBe(201);
  secret = created.body.secret;
  subscriptionId = created.body.id;
});

afterAll(async () => {
  await call('DELETE', `/v1/subscriptions/${subscriptionId}`, { as: 'admin.vinhyen' });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('event path, end to end', () => {
  it('delivers a signed webhook for a change that concerns the subscriber, and nothing else', async () => {
    const ours = `flow-${unique()}`;
    const foreign = `flow-foreign-${unique()}`;
    const patch = await call('PATCH', `/v1/agencies/${demoAgencies.vinhYen}`, {
      as: 'admin.vinhyen',
      body: { address: `Số ${Math.floor(Math.random() * 1000)} đường Nguyễn Tất Thành` },
      headers: { 'x-request-id': ours },
    });
    expect(patch.status).toBe(200);
    // A change in another district: Vĩnh Yên's system must not receive it.
    const other = await call('PATCH', `/v1/agencies/${demoAgencies.phucYen}`, {
      as: PROVINCE_ADMIN,
      body: { address: 'Phường Trưng Trắc, TP Phúc Yên' },
      headers: { 'x-request-id': foreign },
    });
    expect(other.status).toBe(200);

    await settle();
    const mine = delivered.filter((delivery) => delivery.correlationId === ours);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      detailType: 'AgencyUpdated',
      entityId: demoAgencies.vinhYen,
      verified: true,
    });
    expect(delivered.filter((delivery) => delivery.correlationId === foreign)).toEqual([]);

    const deliveries = await call<{ items: { status: string }[] }>(
      'GET',
      `/v1/subscriptions/${subscriptionId}/deliveries`,
      {
        as: 'admin.vinhyen',
      },
    );
    expect(deliveries.body.items.some((delivery) => delivery.status === 'succeeded')).toBe(true);
  });
});
