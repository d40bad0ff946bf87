/**
 * The one interface every payment gateway implements (the extension point for vendors): create a
 * payment (the payer's redirect URL), verify a callback over its raw payload, answer the callback
 * the way the protocol expects, query a payment's status, refund. Adapters are plain classes
 * with no AWS in them; they are registered by protocol in ./registry.ts and configured per
 * province (shared/payments/config.ts).
 */

import type { GatewaySettings } from '../config.ts';
import type { Payment } from '../payment.ts';

/** A callback as it arrived, before anything is parsed: the signature is checked over these bytes. */
export interface CallbackRequest {
  readonly method: string;
  /** The query string exactly as sent, without `?`. */
  readonly rawQuery: string;
  readonly rawBody: Buffer;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly receivedAt: Date;
}

/** What a verified callback says about an order. */
export interface PaymentNotification {
  /** Our payment lookup code (the order reference the gateway echoes). */
  readonly code: string;
  readonly outcome: 'paid' | 'failed';
  /** Integer VND. */
  readonly amount: number;
  readonly currency: string;
  readonly gatewayTransactionId?: string;
  /** The gateway's code for a failure (vnp_ResponseCode …). */
  readonly failureCode?: string;
}

export type CallbackVerdict =
  | { readonly ok: true; readonly notification: PaymentNotification }
  | {
      readonly ok: false;
      readonly reason: 'invalid-signature' | 'malformed' | 'stale' | 'wrong-method';
      readonly detail: string;
    };

/** How our handling of a callback ended; each protocol words the answer its own way. */
export type CallbackOutcome =
  | 'confirmed'
  | 'already-confirmed'
  | 'not-found'
  | 'invalid-amount'
  | 'invalid-signature'
  | 'malformed'
  | 'stale'
  | 'wrong-method'
  | 'error';

export interface CallbackAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface CreatedAtGateway {
  /** Where the payer's browser goes to pay. */
  readonly redirectUrl: string;
}

export interface GatewayStatus {
  /** `unknown`: the gateway could not say (not configured for queries, or unreachable). */
  readonly status: 'paid' | 'failed' | 'pending' | 'unknown';
  readonly amount?: number;
  readonly gatewayTransactionId?: string;
  readonly failureCode?: string;
  readonly detail?: string;
}

export interface PaymentOrder {
  readonly payment: Pick<
    Payment,
    | 'code'
    | 'amount'
    | 'currency'
    | 'createdAt'
    | 'expiresAt'
    | 'agencyCode'
    | 'procedureCode'
    | 'dossierCode'
    | 'dossierId'
    | 'lines'
  > & { readonly payerName: string; readonly payerIdNumber: string };
  readonly returnUrl: string | undefined;
  /** The payer's IP address as the API saw it (vnp_IpAddr). */
  readonly clientIp: string;
}

export interface PaymentGatewayAdapter {
  readonly settings: GatewaySettings;
  /** HTTP methods its callbacks use (a VNPay IPN is a GET, the national platform POSTs JSON). */
  readonly callbackMethods: readonly ('GET' | 'POST')[];
  createPayment(order: PaymentOrder): Promise<CreatedAtGateway>;
  /** Checks the signature over the raw payload (constant-time), the timestamp where the protocol has one, and parses it. */
  verifyCallback(request: CallbackRequest): CallbackVerdict;
  /** The reply the gateway expects for an outcome. */
  answer(outcome: CallbackOutcome): CallbackAnswer;
  queryStatus(
    payment: Pick<Payment, 'code' | 'amount' | 'createdAt' | 'gatewayTransactionId'>,
  ): Promise<GatewayStatus>;
  refund(
    payment: Pick<Payment, 'code' | 'amount' | 'createdAt' | 'gatewayTransactionId' | 'paidAt'>,
    input: { amount: number; reason: string; by: string },
  ): Promise<{ reference: string }>;
  /**
   * Local sandbox only: the callback this gateway would send for `outcome`, signed with the
   * configured secret, so the sandbox page drives the same verification path as the real gateway.
   */
  simulateCallback(
    payment: Pick<Payment, 'code' | 'amount' | 'createdAt'>,
    outcome: 'paid' | 'failed',
    at: Date,
  ): CallbackRequest;
}

/** Builds an adapter from a gateway's settings and its resolved secret. */
export type GatewayFactory = (settings: GatewaySettings, secret: string) => PaymentGatewayAdapter;

/** A gateway refused or failed a request (creation, query, refund). */
export class GatewayError extends Error {
  override name = 'GatewayError';
}

/**
 * The request may have reached the gateway but no answer came back (a timeout, a dropped
 * connection, a 5xx of the gateway's own front): the gateway may have done it. A refund in this
 * state is never asked again automatically (it is held for the operator), unlike a refusal.
 */
export class GatewayOutcomeUnknownError extends GatewayError {
  override name = 'GatewayOutcomeUnknownError';
}

/** The gateway answered with a server error: whether it acted is unknown. */
export function gatewayStatusError(gateway: string, status: number, detail = ''): GatewayError {
  const message = `${gateway} answered ${status}${detail ? ` ${detail}` : ''}`;
  return status >= 500 ? new GatewayOutcomeUnknownError(message) : new GatewayError(message);
}
