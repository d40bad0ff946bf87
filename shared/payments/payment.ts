/**
 * Online fee payments (thanh toán điện tử phí, lệ phí): schemas and pure rules, no AWS.
 * A payment request is made for a dossier from its procedure's fee lines (integer VND), once per
 * dossier and purpose, and settles through exactly one transition out of `pending`.
 *
 *   pending ──callback / re-query ok──▶ paid ──refund──▶ refunded
 *      │──callback / re-query failed──▶ failed
 *      │──expiry passed (re-check job)─▶ expired
 *      └──payer or clerk cancels───────▶ cancelled
 */
import { randomInt } from 'node:crypto';
import * as z from 'zod/mini';
import { agencyCodeSchema } from '../agencies/agency.ts';
import { vietnamDayOf } from '../calendar/civil-date.ts';
import { FEE_KINDS } from '../procedures/vocabulary.ts';

export const PAYMENT_STATUSES = ['pending', 'paid', 'failed', 'expired', 'cancelled', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Which status may follow which: the only moves a payment makes. */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  pending: ['paid', 'failed', 'expired', 'cancelled'],
  paid: ['refunded'],
  failed: [],
  expired: [],
  cancelled: [],
  refunded: [],
};

export const canMove = (from: PaymentStatus, to: PaymentStatus): boolean =>
  PAYMENT_TRANSITIONS[from].includes(to);

/** A payment that is over: a new request for the same dossier and purpose starts a new attempt. */
export const isSettledUnpaid = (status: PaymentStatus): boolean =>
  status === 'failed' || status === 'expired' || status === 'cancelled';

/** How long a payer has to pay, and after how long a pending payment is re-queried at its gateway. */
export const PAYMENT_TTL_MINUTES = 30;
export const RECHECK_AFTER_MINUTES = 15;

/** What a payment is for: `fees` = the procedure's fees and charges (phí, lệ phí). */
export const paymentPurposeSchema = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9-]{1,31}$/, 'A purpose is a lowercase slug such as "fees"'));

export const PaymentLine = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.enum(FEE_KINDS),
  /** Integer VND. */
  amount: z.number(),
});
export type PaymentLine = z.infer<typeof PaymentLine>;

export const CreatePayment = z
  .strictObject({
    dossierId: z.uuid(),
    /** A gateway id configured for the province (GET /v1/payments/gateways). */
    gateway: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/, 'A gateway id such as "vnpay"')),
    purpose: z._default(paymentPurposeSchema, 'fees'),
    /** Where the gateway sends the payer's browser back (the portal page); the gateway's default otherwise. */
    returnUrl: z.optional(z.url({ protocol: /^https?$/ })),
  })
  .register(z.globalRegistry, { id: 'CreatePayment' });
export type CreatePayment = z.infer<typeof CreatePayment>;

export const Payment = z
  .object({
    id: z.string(),
    /** Payment lookup code (MaTraCuuTT), also the order reference sent to the gateway (vnp_TxnRef). */
    code: z.string(),
    dossierId: z.string(),
    dossierCode: z.nullable(z.string()),
    purpose: z.string(),
    /** The agency that collects: the dossier's receiving agency (MaDonVi). */
    agencyCode: agencyCodeSchema,
    procedureCode: z.string(),
    procedureName: z.string(),
    field: z.string(),
    /** How the dossier was submitted; the payment itself is made online through `gateway`. */
    dossierChannel: z.enum(['online', 'counter']),
    gateway: z.string(),
    protocol: z.string(),
    lines: z.array(PaymentLine),
    amount: z.number(),
    currency: z.literal('VND'),
    status: z.enum(PAYMENT_STATUSES),
    payer: z.object({ name: z.string(), idType: z.string() }),
    ownerSub: z.nullable(z.string()),
    redirectUrl: z.string(),
    expiresAt: z.string(),
    gatewayTransactionId: z.optional(z.string()),
    /** How the outcome became known: the gateway's callback, or the re-check job querying it. */
    settledBy: z.optional(z.enum(['callback', 'recheck', 'expiry', 'request'])),
    paidAt: z.optional(z.string()),
    failedAt: z.optional(z.string()),
    failureCode: z.optional(z.string()),
    cancelledAt: z.optional(z.string()),
    expiredAt: z.optional(z.string()),
    refund: z.optional(
      z.object({ at: z.string(), amount: z.number(), reason: z.string(), gatewayReference: z.string() }),
    ),
    receipt: z.optional(
      z.object({ number: z.string(), issuedAt: z.string(), sealed: z.boolean(), size: z.number() }),
    ),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'Payment' });
export type Payment = z.infer<typeof Payment>;

/** The fee lines a dossier pays (per-unit lines count once, as in the dossier's totals). */
export function linesOf(
  fees: readonly { code: string; name: string; kind: 'fee' | 'charge'; amount: number }[],
) {
  const lines = fees
    .filter((line) => line.amount > 0)
    .map(({ code, name, kind, amount }) => ({ code, name, kind, amount }));
  const amount = lines.reduce((sum, line) => sum + line.amount, 0);
  if (!Number.isSafeInteger(amount)) throw new RangeError('The amount is not a safe integer');
  return { lines, amount };
}

const CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A payment lookup code (mã tra cứu thanh toán): `TT` + Vietnam day (yymmdd) + 8 random characters
 * without look-alikes (I, O). ASCII only and at most 16 characters, which every gateway's order
 * reference accepts (vnp_TxnRef is alphanumeric).
 */
export function newPaymentCode(at: Date): string {
  const day = vietnamDayOf(at).slice(2).replace(/-/g, '');
  let random = '';
  for (let i = 0; i < 8; i += 1) random += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `TT${day}${random}`;
}

export const PAYMENT_CODE_PATTERN = /^TT\d{6}[0-9A-HJ-NP-Z]{8}$/;

/** `yyyyMMddHHmmss` in Vietnam time (GMT+7), the timestamp format of Vietnamese gateways. */
export function vietnamTimestamp(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3600_000);
  return local.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Parses a `yyyyMMddHHmmss` Vietnam-time timestamp; undefined when malformed. */
export function parseVietnamTimestamp(value: string | undefined): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value ?? '');
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}+07:00`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
