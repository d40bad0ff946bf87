/**
 * The local sandbox gateway: the payer lands on a page of the local runtime
 * (GET /v1/payments/sandbox?code=…, functions/payment-callbacks/api.ts) that lets a tester pay, fail,
 * pay while losing the callback, or abandon. Its callback is a POST of JSON signed with
 * HMAC-SHA256 over the raw body (`x-sandbox-signature`, hex); its status query reads the outcome
 * the tester chose (the sandbox ledger), so the re-check job can be tried locally too.
 * Never configured in a deployed stack (the province file refuses the sandbox protocol).
 */
import * as z from 'zod/mini';
import type { GatewaySettings } from '../config.ts';
import type {
  CallbackAnswer,
  CallbackOutcome,
  CallbackRequest,
  CallbackVerdict,
  GatewayStatus,
  PaymentGatewayAdapter,
  PaymentOrder,
} from './gateway.ts';
import { hmac, signaturesMatch } from './hmac.ts';

export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';

const SandboxCallback = z.object({
  code: z.string().check(z.minLength(1)),
  outcome: z.enum(['paid', 'failed']),
  amount: z.number(),
  currency: z.string(),
  transactionId: z.string(),
});

/** What the tester chose on the sandbox page, as the sandbox "gateway" remembers it. */
export interface SandboxLedger {
  outcomeOf(
    code: string,
  ): Promise<{ outcome: 'paid' | 'failed'; amount: number; transactionId: string } | undefined>;
}

export class SandboxGateway implements PaymentGatewayAdapter {
  readonly callbackMethods = ['POST'] as const;

  constructor(
    readonly settings: GatewaySettings,
    private readonly secret: string,
    private readonly ledger: SandboxLedger,
  ) {}

  async createPayment(order: PaymentOrder) {
    const base = this.settings.payUrl ?? '/v1/payments/sandbox';
    return { redirectUrl: `${base}?code=${encodeURIComponent(order.payment.code)}` };
  }

  verifyCallback(request: CallbackRequest): CallbackVerdict {
    if (request.method !== 'POST')
      return { ok: false, reason: 'wrong-method', detail: 'The callback is a POST' };
    if (
      !signaturesMatch(
        hmac('sha256', this.secret, request.rawBody),
        request.headers[SANDBOX_SIGNATURE_HEADER],
        'hex',
      )
    ) {
      return { ok: false, reason: 'invalid-signature', detail: 'The signature does not match the body' };
    }
    let json: unknown;
    try {
      json = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed', detail: 'The body is not JSON' };
    }
    const parsed = SandboxCallback.safeParse(json);
    if (!parsed.success) return { ok: false, reason: 'malformed', detail: 'The body misses required fields' };
    const body = parsed.data;
    return {
      ok: true,
      notification: {
        code: body.code,
        outcome: body.outcome,
        amount: body.amount,
        currency: body.currency,
        gatewayTransactionId: body.transactionId,
        ...(body.outcome === 'failed' ? { failureCode: 'declined' } : {}),
      },
    };
  }

  answer(outcome: CallbackOutcome): CallbackAnswer {
    const ok = outcome === 'confirmed' || outcome === 'already-confirmed';
    const status = ok
      ? 200
      : outcome === 'not-found'
        ? 404
        : outcome === 'error'
          ? 503
          : outcome === 'invalid-signature'
            ? 401
            : 400;
    return { status, contentType: 'application/json', body: JSON.stringify({ result: outcome }) };
  }

  async queryStatus(payment: { code: string }): Promise<GatewayStatus> {
    const entry = await this.ledger.outcomeOf(payment.code);
    if (!entry) return { status: 'pending', detail: 'The tester has not acted' };
    return {
      status: entry.outcome,
      amount: entry.amount,
      gatewayTransactionId: entry.transactionId,
      ...(entry.outcome === 'failed' ? { failureCode: 'declined' } : {}),
    };
  }

  async refund(payment: { code: string }) {
    return { reference: `SANDBOX-REFUND-${payment.code}` };
  }

  simulateCallback(
    payment: { code: string; amount: number },
    outcome: 'paid' | 'failed',
    at: Date,
  ): CallbackRequest {
    const body = JSON.stringify({
      code: payment.code,
      outcome,
      amount: payment.amount,
      currency: 'VND',
      transactionId: `SB${at.getTime()}`,
    });
    return {
      method: 'POST',
      rawQuery: '',
      rawBody: Buffer.from(body, 'utf8'),
      headers: {
        'content-type': 'application/json',
        [SANDBOX_SIGNATURE_HEADER]: hmac('sha256', this.secret, body),
      },
      receivedAt: at,
    };
  }
}
