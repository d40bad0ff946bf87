/**
 * Issue 7 acceptance, jobs: the re-check of pending payments (a lost callback is found by querying
 * the gateway; an unpaid payment expires) and the daily reconciliation, whose report for a statement
 * with a missing, an extra and a mismatched transaction names exactly those three. On a platform of
 * the test's own, so the domain clock can move and no other test's payments are re-checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { statementKey } from '#shared/payments/jobs.ts';
import { s3Client } from '#shared/platform/aws-clients.ts';
import { setClock } from '#shared/platform/clock.ts';
import { ENV, requireEnv } from '#shared/platform/env.ts';
import { type OwnPlatform, startOwnPlatform } from '#tests/support/own-platform.ts';
import { FEES, type Payment, TOTAL } from '#tests/support/payments.ts';
import { receiveStep, testProcedure } from '#tests/support/procedures.ts';

const ict = (local: string) => new Date(`${local}+07:00`);
const DAY = '2031-05-20';
const createdAt = ict(`${DAY}T09:00:00`);
const procedureCode = 'VP-test-phi-jobs';

let platform: OwnPlatform;

beforeAll(async () => {
  platform = await startOwnPlatform({ prefix: 'payment-jobs' });
  setClock(createdAt, { frozen: true });
  const created = await platform.call('POST', '/v1/procedures', {
    as: 'admin.province',
    body: testProcedure({
      code: procedureCode,
      name: 'Thủ tục có phí (đối soát)',
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
});

async function dossierWithPayment(): Promise<{ dossierId: string; payment: Payment }> {
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
      form: { reason: 'Đối soát thanh toán' },
      delivery: { method: 'online' },
    },
  });
  expect(submitted.status).toBe(201);
  const received = await platform.call('POST', `/v1/dossiers/${submitted.body.id}/transitions`, {
    as: 'clerk.lienbao',
    body: { action: 'receive' },
  });
  expect(received.status).toBe(200);
  const payment = await platform.call<Payment>('POST', '/v1/payments', {
    as: 'citizen.binh',
    body: { dossierId: submitted.body.id, gateway: 'sandbox' },
  });
  expect(payment.status).toBe(201);
  return { dossierId: submitted.body.id, payment: payment.body };
}

/** The tester's choice on the sandbox gateway's page. */
async function sandbox(code: string, outcome: 'paid' | 'failed' | 'paid-no-callback') {
  const response = await fetch(`${platform.baseUrl}/v1/payments/sandbox`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `code=${code}&outcome=${outcome}`,
  });
  expect(response.status).toBe(200);
}

const paymentOf = async (id: string) =>
  (await platform.call<Payment>('GET', `/v1/payments/${id}`, { as: 'clerk.lienbao' })).body;

const runWorker = async (id: string) =>
  (await platform.call<{ result: Record<string, number> }>('POST', `/local/workers/${id}/run`)).body.result;

const payments: Record<'a' | 'b' | 'c' | 'lost' | 'abandoned', { dossierId: string; payment: Payment }> =
  {} as never;

describe('re-check of pending payments', () => {
  it('finds a payment whose callback was lost after 15 minutes, and expires an abandoned one', async () => {
    for (const name of ['a', 'b', 'c', 'lost', 'abandoned'] as const)
      payments[name] = await dossierWithPayment();
    for (const name of ['a', 'b', 'c'] as const) await sandbox(payments[name].payment.code, 'paid');
    await sandbox(payments.lost.payment.code, 'paid-no-callback');
    expect((await paymentOf(payments.lost.payment.id)).status).toBe('pending');

    // Younger than 15 minutes: not queried yet.
    setClock(new Date(createdAt.getTime() + 10 * 60_000), { frozen: true });
    expect(await runWorker('payments-recheck')).toMatchObject({ checked: 0 });

    setClock(new Date(createdAt.getTime() + 20 * 60_000), { frozen: true });
    expect(await runWorker('payments-recheck')).toMatchObject({
      checked: 2,
      paid: 1,
      unchanged: 1,
      errors: 0,
    });
    expect(await paymentOf(payments.lost.payment.id)).toMatchObject({ status: 'paid', settledBy: 'recheck' });
    const proceeds = await platform.call('POST', `/v1/dossiers/${payments.lost.dossierId}/transitions`, {
      as: 'clerk.lienbao',
      body: { action: 'forward' },
    });
    expect(proceeds.status).toBe(200);

    setClock(new Date(createdAt.getTime() + 31 * 60_000), { frozen: true });
    expect(await runWorker('payments-recheck')).toMatchObject({ checked: 1, expired: 1 });
    expect(await paymentOf(payments.abandoned.payment.id)).toMatchObject({
      status: 'expired',
      settledBy: 'expiry',
    });
    expect(await runWorker('payments-recheck')).toMatchObject({ checked: 0 });
  }, 120_000);
});

describe('daily reconciliation', () => {
  it('reports exactly the missing, the extra and the mismatched transaction of a statement', async () => {
    const a = await paymentOf(payments.a.payment.id);
    const b = await paymentOf(payments.b.payment.id);
    const lost = await paymentOf(payments.lost.payment.id);
    const c = payments.c.payment;
    // The statement: a and lost as recorded, b with another amount, c missing, one unknown order.
    const csv = [
      'order_ref,transaction_id,amount,currency,status,paid_at',
      `${a.code},${a.gatewayTransactionId},${TOTAL},VND,paid,${a.paidAt}`,
      `${b.code},${b.gatewayTransactionId},50000,VND,paid,${b.paidAt}`,
      `${lost.code},${lost.gatewayTransactionId},${TOTAL},VND,paid,${lost.paidAt}`,
      `TT310520ZZZZZZZZ,SB999,${TOTAL},VND,paid,2031-05-20T02:30:00Z`,
    ].join('\n');
    await s3Client().putObject(requireEnv(ENV.filesBucket), statementKey('sandbox', DAY), csv, {
      contentType: 'text/csv',
    });
    type Report = {
      gateway: string;
      statementFound: boolean;
      matched: number;
      missing: { code: string }[];
      extra: { code: string }[];
      mismatched: { code: string; fields: { field: string; ours: string; theirs: string }[] }[];
      duplicates: string[];
      issues: unknown[];
    };
    const forbidden = await platform.call('POST', `/v1/payments/reconciliations/${DAY}`, {
      as: 'clerk.lienbao',
    });
    expect(forbidden.status).toBe(403);
    const run = await platform.call<{ items: Report[] }>('POST', `/v1/payments/reconciliations/${DAY}`, {
      as: 'admin.province',
    });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    const report = run.body.items.find((item) => item.gateway === 'sandbox')!;
    expect(report).toMatchObject({
      statementFound: true,
      matched: 2,
      missing: [{ code: c.code }],
      extra: [{ code: 'TT310520ZZZZZZZZ' }],
      mismatched: [{ code: b.code, fields: [{ field: 'amount', ours: String(TOTAL), theirs: '50000' }] }],
      duplicates: [],
      issues: [],
    });
    // Gateways without a statement that day and without payments: nothing to report.
    for (const other of run.body.items.filter((item) => item.gateway !== 'sandbox')) {
      expect(other).toMatchObject({
        statementFound: false,
        matched: 0,
        missing: [],
        extra: [],
        mismatched: [],
      });
    }
    const stored = await platform.call<{ items: Report[] }>('GET', `/v1/payments/reconciliations/${DAY}`, {
      as: 'auditor.province',
    });
    expect(stored.body.items.find((item) => item.gateway === 'sandbox')).toEqual(report);
    const badDay = await platform.call('GET', '/v1/payments/reconciliations/2031-02-30', {
      as: 'auditor.province',
    });
    expect(badDay.status).toBe(400);
  }, 120_000);

  it('the daily job reconciles yesterday', async () => {
    setClock(ict('2031-05-21T02:00:00'), { frozen: true });
    expect(await runWorker('payments-reconcile')).toMatchObject({ day: DAY, gateways: 3, clean: false });
  }, 120_000);
});
