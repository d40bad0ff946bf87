/**
 * Gateway adapters with real signatures, computed here independently of the adapters (VNPay's
 * documented sortObject + HMAC-SHA512; the national platform's configured HMAC over
 * "<timestamp>.<body>"), and their server APIs against a local fake gateway.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewaySettings } from '#shared/payments/config.ts';
import type { CallbackRequest } from '#shared/payments/gateways/gateway.ts';
import {
  GatewayError,
  GatewayOutcomeUnknownError,
  gatewayStatusError,
} from '#shared/payments/gateways/gateway.ts';
import { postJson } from '#shared/payments/gateways/hmac.ts';
import { PaygovGateway } from '#shared/payments/gateways/paygov.ts';
import { gatewayById, registerGatewayProtocol } from '#shared/payments/gateways/registry.ts';
import { SandboxGateway } from '#shared/payments/gateways/sandbox.ts';
import { VnpayGateway } from '#shared/payments/gateways/vnpay.ts';

const VNPAY_SECRET = 'UNITTESTVNPAYHASHSECRET0000000000';
const PAYGOV_SECRET = 'unit-test-paygov-secret-0000000000';
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
    lines: [
      { code: 'LP', name: 'Lệ phí', kind: 'charge' as const, amount: 50_000 },
      { code: 'P', name: 'Phí', kind: 'fee' as const, amount: 8_000 },
    ],
    payerName: 'Trần Thị Bình',
    payerIdNumber: '001201009876',
  },
  returnUrl: 'https://dichvucong.vinhphuc.gov.vn/thanh-toan/ket-qua',
  clientIp: '203.0.113.7',
};

// VNPay's sample: keys sorted, values encodeURIComponent with %20 → +, joined without re-encoding.
function vnpaySigned(params: Record<string, string>, secret = VNPAY_SECRET) {
  const data = Object.keys(params)
    .sort()
    .map((key) => `${key}=${encodeURIComponent(params[key]!).replace(/%20/g, '+')}`)
    .join('&');
  return `${data}&vnp_SecureHash=${createHmac('sha512', secret).update(data, 'utf8').digest('hex')}`;
}
const ipn = (rawQuery: string, method = 'GET'): CallbackRequest => ({
  method,
  rawQuery,
  rawBody: Buffer.alloc(0),
  headers: {},
  receivedAt: new Date(),
});
const vnpayIpn = (overrides: Record<string, string> = {}) => ({
  vnp_Amount: '5800000',
  vnp_BankCode: 'NCB',
  vnp_OrderInfo: 'Thanh toán phí hồ sơ (lệ phí) 100% & xong',
  vnp_PayDate: '20261122103000',
  vnp_ResponseCode: '00',
  vnp_TmnCode: 'VPTEST01',
  vnp_TransactionNo: '14422574',
  vnp_TransactionStatus: '00',
  vnp_TxnRef: order.payment.code,
  ...overrides,
});

/** A fake gateway server: records requests, answers with `answer(body, req)`. */
let server: Server;
let baseUrl: string;
let answer: (body: string, request: IncomingMessage) => unknown = () => ({});
const received: { url: string; body: string; headers: IncomingMessage['headers'] }[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ url: request.url ?? '', body, headers: request.headers });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer(body, request)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const settings = (fields: Record<string, unknown>) => GatewaySettings.parse(fields);

describe('VNPay adapter', () => {
  const vnpay = () =>
    new VnpayGateway(
      settings({
        id: 'vnpay',
        protocol: 'vnpay',
        merchantCode: 'VPTEST01',
        localSecret: VNPAY_SECRET,
        payUrl: 'https://sandbox.vnpayment.vn/paymentv2/vpcpay.html',
        apiUrl: `${baseUrl}/merchant_webapi/api/transaction`,
      }),
      VNPAY_SECRET,
    );

  it('signs the redirect as VNPay verifies it (amount ×100, Vietnam-time dates)', async () => {
    const { redirectUrl } = await vnpay().createPayment(order);
    const url = new URL(redirectUrl);
    expect(url.origin + url.pathname).toBe('https://sandbox.vnpayment.vn/paymentv2/vpcpay.html');
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      vnp_Amount: '5800000',
      vnp_CurrCode: 'VND',
      vnp_TxnRef: order.payment.code,
      vnp_TmnCode: 'VPTEST01',
      vnp_CreateDate: '20261122100000',
      vnp_ExpireDate: '20261122103000',
      vnp_IpAddr: '203.0.113.7',
      vnp_ReturnUrl: order.returnUrl,
    });
    const { vnp_SecureHash, ...unsigned } = params;
    expect(vnpaySigned(unsigned)).toBe(redirectUrl.split('?')[1]);
    expect(vnp_SecureHash).toMatch(/^[0-9a-f]{128}$/);
  });

  it('verifies an IPN signed over the sorted, URL-encoded parameters, with Vietnamese text', () => {
    const verdict = vnpay().verifyCallback(ipn(vnpaySigned(vnpayIpn())));
    expect(verdict).toEqual({
      ok: true,
      notification: {
        code: order.payment.code,
        outcome: 'paid',
        amount: 58_000,
        currency: 'VND',
        gatewayTransactionId: '14422574',
      },
    });
    // Upper-case hex is the same signature.
    const upper = vnpaySigned(vnpayIpn()).replace(
      /vnp_SecureHash=([0-9a-f]+)$/,
      (_, h: string) => `vnp_SecureHash=${h.toUpperCase()}`,
    );
    expect(vnpay().verifyCallback(ipn(upper)).ok).toBe(true);
  });

  it('refuses a forged, altered, malformed or non-GET IPN, and answers with RspCode', () => {
    const adapter = vnpay();
    const forged = adapter.verifyCallback(ipn(vnpaySigned(vnpayIpn(), 'ANOTHERSECRET000000000000000000')));
    expect(forged).toMatchObject({ ok: false, reason: 'invalid-signature' });
    const altered = vnpaySigned(vnpayIpn()).replace('vnp_ResponseCode=00', 'vnp_ResponseCode=01');
    expect(adapter.verifyCallback(ipn(altered))).toMatchObject({ ok: false, reason: 'invalid-signature' });
    const unsigned = vnpaySigned(vnpayIpn()).replace(/&vnp_SecureHash=.*$/, '');
    expect(adapter.verifyCallback(ipn(unsigned))).toMatchObject({ ok: false, reason: 'malformed' });
    const repeated = `${vnpaySigned(vnpayIpn())}&vnp_TxnRef=OTHER`;
    expect(adapter.verifyCallback(ipn(repeated))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(adapter.verifyCallback(ipn('vnp_TxnRef=%E0%A4%A'))).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(adapter.verifyCallback(ipn(vnpaySigned(vnpayIpn()), 'POST'))).toMatchObject({
      ok: false,
      reason: 'wrong-method',
    });
    expect(JSON.parse(adapter.answer('invalid-signature').body)).toEqual({
      RspCode: '97',
      Message: 'Invalid signature',
    });
    expect(JSON.parse(adapter.answer('not-found').body).RspCode).toBe('01');
    expect(JSON.parse(adapter.answer('already-confirmed').body).RspCode).toBe('02');
    expect(JSON.parse(adapter.answer('invalid-amount').body).RspCode).toBe('04');
    expect(JSON.parse(adapter.answer('confirmed').body).RspCode).toBe('00');
    expect(adapter.answer('error').status).toBe(200);
  });

  it('reads a failure, a fractional amount and another merchant’s order as such', () => {
    const adapter = vnpay();
    const failed = adapter.verifyCallback(
      ipn(vnpaySigned(vnpayIpn({ vnp_ResponseCode: '24', vnp_TransactionStatus: '02' }))),
    );
    expect(failed).toMatchObject({ ok: true, notification: { outcome: 'failed', failureCode: '24' } });
    const odd = adapter.verifyCallback(ipn(vnpaySigned(vnpayIpn({ vnp_Amount: '5800050' }))));
    expect(odd.ok && Number.isNaN(odd.notification.amount)).toBe(true);
    const otherMerchant = adapter.verifyCallback(ipn(vnpaySigned(vnpayIpn({ vnp_TmnCode: 'OTHER001' }))));
    expect(otherMerchant.ok && otherMerchant.notification.code).toBe('');
  });

  it('queries a transaction (querydr) with the |-joined signature and checks the signed answer', async () => {
    const respond = (secret: string) => (body: string) => {
      const request = JSON.parse(body) as Record<string, string>;
      const data = [
        'vnp_RequestId',
        'vnp_Version',
        'vnp_Command',
        'vnp_TmnCode',
        'vnp_TxnRef',
        'vnp_TransactionDate',
        'vnp_CreateDate',
        'vnp_IpAddr',
        'vnp_OrderInfo',
      ]
        .map((field) => request[field])
        .join('|');
      const valid = createHmac('sha512', VNPAY_SECRET).update(data).digest('hex') === request.vnp_SecureHash;
      const out: Record<string, string> = {
        vnp_ResponseId: 'r1',
        vnp_Command: 'querydr',
        vnp_ResponseCode: valid ? '00' : '97',
        vnp_Message: 'ok',
        vnp_TmnCode: 'VPTEST01',
        vnp_TxnRef: request.vnp_TxnRef!,
        vnp_Amount: '5800000',
        vnp_BankCode: 'NCB',
        vnp_PayDate: '20261122103000',
        vnp_TransactionNo: '14422574',
        vnp_TransactionType: '01',
        vnp_TransactionStatus: '00',
        vnp_OrderInfo: 'x',
        vnp_PromotionCode: '',
        vnp_PromotionAmount: '',
      };
      const signed = [
        'vnp_ResponseId',
        'vnp_Command',
        'vnp_ResponseCode',
        'vnp_Message',
        'vnp_TmnCode',
        'vnp_TxnRef',
        'vnp_Amount',
        'vnp_BankCode',
        'vnp_PayDate',
        'vnp_TransactionNo',
        'vnp_TransactionType',
        'vnp_TransactionStatus',
        'vnp_OrderInfo',
        'vnp_PromotionCode',
        'vnp_PromotionAmount',
      ]
        .map((field) => out[field])
        .join('|');
      return { ...out, vnp_SecureHash: createHmac('sha512', secret).update(signed).digest('hex') };
    };
    answer = respond(VNPAY_SECRET);
    const status = await vnpay().queryStatus({
      code: order.payment.code,
      createdAt: order.payment.createdAt,
    });
    expect(status).toEqual({ status: 'paid', amount: 58_000, gatewayTransactionId: '14422574' });
    expect(JSON.parse(received.at(-1)!.body)).toMatchObject({
      vnp_Command: 'querydr',
      vnp_TransactionDate: '20261122100000',
    });
    answer = respond('NOT-THE-SECRET-0000000000000000');
    await expect(
      vnpay().queryStatus({ code: order.payment.code, createdAt: order.payment.createdAt }),
    ).rejects.toThrow(GatewayError);
  });
});

describe('national payment platform adapter', () => {
  const paygov = (fields: Record<string, unknown> = {}) =>
    new PaygovGateway(
      settings({
        id: 'paygov',
        protocol: 'paygov',
        merchantCode: 'VP-DVC',
        serviceCode: 'DVC-VP',
        localSecret: PAYGOV_SECRET,
        apiUrl: `${baseUrl}/paygov`,
        beneficiary: { account: '3713.0.1057000', bank: 'Kho bạc Nhà nước Vĩnh Phúc', treasury: '1057' },
        ...fields,
      }),
      PAYGOV_SECRET,
    );
  const body = JSON.stringify({
    MaTraCuuTT: order.payment.code,
    MaGiaoDich: 'PG1',
    SoTien: 58_000,
    MaTienTe: 'VND',
    TrangThai: '00',
  });
  const signedRequest = (
    raw: string,
    timestamp: number,
    secret = PAYGOV_SECRET,
    at = new Date(),
  ): CallbackRequest => ({
    method: 'POST',
    rawQuery: '',
    rawBody: Buffer.from(raw),
    headers: {
      'x-paygov-timestamp': String(timestamp),
      'x-paygov-signature': createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex'),
    },
    receivedAt: at,
  });
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it('verifies the HMAC over the raw body within the timestamp tolerance', () => {
    expect(paygov().verifyCallback(signedRequest(body, nowSeconds()))).toEqual({
      ok: true,
      notification: {
        code: order.payment.code,
        outcome: 'paid',
        amount: 58_000,
        currency: 'VND',
        gatewayTransactionId: 'PG1',
      },
    });
    expect(paygov().verifyCallback(signedRequest(body, nowSeconds() - 299)).ok).toBe(true);
    expect(paygov().verifyCallback(signedRequest(body, nowSeconds() - 301))).toMatchObject({
      ok: false,
      reason: 'stale',
    });
    expect(
      paygov().verifyCallback(signedRequest(body, nowSeconds(), 'wrong-secret-000000000000000000')),
    ).toMatchObject({
      ok: false,
      reason: 'invalid-signature',
    });
    // The same JSON re-serialised with other whitespace is other bytes: the signature is over the raw body.
    const request = signedRequest(body, nowSeconds());
    const spaced = { ...request, rawBody: Buffer.from(JSON.stringify(JSON.parse(body), null, 1)) };
    expect(paygov().verifyCallback(spaced)).toMatchObject({ ok: false, reason: 'invalid-signature' });
    expect(paygov().verifyCallback({ ...request, headers: {} })).toMatchObject({
      ok: false,
      reason: 'invalid-signature',
    });
    expect(paygov().verifyCallback({ ...request, method: 'GET' })).toMatchObject({
      ok: false,
      reason: 'wrong-method',
    });
  });

  it('follows the configured scheme: SHA-512, base64, other headers and tolerance', () => {
    const adapter = paygov({
      signature: {
        header: 'x-sig',
        timestampHeader: 'x-ts',
        algorithm: 'sha512',
        encoding: 'base64',
        toleranceSeconds: 60,
      },
    });
    const ts = nowSeconds();
    const request: CallbackRequest = {
      method: 'POST',
      rawQuery: '',
      rawBody: Buffer.from(body),
      headers: {
        'x-ts': String(ts),
        'x-sig': createHmac('sha512', PAYGOV_SECRET).update(`${ts}.${body}`).digest('base64'),
      },
      receivedAt: new Date(),
    };
    expect(adapter.verifyCallback(request).ok).toBe(true);
    expect(adapter.verifyCallback({ ...request, receivedAt: new Date(Date.now() + 61_000) })).toMatchObject({
      reason: 'stale',
    });
  });

  it('creates the transaction with the national fields, signed, and follows UrlThanhToan', async () => {
    answer = () => ({
      MaLoi: '00',
      MaTraCuuTT: order.payment.code,
      UrlThanhToan: 'https://paygov.vn/pay/abc',
    });
    const { redirectUrl } = await paygov().createPayment(order);
    expect(redirectUrl).toBe('https://paygov.vn/pay/abc');
    const sent = received.at(-1)!;
    expect(sent.url).toBe('/paygov/create-transaction');
    const ts = sent.headers['x-paygov-timestamp'] as string;
    expect(sent.headers['x-paygov-signature']).toBe(
      createHmac('sha256', PAYGOV_SECRET).update(`${ts}.${sent.body}`).digest('hex'),
    );
    expect(JSON.parse(sent.body)).toMatchObject({
      MaTraCuuTT: order.payment.code,
      MaDVC: 'DVC-VP',
      MaTTHC: '1.001193',
      MaDonVi: '000.00.21.H62',
      PhiLePhi: [
        { LoaiPhiLePhi: 2, MaPhiLePhi: 'LP', SoTien: 50_000 },
        { LoaiPhiLePhi: 1, MaPhiLePhi: 'P', SoTien: 8_000 },
      ],
      TongTien: 58_000,
      KhoBac: '1057',
      HoTenNguoiNop: 'Trần Thị Bình',
      SoGiayToNguoiNop: '001201009876',
    });
    answer = () => ({ MaLoi: '00', TrangThai: '00', SoTien: 58_000, MaGiaoDich: 'PG1' });
    expect(await paygov().queryStatus({ code: order.payment.code })).toEqual({
      status: 'paid',
      amount: 58_000,
      gatewayTransactionId: 'PG1',
    });
    answer = () => ({ MaLoi: '97' });
    await expect(paygov().createPayment(order)).rejects.toThrow(GatewayError);
  });

  it('answers with MaLoi codes and HTTP statuses per outcome', () => {
    const codes = (
      [
        'confirmed',
        'already-confirmed',
        'not-found',
        'invalid-amount',
        'invalid-signature',
        'stale',
        'malformed',
        'error',
      ] as const
    ).map((outcome) => [paygov().answer(outcome).status, JSON.parse(paygov().answer(outcome).body).MaLoi]);
    expect(codes).toEqual([
      [200, '00'],
      [200, '02'],
      [404, '01'],
      [400, '04'],
      [401, '97'],
      [401, '98'],
      [400, '99'],
      [503, '99'],
    ]);
  });
});

describe('sandbox adapter and the registry', () => {
  it('the sandbox signs its own callbacks and verifies them; the ledger answers status queries', async () => {
    const sandbox = new SandboxGateway(
      settings({
        id: 'sandbox',
        protocol: 'sandbox',
        merchantCode: 'LOCAL',
        localSecret: 'sandbox-secret-0000000',
      }),
      'sandbox-secret-0000000',
      {
        outcomeOf: async (code) =>
          code === 'PAID' ? { outcome: 'paid', amount: 5, transactionId: 'T' } : undefined,
      },
    );
    const request = sandbox.simulateCallback({ code: 'C1', amount: 58_000 }, 'paid', new Date());
    expect(sandbox.verifyCallback(request)).toMatchObject({
      ok: true,
      notification: { code: 'C1', amount: 58_000 },
    });
    const tampered = { ...request, rawBody: Buffer.from(request.rawBody.toString().replace('58000', '1')) };
    expect(sandbox.verifyCallback(tampered)).toMatchObject({ ok: false, reason: 'invalid-signature' });
    expect(await sandbox.queryStatus({ code: 'PAID' })).toMatchObject({ status: 'paid' });
    expect(await sandbox.queryStatus({ code: 'NONE' })).toMatchObject({ status: 'pending' });
  });

  it('a vendor adds a gateway by implementing the interface and registering its protocol', async () => {
    process.env.PAYMENT_GATEWAYS = JSON.stringify([
      { id: 'acme-pay', protocol: 'acme', merchantCode: 'M1', localSecret: 'acme-secret-00000000' },
    ]);
    try {
      await expect(gatewayById('acme-pay')).rejects.toThrow(/No adapter is registered for protocol "acme"/);
      registerGatewayProtocol('acme', (gatewaySettings, secret) => {
        const base = new SandboxGateway(gatewaySettings, secret, { outcomeOf: async () => undefined });
        return Object.assign(Object.create(base), { settings: gatewaySettings });
      });
      const adapter = await gatewayById('acme-pay');
      expect(adapter?.settings).toMatchObject({ id: 'acme-pay', protocol: 'acme' });
      expect(await gatewayById('unknown')).toBeUndefined();
    } finally {
      delete process.env.PAYMENT_GATEWAYS;
    }
  });

  it('a gateway has either a secret name (cloud) or a local secret', () => {
    expect(GatewaySettings.safeParse({ id: 'vnpay', protocol: 'vnpay', merchantCode: 'M' }).success).toBe(
      false,
    );
    expect(
      GatewaySettings.safeParse({
        id: 'vnpay',
        protocol: 'vnpay',
        merchantCode: 'M',
        secretName: 'vnpp/x/payment/v',
        localSecret: 'x'.repeat(16),
      }).success,
    ).toBe(false);
    expect(
      GatewaySettings.safeParse({
        id: 'vnpay',
        protocol: 'vnpay',
        merchantCode: 'M',
        payUrl: 'http://evil.example/pay',
        secretName: 's',
      }).success,
    ).toBe(false);
  });
});

describe('a gateway call whose outcome is unknown is told apart from a refusal', () => {
  let silent: Server;
  let silentUrl: string;
  let closedUrl: string;
  beforeAll(async () => {
    // Reads the request and never answers: the request arrived, the answer never comes.
    silent = createServer((request) => request.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/refund`;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/refund`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  });
  afterAll(() => {
    silent.closeAllConnections();
    silent.close();
  });

  it('a timeout after sending is an unknown outcome', async () => {
    const error = await postJson(silentUrl, { a: 1 }, 200).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayOutcomeUnknownError);
  });

  it('a refused connection is a plain failure: nothing reached the gateway', async () => {
    const error = await postJson(closedUrl, { a: 1 }, 2000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).not.toBeInstanceOf(GatewayOutcomeUnknownError);
  });

  it("a gateway's 5xx is an unknown outcome, a 4xx a refusal", () => {
    expect(gatewayStatusError('VNPay', 504)).toBeInstanceOf(GatewayOutcomeUnknownError);
    expect(gatewayStatusError('VNPay', 400)).not.toBeInstanceOf(GatewayOutcomeUnknownError);
    expect(gatewayStatusError('VNPay', 400)).toBeInstanceOf(GatewayError);
  });
});
