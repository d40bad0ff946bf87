/**
 * Payment concurrency properties (issue 10): fast-check's scheduler orders the SDK requests of
 * everything that can race on one payment, run through the real Lambda handlers in this process:
 * duplicate signed gateway callbacks (sandbox, VNPay IPN, national platform), the payments-recheck
 * worker (finding it paid, failed, or past its expiry), cancelling by the payer or the clerk, refunds
 * (whole, partial, more than paid) and a second request for the same dossier and purpose. The domain
 * clock stands before the re-check age, between it and the expiry, or past the expiry. Properties:
 * - the payment leaves `pending` at most once: one settlement in the audit trail, one settlement
 *   event in the outbox (one PaymentPaid exactly when it ended paid), and exactly one request says it
 *   made that move (callback "confirmed", re-check count, cancel 200); the others "already confirmed"/409;
 * - the outcome is the domain's (docs/payments.md): paid when a paid signal arrives and nothing can
 *   close it first; never paid without one; failed / cancelled / expired likewise;
 * - the dossier records the payment once (its `payment`, its version) and its `requiresPayment`
 *   step can be finished exactly when the payment is paid (not pending, not refunded);
 * - a refund happens once, never more than paid, and the gateway is asked to refund exactly when the
 *   payment ends refunded (never twice: concurrent refunds reserve it first);
 * - a second request answers the live payment or makes one new attempt after a closed one;
 * - no request answers 5xx, no callback answers the protocol's "error", the re-check reports no error.
 *
 * On a platform of the test's own (its own table: the re-check worker sees only these payments).
 * Runs: PROOF_RUNS (default 12); seed: PROOF_SEED (fast-check prints it on failure).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as callbacksHandler } from '#functions/payment-callbacks/api.ts';
import { handler as paymentsHandler } from '#functions/payments/api.ts';
import { handler as recheckHandler } from '#functions/payments/recheck.ts';
import { lambdaContext } from '#infra/local/apigw.ts';
import { LOCAL_PAYMENT_SECRETS } from '#infra/local/payment-gateways.ts';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { listEntityAudit } from '#shared/audit/repository.ts';
import { applyTransition, requireDossier } from '#shared/dossiers/repository.ts';
import { outboxRecordsBetween } from '#shared/events/replay.ts';
import { changeContextOf } from '#shared/http/api-handler.ts';
import type { Principal } from '#shared/http/auth.ts';
import { HttpProblem } from '#shared/http/errors.ts';
import { GatewayError, GatewayOutcomeUnknownError } from '#shared/payments/gateways/gateway.ts';
import { SandboxGateway } from '#shared/payments/gateways/sandbox.ts';
import type { RecheckSummary } from '#shared/payments/jobs.ts';
import { paymentIndexKeys, paymentKey } from '#shared/payments/keys.ts';
import { PAYMENT_TTL_MINUTES, RECHECK_AFTER_MINUTES } from '#shared/payments/payment.ts';
import { getPayment, paymentsOfDossier, settle } from '#shared/payments/repository.ts';
import { recordSandboxOutcome } from '#shared/payments/sandbox-ledger.ts';
import { ddb, setAwsClientHook } from '#shared/platform/aws-clients.ts';
import { now, resetClock, setClock } from '#shared/platform/clock.ts';
import { tableName } from '#shared/platform/table.ts';
import { gatedRequests } from '#tests/support/fault-injection.ts';
import { type OwnPlatform, startOwnPlatform } from '#tests/support/own-platform.ts';
import {
  FEES,
  type Payment,
  paygovBody,
  paygovHeaders,
  receivedDossier,
  requestPayment,
  TOTAL,
  vnpayIpn,
  vnpayQuery,
} from '#tests/support/payments.ts';
import { receiveStep, testProcedure } from '#tests/support/procedures.ts';

const RUNS = Number(process.env.PROOF_RUNS ?? 12);
const SEED = process.env.PROOF_SEED ? Number(process.env.PROOF_SEED) : undefined;
const settings = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true };

let platform: OwnPlatform;
const procedureCode = `VP-proof-phi-${randomUUID().slice(0, 8)}`;
const tokens = new Map<string, string>();
/** Gateway refunds asked for, by payment code. */
const gatewayRefunds = new Map<string, number>();

/** The operations of the run in progress; only their SDK requests wait at the gate. */
const lane = new AsyncLocalStorage<true>();
let scheduler: fc.Scheduler | undefined;

beforeAll(async () => {
  platform = await startOwnPlatform({ engines: 'external', prefix: `payprop-${Date.now().toString(36)}` });
  for (const username of ['citizen.binh', 'clerk.lienbao', 'leader.lienbao']) {
    const user = platform.province.demoUsers.find((candidate) => candidate.username === username)!;
    tokens.set(username, await platform.issuer.mint(user, { expiresInSeconds: 86_400 }));
  }
  const created = await platform.call('POST', '/v1/procedures', {
    as: 'admin.province',
    body: testProcedure({
      code: procedureCode,
      name: 'Thủ tục có phí (kiểm chứng đồng thời)',
      fees: FEES,
      workflow: [
        { ...receiveStep, requiresPayment: true },
        { id: 'xu-ly', name: 'Xử lý', agency: { kind: 'receiving' }, role: 'leader', workingDays: 2 },
      ],
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const refund = SandboxGateway.prototype.refund;
  vi.spyOn(SandboxGateway.prototype, 'refund').mockImplementation(async function (
    this: SandboxGateway,
    payment,
  ) {
    gatewayRefunds.set(payment.code, (gatewayRefunds.get(payment.code) ?? 0) + 1);
    return refund.call(this, payment);
  });
  setAwsClientHook(
    gatedRequests(async (label) => {
      if (scheduler && lane.getStore()) await scheduler.schedule(Promise.resolve(label), label);
    }),
  );
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  setAwsClientHook(undefined);
  await platform?.stop();
});

// --- the real handlers, invoked in this process --------------------------------------------------

type Lambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function invoke(
  handler: unknown,
  name: string,
  method: string,
  route: string,
  path: string,
  options: {
    params?: Record<string, string>;
    as?: string;
    body?: string;
    rawQuery?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.authorization = `Bearer ${tokens.get(options.as)}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const routeKey = `${method} ${route}`;
  const event = {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: options.rawQuery ?? '',
    headers,
    ...(options.rawQuery
      ? { queryStringParameters: Object.fromEntries(new URLSearchParams(options.rawQuery)) }
      : {}),
    ...(options.params ? { pathParameters: options.params } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'proof' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
  const result = await (handler as Lambda)(event, lambdaContext(name));
  const text = typeof result.body === 'string' ? result.body : '';
  return {
    status: result.statusCode ?? 200,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const paymentsApi = (method: string, route: string, path: string, options: Parameters<typeof invoke>[5]) =>
  invoke(paymentsHandler, 'payments', method, route, path, options);

/** A valid callback of the payment's gateway, signed as the gateway signs it (tests/support/payments.ts). */
async function callback(payment: Payment, outcome: 'paid' | 'failed'): Promise<Answer & { said: string }> {
  const route = '/v1/payments/callbacks/{gateway}';
  const path = `/v1/payments/callbacks/${payment.gateway}`;
  const params = { gateway: payment.gateway };
  let answer: Answer;
  if (payment.gateway === 'vnpay') {
    const failed: Record<string, string> =
      outcome === 'failed' ? { vnp_ResponseCode: '24', vnp_TransactionStatus: '02' } : {};
    answer = await invoke(callbacksHandler, 'payment-callbacks', 'GET', route, path, {
      params,
      rawQuery: vnpayQuery(vnpayIpn(payment, failed)),
    });
    return { ...answer, said: String(answer.body.RspCode) };
  }
  if (payment.gateway === 'paygov') {
    const body = paygovBody(payment, outcome === 'failed' ? { TrangThai: '05' } : {});
    // Signed "now" as the domain sees it (the platform checks the timestamp against its clock).
    const headers = paygovHeaders(body, Math.floor(now().getTime() / 1000));
    answer = await invoke(callbacksHandler, 'payment-callbacks', 'POST', route, path, {
      params,
      body,
      headers,
    });
    return { ...answer, said: String(answer.body.MaLoi) };
  }
  const body = JSON.stringify({
    code: payment.code,
    outcome,
    amount: payment.amount,
    currency: 'VND',
    transactionId: `SB-${payment.code}`,
  });
  const signature = createHmac('sha256', LOCAL_PAYMENT_SECRETS.sandbox).update(body, 'utf8').digest('hex');
  answer = await invoke(callbacksHandler, 'payment-callbacks', 'POST', route, path, {
    params,
    body,
    headers: { 'x-sandbox-signature': signature },
  });
  return { ...answer, said: String(answer.body.result) };
}

/** What a callback answer says, across protocols. */
const CONFIRMED = new Set(['00', 'confirmed']);
const ALREADY = new Set(['02', 'already-confirmed']);

// --- the property ---------------------------------------------------------------------------------

type Op =
  | { kind: 'callback' }
  | { kind: 'recheck' }
  | { kind: 'cancel'; as: 'citizen.binh' | 'clerk.lienbao' }
  | { kind: 'refund'; amount: 'whole' | 'part' | 'over' }
  | { kind: 'request' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'callback' as const }) },
  fc.constant({ kind: 'recheck' as const }),
  fc.record({ kind: fc.constant('cancel' as const), as: fc.constantFrom('citizen.binh', 'clerk.lienbao') }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      amount: fc.constantFrom('whole', 'part', 'over'),
    }),
  },
  fc.constant({ kind: 'request' as const }),
);

interface Scenario {
  readonly gateway: 'sandbox' | 'vnpay' | 'paygov';
  /** What the payer did at the gateway (`none`: abandoned; the gateway sends no callback). */
  readonly outcome: 'paid' | 'failed' | 'none';
  /** Minutes since the request when the operations run. */
  readonly elapsed: number;
  /** A paid callback was handled before the operations (so refunds race each other). */
  readonly paidBefore: boolean;
  readonly ops: readonly Op[];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    // The sandbox (re-check answers, refunds) and a paid outcome are drawn half the time.
    gateway: fc.constantFrom('sandbox', 'sandbox', 'vnpay', 'paygov'),
    outcome: fc.constantFrom('paid', 'paid', 'failed', 'none'),
    elapsed: fc.constantFrom(1, RECHECK_AFTER_MINUTES + 5, PAYMENT_TTL_MINUTES + 10),
    paidBefore: fc.boolean(),
    ops: fc.array(opArb, { minLength: 2, maxLength: 6 }),
  })
  .map((scenario) => ({
    ...scenario,
    paidBefore: scenario.paidBefore && scenario.outcome === 'paid',
    // A gateway sends callbacks only for an outcome; only the sandbox refunds locally (no apiUrl).
    ops: scenario.ops.filter(
      (op) =>
        (op.kind !== 'callback' || scenario.outcome !== 'none') &&
        (op.kind !== 'refund' || scenario.gateway === 'sandbox'),
    ),
  }))
  .filter((scenario) => scenario.ops.length >= 2);

const clerk: Principal = {
  sub: 'clerk-lienbao-proof',
  username: 'clerk.lienbao',
  roles: ['clerk'],
  agencyCode: demoAgencies.lienBao,
};

async function paymentOfNewDossier(gateway: string): Promise<{ dossierId: string; payment: Payment }> {
  const dossier = await receivedDossier(procedureCode, platform.call);
  return { dossierId: dossier.id, payment: await requestPayment(dossier.id, gateway, 201, platform.call) };
}

type Result =
  | { op: Op; kind: 'answer'; answer: Answer & { said?: string } }
  | { op: Op; kind: 'recheck'; summary: RecheckSummary };

const SETTLEMENTS = ['payment.paid', 'payment.failed', 'payment.expired', 'payment.cancelled'];
const SETTLEMENT_EVENTS: Record<string, string> = {
  paid: 'PaymentPaid',
  refunded: 'PaymentPaid',
  failed: 'PaymentFailed',
  expired: 'PaymentExpired',
  cancelled: 'PaymentCancelled',
};

describe('one payment under scheduled interleavings', () => {
  it('settles at most once, as the domain says; the dossier, audit, outbox and refunds agree', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), scenarioArb, async (s, scenario) => {
        const { gateway, outcome, elapsed, paidBefore, ops } = scenario;
        const createdAt = new Date();
        setClock(createdAt, { frozen: true });
        try {
          const { dossierId, payment } = await paymentOfNewDossier(gateway);
          if (outcome !== 'none' && gateway === 'sandbox') {
            await recordSandboxOutcome(payment.code, {
              outcome,
              amount: payment.amount,
              transactionId: 'SB1',
            });
          }
          if (paidBefore) expect(CONFIRMED.has((await callback(payment, 'paid')).said)).toBe(true);
          setClock(new Date(createdAt.getTime() + elapsed * 60_000), { frozen: true });

          const run = (op: Op): Promise<Result> => {
            switch (op.kind) {
              case 'callback':
                return callback(payment, outcome === 'failed' ? 'failed' : 'paid').then((answer) => ({
                  op,
                  kind: 'answer',
                  answer,
                }));
              case 'recheck':
                return (recheckHandler() as Promise<RecheckSummary>).then((summary) => ({
                  op,
                  kind: 'recheck',
                  summary,
                }));
              case 'cancel':
                return paymentsApi('POST', '/v1/payments/{id}/cancel', `/v1/payments/${payment.id}/cancel`, {
                  params: { id: payment.id },
                  as: op.as,
                }).then((answer) => ({ op, kind: 'answer', answer }));
              case 'refund': {
                const amount = { whole: undefined, part: TOTAL - 8_000, over: TOTAL + 1 }[op.amount];
                return paymentsApi('POST', '/v1/payments/{id}/refund', `/v1/payments/${payment.id}/refund`, {
                  params: { id: payment.id },
                  as: 'leader.lienbao',
                  body: JSON.stringify({ ...(amount ? { amount } : {}), reason: 'Hoàn phí kiểm chứng' }),
                }).then((answer) => ({ op, kind: 'answer', answer }));
              }
              case 'request':
                return paymentsApi('POST', '/v1/payments', '/v1/payments', {
                  as: 'citizen.binh',
                  body: JSON.stringify({ dossierId, gateway }),
                }).then((answer) => ({ op, kind: 'answer', answer }));
            }
          };

          scheduler = s;
          let settled: PromiseSettledResult<Result>[];
          try {
            settled = await s.waitFor(Promise.allSettled(ops.map((op) => lane.run(true, () => run(op)))));
            expect(s.report().length).toBeGreaterThanOrEqual(ops.length);
          } finally {
            scheduler = undefined;
            // A group commit started by an operation may still be writing changes of the event
            // consumers (same agency chain): let its requests through, or the chain waits forever.
            await s.waitAll();
          }

          // No request fails: no 5xx, no protocol "error", no re-check error.
          for (const result of settled) {
            expect(result.status, String((result as PromiseRejectedResult).reason)).toBe('fulfilled');
          }
          const results = settled.map((result) => (result as PromiseFulfilledResult<Result>).value);
          const answers = (kind: Op['kind']) =>
            results.flatMap((result) =>
              result.op.kind === kind && result.kind === 'answer' ? [result] : [],
            );
          for (const result of results) {
            if (result.kind === 'answer') {
              expect(
                result.answer.status,
                `${result.op.kind}: ${JSON.stringify(result.answer.body)}`,
              ).toBeLessThan(500);
            } else expect(result.summary.errors).toBe(0);
          }
          for (const { answer } of answers('callback')) {
            expect(CONFIRMED.has(answer.said!) || ALREADY.has(answer.said!), answer.said).toBe(true);
          }

          const final = (await getPayment(payment.id))!;
          const paid = final.status === 'paid' || final.status === 'refunded';

          // Audit: requested once, at most one settlement (one exactly when it left pending), one refund.
          const audit = (await listEntityAudit({ entityId: payment.id, limit: 50 })).items.map(
            (r) => r.action,
          );
          expect(audit.filter((action) => action === 'payment.requested')).toHaveLength(1);
          const settlements = audit.filter((action) => SETTLEMENTS.includes(action));
          expect(settlements).toEqual(
            final.status === 'pending' ? [] : [`payment.${paid ? 'paid' : final.status}`],
          );
          expect(audit.filter((action) => action === 'payment.refunded')).toHaveLength(
            final.status === 'refunded' ? 1 : 0,
          );

          // Outbox: the same, as events.
          const outbox = await outboxRecordsBetween(
            new Date(createdAt.getTime() - 1000),
            new Date(now().getTime() + 60_000),
          );
          const events = outbox
            .filter(
              (record) => (JSON.parse(record.detail) as { entity: { id: string } }).entity.id === payment.id,
            )
            .map((record) => record.detailType);
          expect(events.filter((type) => type === 'PaymentRequested')).toHaveLength(1);
          expect(events.filter((type) => type !== 'PaymentRequested' && type !== 'PaymentRefunded')).toEqual(
            final.status === 'pending' ? [] : [SETTLEMENT_EVENTS[final.status]],
          );
          expect(events.filter((type) => type === 'PaymentPaid')).toHaveLength(paid ? 1 : 0);
          expect(events.filter((type) => type === 'PaymentRefunded')).toHaveLength(
            final.status === 'refunded' ? 1 : 0,
          );

          // Exactly one request says it made the move; the others were told it was made.
          const confirmed = answers('callback').filter(({ answer }) => CONFIRMED.has(answer.said!)).length;
          expect(confirmed).toBe(final.settledBy === 'callback' && !paidBefore ? 1 : 0);
          const rechecked = results.reduce(
            (sum, result) =>
              result.kind === 'recheck'
                ? sum + result.summary.paid + result.summary.failed + result.summary.expired
                : sum,
            0,
          );
          expect(rechecked).toBe(final.settledBy === 'recheck' || final.settledBy === 'expiry' ? 1 : 0);
          const cancels = answers('cancel').map(({ answer }) => answer.status);
          expect(cancels.filter((status) => status === 200)).toHaveLength(
            final.status === 'cancelled' ? 1 : 0,
          );
          expect(cancels.every((status) => status === 200 || status === 409)).toBe(true);

          // The domain's outcome.
          const has = (kind: Op['kind']) => ops.some((op) => op.kind === kind);
          const rechecks = has('recheck') && elapsed > RECHECK_AFTER_MINUTES;
          const pastExpiry = elapsed >= PAYMENT_TTL_MINUTES;
          const gatewayAnswers = gateway === 'sandbox' && outcome !== 'none';
          const signal = outcome !== 'none' && (has('callback') || (rechecks && gatewayAnswers));
          const closers = has('cancel') || (pastExpiry && (has('request') || (rechecks && !gatewayAnswers)));
          if (paidBefore) expect(paid).toBe(true);
          else {
            // Never paid (or failed) without the gateway saying so.
            if (outcome !== 'paid' || !signal) expect(paid).toBe(false);
            if (outcome !== 'failed' || !signal) expect(final.status).not.toBe('failed');
            if (signal && !closers) {
              // A paid / failed signal and nothing to close the payment first: the signal's outcome.
              if (outcome === 'failed') expect(final.status).toBe('failed');
              else expect(final.status).toBe(has('refund') ? final.status : 'paid');
              expect(paid).toBe(outcome === 'paid');
            }
            if (!signal) {
              // Only closers (cancel, expiry) can move it; which one wins is the interleaving's.
              const expires = pastExpiry && (has('request') || rechecks);
              const possible = [...(has('cancel') ? ['cancelled'] : []), ...(expires ? ['expired'] : [])];
              expect(possible.length ? possible : ['pending']).toContain(final.status);
            }
          }

          // The dossier: the payment recorded once; its paid step can be finished exactly when paid.
          const dossier = await requireDossier(dossierId);
          expect(dossier.version).toBe(2 + (paid ? 1 : 0) + (final.status === 'refunded' ? 1 : 0));
          if (paid) {
            expect(dossier.payment).toMatchObject({
              paymentId: payment.id,
              amount: payment.amount,
              status: final.status,
            });
          } else expect(dossier.payment).toBeUndefined();
          const forward = await applyTransition({
            id: dossierId,
            transition: { action: 'forward' },
            principal: clerk,
            context: changeContextOf(clerk, `forward-${randomUUID()}`),
            ifMatch: undefined,
            authorize: async () => undefined,
          }).then(
            () => 'forwarded',
            (error: unknown) => {
              expect(error).toBeInstanceOf(HttpProblem);
              expect((error as HttpProblem).extensions).toMatchObject({ reason: 'payment-required' });
              return 'payment-required';
            },
          );
          expect(forward).toBe(final.status === 'paid' ? 'forwarded' : 'payment-required');

          // Refunds: once, never more than paid, the gateway asked exactly when it ended refunded.
          const refunds = answers('refund');
          expect(refunds.filter(({ answer }) => answer.status === 200)).toHaveLength(
            final.status === 'refunded' ? 1 : 0,
          );
          for (const { op, answer } of refunds) {
            if (op.kind === 'refund' && op.amount === 'over') expect([400, 409]).toContain(answer.status);
            else expect([200, 409]).toContain(answer.status);
          }
          if (final.refund) expect(final.refund.amount).toBeLessThanOrEqual(final.amount);
          expect(gatewayRefunds.get(payment.code) ?? 0, 'refunds asked of the gateway').toBe(
            final.status === 'refunded' ? 1 : 0,
          );

          // Second requests: the live payment again, or one new attempt after a closed one.
          const all = await paymentsOfDossier(dossierId);
          const requests = answers('request').map(({ answer }) => answer);
          for (const answer of requests) expect([200, 201]).toContain(answer.status);
          const created = requests.filter((answer) => answer.status === 201);
          expect(created.length).toBeLessThanOrEqual(1);
          expect(all).toHaveLength(1 + created.length);
          if (created.length) expect(['failed', 'expired', 'cancelled']).toContain(final.status);
          const ids = new Set(all.map((each) => each.id));
          for (const answer of requests) expect(ids.has(String(answer.body.id))).toBe(true);
          expect(all.filter((each) => ['pending', 'paid'].includes(each.status)).length).toBeLessThanOrEqual(
            1,
          );

          // Leave nothing pending for the next run's re-check.
          for (const each of all) {
            if (each.status === 'pending') {
              await settle(
                each,
                'cancelled',
                { settledBy: 'request' },
                changeContextOf(clerk, 'proof-cleanup'),
              );
            }
          }
        } finally {
          resetClock();
        }
      }),
      settings,
    );
  }, 240_000);

  it('holds a refund whose gateway answer was lost (never asked twice); releases one the gateway refused', async () => {
    const refund = vi.mocked(SandboxGateway.prototype.refund);
    const ask = (id: string) =>
      platform.call('POST', `/v1/payments/${id}/refund`, {
        as: 'leader.lienbao',
        body: { reason: 'Hồ sơ bị từ chối' },
      });

    const lost = (await paymentOfNewDossier('sandbox')).payment;
    expect((await callback(lost, 'paid')).said).toBe('confirmed');
    refund.mockImplementationOnce(async () => {
      throw new GatewayOutcomeUnknownError('The gateway did not answer: timeout');
    });
    const first = await ask(lost.id);
    expect(first.status, JSON.stringify(first.body)).toBe(503);
    expect(first.headers.get('content-type')).toContain('application/problem+json');
    const asked = gatewayRefunds.get(lost.code) ?? 0;
    const again = await ask(lost.id);
    expect(again.status, JSON.stringify(again.body)).toBe(409);
    expect(gatewayRefunds.get(lost.code) ?? 0).toBe(asked); // the gateway is not asked a second time
    expect((await getPayment(lost.id))?.status).toBe('paid');

    const refused = (await paymentOfNewDossier('sandbox')).payment;
    expect((await callback(refused, 'paid')).said).toBe('confirmed');
    refund.mockImplementationOnce(async () => {
      throw new GatewayError('VNPay refused the refund (94: duplicate)');
    });
    expect((await ask(refused.id)).status).toBe(503);
    const retried = await ask(refused.id);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect((await getPayment(refused.id))?.status).toBe('refunded');
  });

  it('keeps a receipt recorded while a refund is in flight (the refund updates, it does not replace)', async () => {
    const { payment } = await paymentOfNewDossier('sandbox');
    expect((await callback(payment, 'paid')).said).toBe('confirmed');
    const receipt = { number: payment.code, issuedAt: now().toISOString(), sealed: true, size: 1234 };
    // The receipts worker (PaymentPaid → sealed PDF) records the receipt while the gateway refunds.
    const refund = vi.mocked(SandboxGateway.prototype.refund);
    const gateway = refund.getMockImplementation()!;
    refund.mockImplementationOnce(async function (this: SandboxGateway, ...args) {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: paymentKey(payment.id),
          UpdateExpression: 'SET receipt = :receipt',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(receipt)',
          ExpressionAttributeValues: { ':receipt': receipt },
        }),
      );
      return gateway.apply(this, args);
    });
    const refunded = await platform.call('POST', `/v1/payments/${payment.id}/refund`, {
      as: 'leader.lienbao',
      body: { reason: 'Hồ sơ bị từ chối' },
    });
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(200);
    const stored = await getPayment(payment.id);
    expect(stored).toMatchObject({ status: 'refunded', refund: { amount: TOTAL }, receipt });
    // Index keys of the new status are written as a Put would have written them.
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: paymentKey(payment.id), ConsistentRead: true }),
    );
    expect(Item).toMatchObject({
      ...paymentIndexKeys(stored!),
      entityType: 'payment',
      version: stored!.version,
    });
  });
});
