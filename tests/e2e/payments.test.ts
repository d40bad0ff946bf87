/**
 * Issue 7 acceptance, through the local runtime: payment requests, signed callbacks of each
 * gateway (VNPay IPN, national payment platform, sandbox), the dossier step that waits for payment,
 * exactly-once settlement under concurrent duplicate callbacks, and the receipt.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { outboxRecordsBetween } from '#shared/events/replay.ts';
import { signingCapability } from '#shared/signing/index.ts';
import { call } from '#tests/support/http.ts';
import {
  createFeeProcedure,
  getPayment,
  type Payment,
  paygovBody,
  paygovHeaders,
  receivedDossier,
  requestPayment,
  sendPaygov,
  sendVnpayIpn,
  TOTAL,
  vnpayIpn,
  vnpayQuery,
} from '#tests/support/payments.ts';

let procedureCode: string;
const started = new Date();

beforeAll(async () => {
  procedureCode = await createFeeProcedure();
});

const forward = (dossierId: string) =>
  call<{ reason?: string; status?: string }>('POST', `/v1/dossiers/${dossierId}/transitions`, {
    as: 'clerk.lienbao',
    body: { action: 'forward' },
  });

async function eventsOf(paymentId: string): Promise<string[]> {
  await call('POST', '/local/events/drain');
  const records = await outboxRecordsBetween(started, new Date(Date.now() + 60_000));
  return records
    .filter((record) => (JSON.parse(record.detail) as { entity: { id: string } }).entity.id === paymentId)
    .map((record) => record.detailType);
}

describe('payment requests', () => {
  it('are made from the procedure’s fee lines, once per dossier and purpose', async () => {
    const dossier = await receivedDossier(procedureCode);
    const payment = await requestPayment(dossier.id, 'vnpay');
    expect(payment).toMatchObject({ status: 'pending', amount: TOTAL, currency: 'VND', purpose: 'fees' });
    expect(payment.code).toMatch(/^TT\d{6}[0-9A-Z]{8}$/);
    const again = await requestPayment(dossier.id, 'vnpay', 200);
    expect(again.id).toBe(payment.id);

    // The redirect carries VNPay's parameters, signed with the merchant's secret.
    const url = new URL(payment.redirectUrl);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      vnp_Amount: String(TOTAL * 100),
      vnp_TxnRef: payment.code,
      vnp_Command: 'pay',
    });
    const { vnp_SecureHash, ...unsigned } = params;
    expect(vnpayQuery(unsigned)).toContain(`vnp_SecureHash=${vnp_SecureHash}`);
  });

  it('refuses a dossier of another citizen (404) and an unknown gateway (400, problem+json)', async () => {
    const dossier = await receivedDossier(procedureCode);
    const other = await call('POST', '/v1/payments', {
      as: 'citizen.an',
      body: { dossierId: dossier.id, gateway: 'vnpay' },
    });
    expect(other.status).toBe(404);
    const unknown = await call<{ errors: { path: string }[] }>('POST', '/v1/payments', {
      as: 'citizen.binh',
      body: { dossierId: dossier.id, gateway: 'nope' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(unknown.body.errors[0]!.path).toBe('body.gateway');
  });
});

describe('VNPay IPN', () => {
  it('good callback → paid, the dossier proceeds; forged, altered, unknown and replayed → per RspCode, state unchanged', async () => {
    const dossier = await receivedDossier(procedureCode);
    const payment = await requestPayment(dossier.id, 'vnpay');

    const blocked = await forward(dossier.id);
    expect(blocked.status).toBe(409);
    expect(blocked.body.reason).toBe('payment-required');

    // Forged: signed with another secret.
    const forged = await sendVnpayIpn(vnpayQuery(vnpayIpn(payment), 'SOMEONEELSESSECRET0000000000000000'));
    expect(forged.status).toBe(200);
    expect(forged.body.RspCode).toBe('97');
    // Amount altered after signing: the signature no longer matches.
    const tampered = vnpayQuery(vnpayIpn(payment)).replace(`vnp_Amount=${TOTAL * 100}`, 'vnp_Amount=100');
    expect((await sendVnpayIpn(tampered)).body.RspCode).toBe('97');
    // A different amount, correctly signed (e.g. a merchant bug): refused as an invalid amount.
    expect((await sendVnpayIpn(vnpayQuery(vnpayIpn(payment, { vnp_Amount: '100' })))).body.RspCode).toBe(
      '04',
    );
    // Unknown order.
    const unknown = await sendVnpayIpn(vnpayQuery(vnpayIpn({ code: 'TT000000AAAAAAAA', amount: TOTAL })));
    expect(unknown.body.RspCode).toBe('01');
    // Missing fields / garbage.
    expect((await sendVnpayIpn('vnp_TxnRef=%E0%A4%A')).body.RspCode).toBe('99');
    expect((await getPayment(payment.id)).status).toBe('pending');

    const good = await sendVnpayIpn(vnpayQuery(vnpayIpn(payment)));
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ RspCode: '00', Message: 'Confirm Success' });
    const paid = await getPayment(payment.id);
    expect(paid).toMatchObject({ status: 'paid', settledBy: 'callback', gatewayTransactionId: '14422574' });

    const replay = await sendVnpayIpn(vnpayQuery(vnpayIpn(payment)));
    expect(replay.body.RspCode).toBe('02');
    // A later "failed" notice for the same order changes nothing either.
    expect((await sendVnpayIpn(vnpayQuery(vnpayIpn(payment, { vnp_ResponseCode: '24' })))).body.RspCode).toBe(
      '02',
    );
    expect((await getPayment(payment.id)).version).toBe(paid.version);

    const proceeds = await forward(dossier.id);
    expect(proceeds.status, JSON.stringify(proceeds.body)).toBe(200);
    expect(await eventsOf(payment.id)).toEqual(['PaymentRequested', 'PaymentPaid']);
  });

  it('a failed payment can be retried with a new request', async () => {
    const dossier = await receivedDossier(procedureCode);
    const payment = await requestPayment(dossier.id, 'vnpay');
    const failed = await sendVnpayIpn(
      vnpayQuery(vnpayIpn(payment, { vnp_ResponseCode: '24', vnp_TransactionStatus: '02' })),
    );
    expect(failed.body.RspCode).toBe('00');
    expect(await getPayment(payment.id)).toMatchObject({ status: 'failed', failureCode: '24' });
    const retry = await requestPayment(dossier.id, 'vnpay');
    expect(retry.id).not.toBe(payment.id);
    expect((await forward(dossier.id)).status).toBe(409);
  });

  it('concurrent duplicate callbacks make one transition and one event', async () => {
    const dossier = await receivedDossier(procedureCode);
    const payment = await requestPayment(dossier.id, 'vnpay');
    const query = vnpayQuery(vnpayIpn(payment));
    const answers = await Promise.all(Array.from({ length: 8 }, () => sendVnpayIpn(query)));
    const codes = answers.map((answer) => answer.body.RspCode).sort();
    expect(codes).toEqual(['00', '02', '02', '02', '02', '02', '02', '02']);
    const paid = await getPayment(payment.id);
    expect(paid).toMatchObject({ status: 'paid', version: 2 });
    expect(await eventsOf(payment.id)).toEqual(['PaymentRequested', 'PaymentPaid']);
  });
});

describe('national payment platform callback', () => {
  it('good callback → paid; bad signature, stale, altered amount, unknown order, replay → per protocol, unchanged', async () => {
    const dossier = await receivedDossier(procedureCode);
    const payment = await requestPayment(dossier.id, 'paygov');
    const body = paygovBody(payment);

    const forged = await sendPaygov(body, paygovHeaders(body, undefined, 'another-secret-0000000000000000'));
    expect([forged.status, forged.body.MaLoi]).toEqual([401, '97']);
    const altered = paygovBody(payment, { SoTien: 1_000 });
    const tampered = await sendPaygov(altered, paygovHeaders(body));
    expect([tampered.status, tampered.body.MaLoi]).toEqual([401, '97']);
    const stale = await sendPaygov(body, paygovHeaders(body, Math.floor(Date.now() / 1000) - 3600));
    expect([stale.status, stale.body.MaLoi]).toEqual([401, '98']);
    const wrongAmount = await sendPaygov(altered, paygovHeaders(altered));
    expect([wrongAmount.status, wrongAmount.body.MaLoi]).toEqual([400, '04']);
    const otherCurrency = paygovBody(payment, { MaTienTe: 'USD' });
    expect((await sendPaygov(otherCurrency, paygovHeaders(otherCurrency))).body.MaLoi).toBe('04');
    const unknownBody = paygovBody({ code: 'TT000000BBBBBBBB', amount: TOTAL });
    const unknown = await sendPaygov(unknownBody, paygovHeaders(unknownBody));
    expect([unknown.status, unknown.body.MaLoi]).toEqual([404, '01']);
    const notJson = '{"MaTraCuuTT":';
    expect((await sendPaygov(notJson, paygovHeaders(notJson))).body.MaLoi).toBe('99');
    const asGet = await call<{ MaLoi: string }>('GET', '/v1/payments/callbacks/paygov');
    expect([asGet.status, asGet.body.MaLoi]).toEqual([405, '99']);
    expect((await getPayment(payment.id)).status).toBe('pending');

    const good = await sendPaygov(body, paygovHeaders(body));
    expect([good.status, good.body.MaLoi]).toEqual([200, '00']);
    const paid = await getPayment(payment.id);
    expect(paid).toMatchObject({ status: 'paid', gatewayTransactionId: `PG-${payment.code}` });
    const replay = await sendPaygov(body, paygovHeaders(body));
    expect([replay.status, replay.body.MaLoi]).toEqual([200, '02']);
    expect((await getPayment(payment.id)).version).toBe(paid.version);
    expect((await forward(dossier.id)).status).toBe(200);
  });

  it('an unknown gateway answers 404 problem+json, never 500', async () => {
    const response = await call('POST', '/v1/payments/callbacks/no-such-gateway', { rawBody: '{}' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('sandbox gateway and receipts', () => {
  it('a tester pays on the sandbox page; the payer downloads a Vietnamese PDF receipt sealed by the agency', async () => {
    const dossier = await receivedDossier(procedureCode);
    const payment = await requestPayment(dossier.id, 'sandbox');
    const pageUrl = new URL(payment.redirectUrl);
    const form = await call('GET', `${pageUrl.pathname}${pageUrl.search}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain(payment.code);
    expect(form.text).toContain('58.000 đồng');

    const paid = await call('POST', '/v1/payments/sandbox', {
      rawBody: `code=${payment.code}&outcome=paid`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(paid.status).toBe(200);
    expect(paid.text).toContain('Callback: confirmed');
    expect((await getPayment(payment.id)).status).toBe('paid');

    const other = await call('GET', `/v1/payments/${payment.id}/receipt?redirect=false`, {
      as: 'citizen.an',
    });
    expect(other.status).toBe(404);
    const link = await call<{ url: string }>('GET', `/v1/payments/${payment.id}/receipt?redirect=false`, {
      as: 'citizen.binh',
    });
    expect(link.status, JSON.stringify(link.body)).toBe(200);
    const pdf = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8');
    expect(text).toContain('BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ');
    expect(text).toContain('Người nộp: Trần Thị Bình');
    expect(text).toContain('Tổng cộng: 58.000 đồng');
    expect(text).toContain(payment.code);
    expect((await getPayment(payment.id)).receipt).toMatchObject({ number: payment.code, sealed: true });
    // Sealed by the collecting agency (PAdES, organization certificate of the local test PKI).
    const report = await signingCapability().verifyPdf(pdf);
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.signatures).toHaveLength(1);
    expect(report.signatures[0]!.signer.kind).toBe('organization');
  });

  it('no receipt before payment (409); a pending payment can be cancelled, then requested again', async () => {
    const dossier = await receivedDossier(procedureCode);
    const payment = await requestPayment(dossier.id, 'sandbox');
    const early = await call('GET', `/v1/payments/${payment.id}/receipt?redirect=false`, {
      as: 'citizen.binh',
    });
    expect(early.status).toBe(409);
    const cancelled = await call<Payment>('POST', `/v1/payments/${payment.id}/cancel`, {
      as: 'citizen.binh',
    });
    expect(cancelled.body.status).toBe('cancelled');
    // A callback arriving after cancellation changes nothing.
    const page = await call('POST', '/v1/payments/sandbox', {
      rawBody: `code=${payment.code}&outcome=paid`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(page.text).toContain('Callback: already-confirmed');
    expect((await getPayment(payment.id)).status).toBe('cancelled');
    const again = await requestPayment(dossier.id, 'sandbox');
    expect(again.id).not.toBe(payment.id);
    const payments = await call<{ items: Payment[] }>('GET', `/v1/dossiers/${dossier.id}/payments`, {
      as: 'citizen.binh',
    });
    expect(payments.body.items.map((item) => item.status)).toEqual(['cancelled', 'pending']);
  });
});
