/**
 * The worked payment-gateway example (examples/payment-gateway/, docs/extending.md § 3): SenPay
 * signatures computed here independently of the adapter (HMAC-SHA256 over "<timestamp>.<body>",
 * `v1=<hex>`), its refusals, its server API against a local fake SenPay, its registration and the
 * province file entry that enables it.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../examples/payment-gateway/register.ts';
import { ProvinceConfig } from '#infra/provinces/province-config.ts';
import vinhPhuc from '#infra/provinces/vinh-phuc.ts';
import { GatewaySettings } from '#shared/payments/config.ts';
import type { CallbackRequest } from '#shared/payments/gateways/gateway.ts';
import { gatewayById } from '#shared/payments/gateways/registry.ts';
import { senpayGateway } from '../../examples/payment-gateway/province-gateway.ts';
import { SenpayGateway } from '../../examples/payment-gateway/senpay.ts';

const SECRET = 'senpay-unit-test-secret-000000000';
const sign = (timestamp: number, body: string, secret = SECRET) =>
  `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);
const callback = (
  body: string,
  options: { timestamp?: number; signature?: string; method?: string; receivedAt?: Date } = {},
): CallbackRequest => {
  const timestamp = options.timestamp ?? nowSeconds();
  return {
    method: options.method ?? 'POST',
    rawQuery: '',
    rawBody: Buffer.from(body, 'utf8'),
    headers: {
      'content-type': 'application/json',
      'x-senpay-timestamp': String(timestamp),
      'x-senpay-signature': options.signature ?? sign(timestamp, body),
    },
    receivedAt: options.receivedAt ?? new Date(),
  };
};
const paidBody = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    orderRef: 'TT261122ABCDEFGH',
    transactionId: 'SP-778899',
    amount: 58_000,
    currency: 'VND',
    status: 'SUCCESS',
    ...overrides,
  });

let server: Server;
let baseUrl: string;
const received: { url: string; body: string; headers: IncomingMessage['headers'] }[] = [];
let reply: (url: string) => unknown = () => ({ code: '0' });
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ url: request.url ?? '', body, headers: request.headers });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(reply(request.url ?? '')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const adapter = (fields: Record<string, unknown> = {}) =>
  new SenpayGateway(
    GatewaySettings.parse({
      id: 'senpay',
      protocol: 'senpay',
      merchantCode: 'VP-DVC-01',
      localSecret: SECRET,
      ...fields,
    }),
    SECRET,
  );

describe('SenPay callback verification', () => {
  it('accepts a callback signed over "<timestamp>.<raw body>" and reads it', () => {
    expect(adapter().verifyCallback(callback(paidBody()))).toEqual({
      ok: true,
      notification: {
        code: 'TT261122ABCDEFGH',
        outcome: 'paid',
        amount: 58_000,
        currency: 'VND',
        gatewayTransactionId: 'SP-778899',
      },
    });
    const failed = paidBody({ status: 'FAILED', reason: 'INSUFFICIENT_FUNDS' });
    expect(adapter().verifyCallback(callback(failed))).toMatchObject({
      ok: true,
      notification: { outcome: 'failed', failureCode: 'INSUFFICIENT_FUNDS' },
    });
    // Upper-case hex is the same signature.
    const timestamp = nowSeconds();
    const upper = `v1=${sign(timestamp, paidBody()).slice(3).toUpperCase()}`;
    expect(adapter().verifyCallback(callback(paidBody(), { timestamp, signature: upper })).ok).toBe(true);
  });

  it('refuses a forged, altered, re-timed, stale, unsigned, non-POST or malformed callback', () => {
    const gateway = adapter();
    const body = paidBody();
    const timestamp = nowSeconds();
    const refusal = (request: CallbackRequest) => {
      const verdict = gateway.verifyCallback(request);
      return verdict.ok ? 'accepted' : verdict.reason;
    };
    expect(refusal(callback(body, { signature: sign(timestamp, body, 'another-secret-00000000000') }))).toBe(
      'invalid-signature',
    );
    // The amount changed after signing.
    expect(
      refusal(callback(paidBody({ amount: 1_000 }), { timestamp, signature: sign(timestamp, body) })),
    ).toBe('invalid-signature');
    // The timestamp changed after signing (the signature covers it).
    expect(refusal(callback(body, { timestamp: timestamp + 1, signature: sign(timestamp, body) }))).toBe(
      'invalid-signature',
    );
    // Signed correctly, but 10 minutes old: a replay.
    expect(refusal(callback(body, { timestamp: timestamp - 600 }))).toBe('stale');
    expect(refusal(callback(body, { signature: sign(timestamp, body).slice(3) }))).toBe('invalid-signature');
    const unsigned = callback(body);
    expect(refusal({ ...unsigned, headers: { 'content-type': 'application/json' } })).toBe(
      'invalid-signature',
    );
    expect(refusal(callback(body, { method: 'GET' }))).toBe('wrong-method');
    expect(refusal(callback('{"orderRef":'))).toBe('malformed');
    expect(refusal(callback(paidBody({ status: 'MAYBE' })))).toBe('malformed');
  });

  it('answers in SenPay words: code 0 stops the retries, a 5xx asks for one', () => {
    const gateway = adapter();
    expect(gateway.answer('confirmed')).toEqual({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ code: '0', message: 'OK' }),
    });
    expect(JSON.parse(gateway.answer('already-confirmed').body).code).toBe('0');
    expect(gateway.answer('invalid-signature').status).toBe(401);
    expect(gateway.answer('not-found')).toMatchObject({ status: 200 });
    expect(JSON.parse(gateway.answer('not-found').body).code).toBe('1');
    expect(gateway.answer('error').status).toBe(503);
  });

  it('its simulated callback (the local sandbox page) passes its own verification', () => {
    const gateway = adapter();
    const at = new Date();
    const request = gateway.simulateCallback({ code: 'C1', amount: 58_000 }, 'paid', at);
    const timestamp = request.headers['x-senpay-timestamp']!;
    expect(request.headers['x-senpay-signature']).toBe(
      sign(Number(timestamp), request.rawBody.toString('utf8')),
    );
    expect(gateway.verifyCallback(request)).toMatchObject({ ok: true, notification: { code: 'C1' } });
  });
});

describe('SenPay server API (against a fake SenPay)', () => {
  const order = {
    payment: {
      code: 'TT261122ABCDEFGH',
      amount: 58_000,
      currency: 'VND' as const,
      createdAt: '2026-11-22T03:00:00.000Z',
      expiresAt: '2026-11-22T03:30:00.000Z',
      agencyCode: '000.00.21.H62',
      procedureCode: '1.001193',
      dossierCode: '000.00.21.H62-261122-0001',
      dossierId: 'd1',
      lines: [{ code: 'LP', name: 'Lệ phí', kind: 'charge' as const, amount: 58_000 }],
      payerName: 'Trần Thị Bình',
      payerIdNumber: '001201009876',
    },
    returnUrl: 'https://dichvucong.vinhphuc.gov.vn/thanh-toan/ket-qua',
    clientIp: '203.0.113.7',
  };

  it('creates, queries and refunds with signed requests', async () => {
    const gateway = adapter({ apiUrl: baseUrl });
    reply = (url) =>
      url === '/orders'
        ? { code: '0', checkoutUrl: 'https://pay.senpay.example.vn/c/abc' }
        : url === '/orders/query'
          ? { code: '0', status: 'SUCCESS', amount: 58_000, transactionId: 'SP-1' }
          : { code: '0', refundId: 'RF-1' };
    received.length = 0;
    expect(await gateway.createPayment(order)).toEqual({
      redirectUrl: 'https://pay.senpay.example.vn/c/abc',
    });
    expect(await gateway.queryStatus({ code: order.payment.code })).toEqual({
      status: 'paid',
      amount: 58_000,
      gatewayTransactionId: 'SP-1',
    });
    expect(
      await gateway.refund(
        { code: order.payment.code, gatewayTransactionId: 'SP-1' },
        { amount: 58_000, reason: 'Trùng', by: 'u' },
      ),
    ).toEqual({ reference: 'RF-1' });
    expect(received.map((request) => request.url)).toEqual(['/orders', '/orders/query', '/refunds']);
    for (const request of received) {
      const timestamp = Number(request.headers['x-senpay-timestamp']);
      expect(request.headers['x-senpay-signature']).toBe(sign(timestamp, request.body));
      expect(request.headers['x-senpay-merchant']).toBe('VP-DVC-01');
    }
    expect(JSON.parse(received[0]!.body)).toMatchObject({
      merchant: 'VP-DVC-01',
      orderRef: order.payment.code,
      amount: 58_000,
      currency: 'VND',
      returnUrl: order.returnUrl,
    });
  });

  it('a refusal is a GatewayError; without apiUrl the payer goes to payUrl and status is unknown', async () => {
    reply = () => ({ code: '17', message: 'Merchant locked' });
    await expect(adapter({ apiUrl: baseUrl }).createPayment(order)).rejects.toThrow(/SenPay answered 200 17/);
    const local = adapter({ payUrl: 'http://127.0.0.1:3000/v1/payments/sandbox' });
    expect(await local.createPayment(order)).toEqual({
      redirectUrl: `http://127.0.0.1:3000/v1/payments/sandbox?code=${order.payment.code}`,
    });
    expect(await local.queryStatus({ code: order.payment.code })).toMatchObject({ status: 'unknown' });
  });
});

describe('registration and the province file', () => {
  it('register.ts makes the protocol known to the registry', async () => {
    process.env.PAYMENT_GATEWAYS = JSON.stringify([
      { id: 'senpay', protocol: 'senpay', merchantCode: 'VP-DVC-01', localSecret: SECRET },
    ]);
    try {
      expect(await gatewayById('senpay')).toBeInstanceOf(SenpayGateway);
    } finally {
      delete process.env.PAYMENT_GATEWAYS;
    }
  });

  it('a province file lists a gateway of the protocol; the sandbox stays local', () => {
    const withGateways = (paymentGateways: unknown[]) =>
      ProvinceConfig.safeParse({
        ...vinhPhuc,
        deployment: { ...vinhPhuc.deployment, paymentGateways },
      });
    const parsed = withGateways([...vinhPhuc.deployment!.paymentGateways, senpayGateway]);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(withGateways([{ ...senpayGateway, protocol: 'sandbox' }]).success).toBe(false);
    expect(withGateways([{ ...senpayGateway, protocol: 'Sen Pay' }]).success).toBe(false);
    expect(withGateways([{ ...senpayGateway, secretName: 'vnpp/dong-nai/payment/senpay' }]).success).toBe(
      false,
    );
  });
});
