/**
 * Lambda handler of what gateways call: callbacks (/v1/payments/callbacks/{gateway}) and, in the
 * local runtime, the sandbox gateway's page. Not built on createApiHandler on purpose: a callback
 * must be verified over its raw bytes (the query string of a VNPay IPN, the JSON body of the
 * national platform) and answered in its protocol's format, with the protocol's codes for every
 * refusal; nothing here ever answers HTTP 500. Routes: ./routes.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpProblem, ValidationError } from '#shared/http/errors.ts';
import { problemResponse, toProblem } from '#shared/http/problem.ts';
import { handleCallback } from '#shared/payments/callbacks.ts';
import type { CallbackRequest } from '#shared/payments/gateways/gateway.ts';
import { gatewayById } from '#shared/payments/gateways/registry.ts';
import { formatVnd } from '#shared/payments/payment.ts';
import { paymentByCode } from '#shared/payments/repository.ts';
import { recordSandboxOutcome } from '#shared/payments/sandbox-ledger.ts';
import { now } from '#shared/platform/clock.ts';
import { optionalEnv } from '#shared/platform/env.ts';
import { logger } from '#shared/platform/observability.ts';

/** Callbacks are small; anything larger is not a callback. */
const MAX_CALLBACK_BYTES = 64 * 1024;
const GATEWAY_ID = /^[a-z][a-z0-9-]{1,30}$/;

/** Set to `enabled` by the local runtime only: serves the sandbox gateway's page. */
export const PAYMENT_SANDBOX_ENV = 'PAYMENT_SANDBOX';

type Result = APIGatewayProxyStructuredResultV2;

const rawBodyOf = (event: APIGatewayProxyEventV2): Buffer =>
  event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);

async function callback(event: APIGatewayProxyEventV2, requestId: string): Promise<Result> {
  const gatewayId = event.pathParameters?.gateway ?? '';
  const adapter = GATEWAY_ID.test(gatewayId) ? await gatewayById(gatewayId) : undefined;
  if (!adapter) {
    logger.warn('callback for an unknown gateway', { gateway: gatewayId.slice(0, 40) });
    throw new HttpProblem('not-found', 'No such payment gateway');
  }
  const method = event.requestContext.http.method.toUpperCase();
  const reply = (outcome: Parameters<typeof adapter.answer>[0]): Result => {
    const answer = adapter.answer(outcome);
    return { statusCode: answer.status, headers: { 'content-type': answer.contentType }, body: answer.body };
  };
  if (!(adapter.callbackMethods as readonly string[]).includes(method)) {
    logger.warn('payment callback', { gateway: gatewayId, outcome: 'wrong-method', method });
    return reply('wrong-method');
  }
  const rawBody = rawBodyOf(event);
  if (rawBody.length > MAX_CALLBACK_BYTES || (event.rawQueryString ?? '').length > MAX_CALLBACK_BYTES) {
    logger.warn('payment callback', { gateway: gatewayId, outcome: 'malformed', detail: 'too large' });
    return reply('malformed');
  }
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const request: CallbackRequest = {
    method,
    rawQuery: event.rawQueryString ?? '',
    rawBody,
    headers,
    receivedAt: now(),
  };
  const { answer } = await handleCallback(adapter, request, requestId);
  return { statusCode: answer.status, headers: { 'content-type': answer.contentType }, body: answer.body };
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const page = (status: number, title: string, body: string): Result => ({
  statusCode: status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  },
  body: `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto}button{margin:.3rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
});

const SANDBOX_OUTCOMES = ['paid', 'failed', 'paid-no-callback'] as const;

/** The sandbox gateway's page: one payment, and the tester's choices. */
async function sandbox(event: APIGatewayProxyEventV2, requestId: string): Promise<Result> {
  if (optionalEnv(PAYMENT_SANDBOX_ENV) !== 'enabled')
    throw new HttpProblem('not-found', 'No sandbox in this stack');
  const method = event.requestContext.http.method.toUpperCase();
  const fields =
    method === 'POST'
      ? new URLSearchParams(rawBodyOf(event).toString('utf8'))
      : new URLSearchParams(event.rawQueryString ?? '');
  const code = fields.get('code') ?? fields.get('vnp_TxnRef') ?? fields.get('MaTraCuuTT') ?? '';
  // Refusals are problem+json like every other bad request; only the page itself is HTML.
  const payment = code ? await paymentByCode(code.slice(0, 64)) : undefined;
  if (!payment) throw new HttpProblem('not-found', 'No such payment');
  const adapter = await gatewayById(payment.gateway);
  if (!adapter) throw new HttpProblem('not-found', 'The payment’s gateway is not configured');
  const summary = `<p>Mã tra cứu: <b>${escapeHtml(payment.code)}</b> — ${escapeHtml(payment.procedureName)}</p>
<p>Số tiền: <b>${formatVnd(payment.amount)} đồng</b> — cổng: ${escapeHtml(payment.gateway)} — trạng thái: ${escapeHtml(payment.status)}</p>`;
  if (method === 'GET') {
    const buttons = [
      ['paid', 'Thanh toán thành công'],
      ['failed', 'Thanh toán thất bại'],
      ['paid-no-callback', 'Thanh toán, nhưng mất thông báo (callback)'],
    ]
      .map(([value, label]) => `<button name="outcome" value="${value}">${label}</button>`)
      .join('');
    return page(
      200,
      'Cổng thanh toán thử nghiệm',
      `${summary}<form method="post" action="/v1/payments/sandbox"><input type="hidden" name="code" value="${escapeHtml(payment.code)}">${buttons}</form>
<p>Bỏ dở: simply close this page; the payment expires at ${escapeHtml(payment.expiresAt)}.</p>`,
    );
  }
  const outcome = fields.get('outcome') as (typeof SANDBOX_OUTCOMES)[number] | null;
  if (!outcome || !SANDBOX_OUTCOMES.includes(outcome)) {
    throw new ValidationError([
      { path: 'body.outcome', message: 'outcome is paid, failed or paid-no-callback', code: 'invalid_value' },
    ]);
  }
  const at = now();
  const paid = outcome !== 'failed';
  await recordSandboxOutcome(payment.code, {
    outcome: paid ? 'paid' : 'failed',
    amount: payment.amount,
    transactionId: `SB${at.getTime()}`,
  });
  if (outcome === 'paid-no-callback') {
    return page(
      200,
      'Đã thanh toán (không gửi thông báo)',
      `${summary}<p>The re-check job will find it.</p>`,
    );
  }
  // The same path as a real gateway's callback: signed by the adapter, verified by the handler.
  const result = await handleCallback(
    adapter,
    adapter.simulateCallback(payment, paid ? 'paid' : 'failed', at),
    requestId,
  );
  return page(
    200,
    paid ? 'Đã thanh toán' : 'Thanh toán thất bại',
    `${summary}<p>Callback: ${escapeHtml(result.outcome)}</p>`,
  );
}

async function dispatch(event: APIGatewayProxyEventV2): Promise<Result> {
  const requestId = event.requestContext.requestId;
  logger.appendKeys({ requestId, route: event.routeKey });
  try {
    if (event.routeKey.includes('/v1/payments/callbacks/')) return await callback(event, requestId);
    if (event.routeKey.endsWith('/v1/payments/sandbox')) return await sandbox(event, requestId);
    throw new HttpProblem('not-found', `No route ${event.routeKey}`);
  } catch (error) {
    const { problem, unexpected } = toProblem(error);
    if (unexpected) logger.error('payment gateway request failed', { error: error as Error });
    // A gateway retries on 503; a 500 is never sent.
    const safe = problem.status >= 500 ? new HttpProblem('service-unavailable', 'Retry later') : problem;
    const response = problemResponse(safe, event.rawPath, requestId);
    return { ...response, headers: { ...response.headers, 'x-request-id': requestId } };
  }
}

export const handler = middy(dispatch).use(injectLambdaContext(logger, { resetKeys: true }));
