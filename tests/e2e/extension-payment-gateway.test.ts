/**
 * The worked payment-gateway example end to end (docs/extending.md § 3): SenPay registered in a
 * platform of the test's own, a dossier's fee paid through it. The payment is created at a fake
 * SenPay (a loopback server that checks the order's signature), and callbacks are signed here
 * independently of the adapter: a forged or altered one is refused and changes nothing, a good one
 * marks the payment paid and lets the dossier proceed, a replay changes nothing.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../examples/payment-gateway/register.ts';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { type OwnPlatform, startOwnPlatform } from '#tests/support/own-platform.ts';
import { FEES, type Payment, TOTAL } from '#tests/support/payments.ts';
import { receiveStep, testProcedure } from '#tests/support/procedures.ts';

const SECRET = 'senpay-e2e-test-secret-0000000000';
const procedureCode = 'VP-test-phi-senpay';
const sign = (timestamp: number, body: string, secret = SECRET) =>
  `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;

let platform: OwnPlatform;
let senpay: Server;
const orders: { body: string; signatureOk: boolean }[] = [];

beforeAll(async () => {
  // The fake SenPay: answers an order with a checkout URL after checking its signature.
  senpay = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const timestamp = Number(request.headers['x-senpay-timestamp']);
      const signatureOk = request.headers['x-senpay-signature'] === sign(timestamp, body);
      orders.push({ body, signatureOk });
      const orderRef = (JSON.parse(body) as { orderRef: string }).orderRef;
      response.writeHead(signatureOk ? 200 : 401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          signatureOk
            ? { code: '0', checkoutUrl: `https://pay.senpay.example.vn/c/${orderRef}` }
            : { code: '4', message: 'Invalid signature' },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => senpay.listen(0, '127.0.0.1', resolve));

  platform = await startOwnPlatform({ prefix: 'ext-senpay' });
  // What the stack does from the province file: the gateway joins PAYMENT_GATEWAYS.
  process.env.PAYMENT_GATEWAYS = JSON.stringify([
    ...(JSON.parse(process.env.PAYMENT_GATEWAYS ?? '[]') as unknown[]),
    {
      id: 'senpay',
      protocol: 'senpay',
      merchantCode: 'VP-DVC-01',
      displayName: 'Ví SenPay',
      localSecret: SECRET,
      apiUrl: `http://127.0.0.1:${(senpay.address() as AddressInfo).port}`,
    },
  ]);
  const created = await platform.call('POST', '/v1/procedures', {
    as: 'admin.province',
    body: testProcedure({
      code: procedureCode,
      name: 'Thủ tục có phí (ví SenPay)',
      fees: FEES,
      workflow: [
        { ...receiveStep, requiresPayment: true },
        { id: 'xu-ly', name: 'Xử lý', agency: { kind: 'receiving' }, role: 'leader', workingDays: 2 },
      ],
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await new Promise<void>((resolve) => senpay?.close(() => resolve()));
});

async function receivedDossier(): Promise<string> {
  const submitted = await platform.call<{ id: string }>('POST', '/v1/dossiers', {
    as: 'citizen.binh',
    body: {
      procedureCode,
      agencyCode: demoAgencies.lienBao,
      applicant: {
        kind: 'citizen',
        fullName: 'Trần Thị Bình',
        identity: { idType: 'citizen-id', idNumber: '001201009876' },
      },
      form: { reason: 'Thanh toán qua ví SenPay' },
      delivery: { method: 'online' },
    },
  });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const received = await platform.call('POST', `/v1/dossiers/${submitted.body.id}/transitions`, {
    as: 'clerk.lienbao',
    body: { action: 'receive' },
  });
  expect(received.status, JSON.stringify(received.body)).toBe(200);
  return submitted.body.id;
}

async function sendCallback(body: string, headers: Record<string, string>) {
  const response = await fetch(`${platform.baseUrl}/v1/payments/callbacks/senpay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as { code: string; message: string } };
}
const signed = (body: string, timestamp = Math.floor(Date.now() / 1000), secret = SECRET) => ({
  'x-senpay-timestamp': String(timestamp),
  'x-senpay-signature': sign(timestamp, body, secret),
});
const paymentOf = async (id: string) =>
  (await platform.call<Payment>('GET', `/v1/payments/${id}`, { as: 'clerk.lienbao' })).body;
const forward = (dossierId: string) =>
  platform.call('POST', `/v1/dossiers/${dossierId}/transitions`, {
    as: 'clerk.lienbao',
    body: { action: 'forward' },
  });

describe('a dossier fee paid through the example SenPay gateway', () => {
  it('good callback → paid; forged, altered or stale → refused, state unchanged; replay → unchanged', async () => {
    const dossierId = await receivedDossier();
    const requested = await platform.call<Payment>('POST', '/v1/payments', {
      as: 'citizen.binh',
      body: { dossierId, gateway: 'senpay' },
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const payment = requested.body;
    expect(payment).toMatchObject({ gateway: 'senpay', status: 'pending', amount: TOTAL });
    expect(payment.redirectUrl).toBe(`https://pay.senpay.example.vn/c/${payment.code}`);
    expect(orders.at(-1)).toMatchObject({ signatureOk: true });
    expect(JSON.parse(orders.at(-1)!.body)).toMatchObject({ orderRef: payment.code, amount: TOTAL });
    // Payment is still owed: the dossier cannot move on.
    expect((await forward(dossierId)).status).not.toBe(200);
    const before = await paymentOf(payment.id);

    const body = JSON.stringify({
      orderRef: payment.code,
      transactionId: `SP-${payment.code}`,
      amount: TOTAL,
      currency: 'VND',
      status: 'SUCCESS',
    });
    const forged = await sendCallback(body, signed(body, undefined, 'an-attacker-secret-000000000000'));
    expect([forged.status, forged.body.code]).toEqual([401, '4']);
    const altered = body.replace(`"amount":${TOTAL}`, '"amount":1000');
    expect((await sendCallback(altered, signed(body))).body.code).toBe('4');
    const stale = await sendCallback(body, signed(body, Math.floor(Date.now() / 1000) - 3600));
    expect([stale.status, stale.body.code]).toEqual([401, '5']);
    const wrongAmount = await sendCallback(altered, signed(altered));
    expect([wrongAmount.status, wrongAmount.body.code]).toEqual([200, '2']);
    expect(await paymentOf(payment.id)).toEqual(before);

    const good = await sendCallback(body, signed(body));
    expect([good.status, good.body.code]).toEqual([200, '0']);
    const paid = await paymentOf(payment.id);
    expect(paid).toMatchObject({ status: 'paid', gatewayTransactionId: `SP-${payment.code}` });

    const replay = await sendCallback(body, signed(body));
    expect([replay.status, replay.body.code]).toEqual([200, '0']);
    expect((await paymentOf(payment.id)).version).toBe(paid.version);
    expect((await forward(dossierId)).status).toBe(200);
  }, 120_000);
});
