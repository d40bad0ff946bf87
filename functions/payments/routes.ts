/**
 * HTTP operations of online fee payments (handlers: ./api.ts and ./callbacks.ts, rules: shared/payments).
 * Two functions: `payments` (the API for payers, staff and auditors, JSON, authenticated) and
 * `payment-callbacks` (what gateways and the local sandbox call: public, signed per protocol,
 * answered in each protocol's own format rather than problem+json).
 */
import * as z from 'zod/mini';
import { isCalendarDay } from '#shared/calendar/civil-date.ts';
import { defineRoutes } from '#shared/http/route.ts';
import { CreatePayment, Payment } from '#shared/payments/payment.ts';

const idParam = z.strictObject({ id: z.uuid() });
const dayParam = z.strictObject({
  date: z.string().check(z.refine(isCalendarDay, 'A calendar day such as 2026-11-21')),
});

/** Who reads a payment: the payer (owner of an online dossier), the collecting agency, auditors. */
const paymentReaders = {
  roles: {
    citizen: 'owner',
    clerk: 'agency',
    specialist: 'agency',
    leader: 'agency-tree',
    auditor: 'province',
  },
  deny: 'not-found',
} as const;

const Link = z.object({ url: z.string(), expiresAt: z.string() });

const Report = z
  .object({
    day: z.string(),
    gateway: z.string(),
    statementKey: z.string(),
    statementFound: z.boolean(),
    matched: z.number(),
    missing: z.array(z.object({ code: z.string(), paymentId: z.string(), amount: z.number() })),
    extra: z.array(z.object({ code: z.string(), transactionId: z.string(), amount: z.number() })),
    extraKnown: z.array(z.object({ code: z.string(), paymentId: z.string(), status: z.string() })),
    mismatched: z.array(
      z.object({
        code: z.string(),
        paymentId: z.string(),
        fields: z.array(z.object({ field: z.string(), ours: z.string(), theirs: z.string() })),
      }),
    ),
    duplicates: z.array(z.string()),
    issues: z.array(z.object({ line: z.number(), message: z.string() })),
    generatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'PaymentReconciliation' });

const Reports = z.object({ date: z.string(), items: z.array(Report) });

export const paymentRoutes = defineRoutes({
  listPaymentGateways: {
    method: 'GET',
    path: '/v1/payments/gateways',
    summary: 'The payment gateways of this province',
    tags: ['Payments'],
    access: { roles: { citizen: 'any', clerk: 'any', specialist: 'any', leader: 'any', auditor: 'any' } },
    responses: {
      200: {
        description: 'Gateway ids to create payments with',
        schema: z.object({
          items: z.array(
            z.object({ id: z.string(), protocol: z.string(), displayName: z.optional(z.string()) }),
          ),
        }),
      },
    },
  },
  createPayment: {
    method: 'POST',
    path: '/v1/payments',
    summary: 'Request payment of a dossier’s fees through a gateway (idempotent per dossier and purpose)',
    description:
      'Amounts come from the procedure’s fee lines (integer VND). A live request (pending and unexpired, or ' +
      'paid) for the same dossier and purpose is answered again with 200; after a failed, expired or ' +
      'cancelled attempt a new one is made (201). Send the payer to `redirectUrl`.',
    tags: ['Payments'],
    access: { roles: { citizen: 'owner', clerk: 'agency' }, deny: 'not-found' },
    request: { body: CreatePayment },
    responses: {
      200: { description: 'The live request of this dossier and purpose', schema: Payment },
      201: { description: 'A new payment request', schema: Payment },
    },
    idempotent: true,
  },
  getPayment: {
    method: 'GET',
    path: '/v1/payments/{id}',
    summary: 'A payment and its status',
    tags: ['Payments'],
    access: paymentReaders,
    request: { params: idParam },
    responses: { 200: { description: 'The payment (ETag = version)', schema: Payment } },
  },
  cancelPayment: {
    method: 'POST',
    path: '/v1/payments/{id}/cancel',
    summary: 'Cancel a pending payment (the payer gave up, or chose another gateway)',
    tags: ['Payments'],
    access: { roles: { citizen: 'owner', clerk: 'agency' }, deny: 'not-found' },
    request: { params: idParam },
    responses: { 200: { description: 'Cancelled', schema: Payment } },
  },
  refundPayment: {
    method: 'POST',
    path: '/v1/payments/{id}/refund',
    summary: 'Refund a paid payment through its gateway (a leader of the collecting agency)',
    tags: ['Payments'],
    access: { roles: { leader: 'agency' }, deny: 'not-found' },
    request: {
      params: idParam,
      body: z.strictObject({
        /** Integer VND; the whole amount when absent. */
        amount: z.optional(z.number().check(z.int(), z.positive())),
        reason: z.string().check(z.trim(), z.minLength(3), z.maxLength(500)),
      }),
    },
    responses: { 200: { description: 'Refunded', schema: Payment } },
  },
  downloadPaymentReceipt: {
    method: 'GET',
    path: '/v1/payments/{id}/receipt',
    summary:
      'The electronic receipt (PDF) of a paid payment: 302 to a short-lived link, or JSON with ?redirect=false',
    tags: ['Payments'],
    access: paymentReaders,
    request: {
      params: idParam,
      query: z.strictObject({ redirect: z.optional(z.enum(['true', 'false'])) }),
    },
    responses: {
      200: { description: 'The link', schema: Link },
      302: { description: 'Redirect to the link' },
    },
  },
  listDossierPayments: {
    method: 'GET',
    path: '/v1/dossiers/{id}/payments',
    summary: 'Every payment request of a dossier, oldest first',
    tags: ['Payments'],
    access: paymentReaders,
    request: { params: idParam },
    responses: { 200: { description: 'Payments', schema: z.object({ items: z.array(Payment) }) } },
  },
  getPaymentReconciliation: {
    method: 'GET',
    path: '/v1/payments/reconciliations/{date}',
    summary: 'Reconciliation reports of a day: missing, extra and mismatched transactions per gateway',
    tags: ['Payments'],
    access: { roles: { 'province-admin': 'province', auditor: 'province' } },
    request: { params: dayParam },
    responses: { 200: { description: 'One report per gateway', schema: Reports } },
  },
  runPaymentReconciliation: {
    method: 'POST',
    path: '/v1/payments/reconciliations/{date}',
    summary: 'Reconcile a day again now (after a late statement); the daily job does it at 02:00',
    tags: ['Payments'],
    access: { roles: { 'province-admin': 'province' } },
    request: { params: dayParam },
    responses: { 200: { description: 'The new reports', schema: Reports } },
  },
});

const gatewayParam = z.strictObject({
  gateway: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/)),
});

const callbackDescription =
  'Signed per protocol and checked over the raw payload; answered in the protocol’s own format ' +
  '(VNPay: HTTP 200 `{RspCode, Message}`; national platform: `{MaLoi, MoTa}`). Replays change nothing.';

export const paymentCallbackRoutes = defineRoutes({
  paymentCallbackGet: {
    method: 'GET',
    path: '/v1/payments/callbacks/{gateway}',
    summary: 'Gateway callback sent as a GET with a signed query string (VNPay IPN)',
    description: callbackDescription,
    tags: ['Payments'],
    access: { public: 'Payment gateways call it; every callback is verified by its signature' },
    request: { params: gatewayParam },
    responses: { 200: { description: 'The protocol’s answer' } },
  },
  paymentCallbackPost: {
    method: 'POST',
    path: '/v1/payments/callbacks/{gateway}',
    summary: 'Gateway callback sent as a POST (national payment platform: JSON with a signature header)',
    description: callbackDescription,
    tags: ['Payments'],
    access: { public: 'Payment gateways call it; every callback is verified by its signature' },
    request: { params: gatewayParam },
    responses: { 200: { description: 'The protocol’s answer' } },
  },
  paymentSandboxPage: {
    method: 'GET',
    path: '/v1/payments/sandbox',
    summary:
      'Local sandbox gateway: a page to pay, fail, lose the callback or abandon (404 unless configured)',
    tags: ['Payments'],
    access: { public: 'The local sandbox stands in for a gateway’s payment page; absent in deployed stacks' },
    responses: {
      200: { description: 'HTML page', contentType: 'text/html' },
      404: { description: 'No sandbox in this stack, or no such payment' },
    },
  },
  paymentSandboxAction: {
    method: 'POST',
    path: '/v1/payments/sandbox',
    summary: 'Local sandbox gateway: the tester’s choice (form post); delivers the signed callback',
    tags: ['Payments'],
    access: { public: 'The local sandbox stands in for a gateway’s payment page; absent in deployed stacks' },
    responses: {
      200: { description: 'HTML page with the result', contentType: 'text/html' },
      404: { description: 'No sandbox in this stack, or no such payment' },
    },
  },
});
