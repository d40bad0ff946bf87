/**
 * Worked example of a payment-gateway adapter (docs/extending.md § 3): "SenPay", a FICTIONAL
 * bank/wallet gateway with a protocol typical of Vietnamese wallets and bank gateways:
 *
 * - every request and callback body is JSON, signed with HMAC-SHA256 (the merchant's secret key)
 *   over `<unix timestamp>.<raw body>`; the timestamp travels in `x-senpay-timestamp`, the
 *   signature in `x-senpay-signature` as `v1=<lower-case hex>`;
 * - a callback whose timestamp is more than 5 minutes away from our clock is refused (replays);
 * - orders are created with `POST {apiUrl}/orders` (answer `{ code: "0", checkoutUrl }`), queried with
 *   `POST {apiUrl}/orders/query`, refunded with `POST {apiUrl}/refunds`;
 * - the callback is `POST` of `{ orderRef, transactionId, amount, currency, status, reason? }`
 *   (`status`: `SUCCESS` | `FAILED`); SenPay expects `{ code, message }` back, `code` `"0"` meaning
 *   "stop retrying", with HTTP 200 for anything it must not resend.
 *
 * The adapter is a plain class with no AWS in it; register.ts registers it under the protocol
 * name `senpay`, and a province lists a gateway with that protocol (province-gateway.ts).
 */
import * as z from 'zod/mini';
import type { GatewaySettings } from '#shared/payments/config.ts';
import {
  type CallbackAnswer,
  type CallbackOutcome,
  type CallbackRequest,
  type CallbackVerdict,
  GatewayError,
  type GatewayStatus,
  type PaymentGatewayAdapter,
  type PaymentOrder,
} from '#shared/payments/gateways/gateway.ts';
import { hmac, postJson, signaturesMatch } from '#shared/payments/gateways/hmac.ts';

export const SENPAY_PROTOCOL = 'senpay';
export const SENPAY_TIMESTAMP_HEADER = 'x-senpay-timestamp';
export const SENPAY_SIGNATURE_HEADER = 'x-senpay-signature';
/** How far a callback's timestamp may be from our clock, in seconds. */
export const SENPAY_TOLERANCE_SECONDS = 300;

/** The callback body. Amounts are integer VND. */
export const SenpayCallback = z.object({
  orderRef: z.string().check(z.minLength(1), z.maxLength(64)),
  transactionId: z.string().check(z.minLength(1), z.maxLength(64)),
  amount: z.number().check(z.int(), z.nonnegative()),
  currency: z.string().check(z.length(3)),
  status: z.enum(['SUCCESS', 'FAILED']),
  reason: z.optional(z.string().check(z.maxLength(64))),
});
export type SenpayCallback = z.infer<typeof SenpayCallback>;

/** `v1=` + HMAC-SHA256 (hex) over `<timestamp>.<raw body>`. */
export function senpaySignature(secret: string, timestamp: string, rawBody: string | Buffer): string {
  const data = Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), Buffer.from(rawBody)]);
  return `v1=${hmac('sha256', secret, data, 'hex')}`;
}

/** The signature headers of a body sent at `at`. */
export function senpayHeaders(secret: string, rawBody: string, at: Date): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return {
    [SENPAY_TIMESTAMP_HEADER]: timestamp,
    [SENPAY_SIGNATURE_HEADER]: senpaySignature(secret, timestamp, rawBody),
  };
}

const ANSWERS: Record<CallbackOutcome, { status: number; code: string; message: string }> = {
  confirmed: { status: 200, code: '0', message: 'OK' },
  'already-confirmed': { status: 200, code: '0', message: 'Already confirmed' },
  // Permanent refusals: 200 with a non-zero code, so SenPay stops resending and flags the order.
  'not-found': { status: 200, code: '1', message: 'Unknown orderRef' },
  'invalid-amount': { status: 200, code: '2', message: 'Amount or currency mismatch' },
  malformed: { status: 400, code: '3', message: 'Malformed callback' },
  'invalid-signature': { status: 401, code: '4', message: 'Invalid signature' },
  stale: { status: 401, code: '5', message: 'Timestamp out of tolerance' },
  'wrong-method': { status: 405, code: '3', message: 'Use POST' },
  // Transient: a 5xx makes SenPay retry later.
  error: { status: 503, code: '9', message: 'Temporary error, retry' },
};

export class SenpayGateway implements PaymentGatewayAdapter {
  readonly callbackMethods = ['POST'] as const;

  constructor(
    readonly settings: GatewaySettings,
    private readonly secret: string,
  ) {}

  private async call(path: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!this.settings.apiUrl) throw new GatewayError(`Gateway ${this.settings.id} has no apiUrl`);
    const body = JSON.stringify(payload);
    const { status, json } = await postJson(`${this.settings.apiUrl}${path}`, body, this.settings.timeoutMs, {
      'x-senpay-merchant': this.settings.merchantCode,
      ...senpayHeaders(this.secret, body, new Date()),
    });
    const answer = (json ?? {}) as Record<string, unknown>;
    if (status !== 200 || answer.code !== '0') {
      throw new GatewayError(
        `SenPay answered ${status} ${String(answer.code ?? '')} ${String(answer.message ?? '')}`,
      );
    }
    return answer;
  }

  async createPayment(order: PaymentOrder) {
    const { payment } = order;
    if (!this.settings.apiUrl) {
      // No API configured (the local runtime): the payer goes to the configured test page.
      if (!this.settings.payUrl)
        throw new GatewayError(`Gateway ${this.settings.id} has no apiUrl nor payUrl`);
      return { redirectUrl: `${this.settings.payUrl}?code=${encodeURIComponent(payment.code)}` };
    }
    const answer = await this.call('/orders', {
      merchant: this.settings.merchantCode,
      orderRef: payment.code,
      amount: payment.amount,
      currency: payment.currency,
      description: `Phi, le phi ho so ${payment.dossierCode ?? payment.dossierId}`,
      items: payment.lines.map((line) => ({ code: line.code, name: line.name, amount: line.amount })),
      expiresAt: payment.expiresAt,
      payerName: payment.payerName,
      clientIp: order.clientIp,
      ...(order.returnUrl ? { returnUrl: order.returnUrl } : {}),
    });
    if (typeof answer.checkoutUrl !== 'string') throw new GatewayError('SenPay returned no checkoutUrl');
    return { redirectUrl: answer.checkoutUrl };
  }

  verifyCallback(request: CallbackRequest): CallbackVerdict {
    if (request.method !== 'POST')
      return { ok: false, reason: 'wrong-method', detail: 'The callback is a POST' };
    const timestamp = request.headers[SENPAY_TIMESTAMP_HEADER];
    const received = request.headers[SENPAY_SIGNATURE_HEADER];
    if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !received?.startsWith('v1=')) {
      return { ok: false, reason: 'invalid-signature', detail: 'Signature or timestamp header missing' };
    }
    // Over the raw bytes as received, before any parsing; constant-time.
    const expected = senpaySignature(this.secret, timestamp, request.rawBody).slice(3);
    if (!signaturesMatch(expected, received.slice(3), 'hex')) {
      return { ok: false, reason: 'invalid-signature', detail: 'The signature does not match the body' };
    }
    const skew = Math.abs(request.receivedAt.getTime() / 1000 - Number(timestamp));
    if (skew > SENPAY_TOLERANCE_SECONDS) {
      return { ok: false, reason: 'stale', detail: `The timestamp is ${Math.round(skew)} s away` };
    }
    let json: unknown;
    try {
      json = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed', detail: 'The body is not JSON' };
    }
    const parsed = SenpayCallback.safeParse(json);
    if (!parsed.success) return { ok: false, reason: 'malformed', detail: 'The body misses required fields' };
    const body = parsed.data;
    const paid = body.status === 'SUCCESS';
    return {
      ok: true,
      notification: {
        code: body.orderRef,
        outcome: paid ? 'paid' : 'failed',
        amount: body.amount,
        currency: body.currency,
        gatewayTransactionId: body.transactionId,
        ...(paid ? {} : { failureCode: body.reason ?? 'FAILED' }),
      },
    };
  }

  answer(outcome: CallbackOutcome): CallbackAnswer {
    const { status, code, message } = ANSWERS[outcome];
    return { status, contentType: 'application/json', body: JSON.stringify({ code, message }) };
  }

  async queryStatus(payment: { code: string }): Promise<GatewayStatus> {
    if (!this.settings.apiUrl) return { status: 'unknown', detail: 'No apiUrl configured for queries' };
    const answer = await this.call('/orders/query', {
      merchant: this.settings.merchantCode,
      orderRef: payment.code,
    });
    const base = {
      ...(typeof answer.amount === 'number' ? { amount: answer.amount } : {}),
      ...(typeof answer.transactionId === 'string' ? { gatewayTransactionId: answer.transactionId } : {}),
    };
    switch (answer.status) {
      case 'SUCCESS':
        return { status: 'paid', ...base };
      case 'FAILED':
        return { status: 'failed', ...base, failureCode: String(answer.reason ?? 'FAILED') };
      case 'PENDING':
        return { status: 'pending', ...base };
      default:
        return { status: 'unknown', detail: `SenPay status ${String(answer.status)}` };
    }
  }

  async refund(
    payment: { code: string; gatewayTransactionId?: string | undefined },
    input: { amount: number; reason: string; by: string },
  ) {
    const answer = await this.call('/refunds', {
      merchant: this.settings.merchantCode,
      orderRef: payment.code,
      transactionId: payment.gatewayTransactionId,
      amount: input.amount,
      reason: input.reason,
    });
    if (typeof answer.refundId !== 'string') throw new GatewayError('SenPay returned no refundId');
    return { reference: answer.refundId };
  }

  simulateCallback(
    payment: { code: string; amount: number },
    outcome: 'paid' | 'failed',
    at: Date,
  ): CallbackRequest {
    const body = JSON.stringify({
      orderRef: payment.code,
      transactionId: `SP${at.getTime()}`,
      amount: payment.amount,
      currency: 'VND',
      status: outcome === 'paid' ? 'SUCCESS' : 'FAILED',
      ...(outcome === 'failed' ? { reason: 'INSUFFICIENT_FUNDS' } : {}),
    });
    return {
      method: 'POST',
      rawQuery: '',
      rawBody: Buffer.from(body, 'utf8'),
      headers: { 'content-type': 'application/json', ...senpayHeaders(this.secret, body, at) },
      receivedAt: at,
    };
  }
}
