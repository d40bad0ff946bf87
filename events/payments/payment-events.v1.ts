/**
 * Payment events (v1). Every change of a payment emits one, with the agency that collects, the
 * procedure, the amount split into fees and charges, and the channel, so reports compute amounts
 * collected by agency and procedure and the share paid online. No personal data: the payer's name
 * and ID stay on the payment. Recipients: the agencies of the dossier's workflow so far.
 */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import { PAYMENT_STATUSES } from '#shared/payments/payment.ts';
import { defineEvent } from '../envelope.ts';

export const PaymentSummary = z.object({
  id: z.string(),
  /** Payment lookup code (MaTraCuuTT). */
  code: z.string(),
  dossierId: z.string(),
  dossierCode: z.nullable(z.string()),
  purpose: z.string(),
  /** The collecting agency (the dossier's receiving agency). */
  agencyCode: agencyCodeSchema,
  procedureCode: z.string(),
  /** Procedure field (lĩnh vực). */
  field: z.string(),
  /** How the fee is paid: `online` through a gateway (every payment of v1), `counter` reserved. */
  paymentChannel: z.enum(['online', 'counter']),
  /** How the dossier was submitted. */
  dossierChannel: z.enum(['online', 'counter']),
  gateway: z.string(),
  protocol: z.string(),
  /** Integer VND: total, and its parts (phí, lệ phí). */
  amount: z.number(),
  fee: z.number(),
  charge: z.number(),
  currency: z.literal('VND'),
  status: z.enum(PAYMENT_STATUSES),
  createdAt: z.string(),
  paidAt: z.nullable(z.string()),
  settledBy: z.nullable(z.enum(['callback', 'recheck', 'expiry', 'request'])),
});
export type PaymentSummary = z.infer<typeof PaymentSummary>;

export const paymentSummaryExample: PaymentSummary = {
  id: '3b0c8f5e-2d7a-4c1b-9e6f-8a7d6c5b4a39',
  code: 'TT261121K7M2Q9XA',
  dossierId: '7d1f5c2e-0b7a-4f1e-9a3c-5e2d1c0b9a87',
  dossierCode: '000.01.21.H62-261121-0001',
  purpose: 'fees',
  agencyCode: '000.01.21.H62',
  procedureCode: '1.001193',
  field: 'Hộ tịch',
  paymentChannel: 'online',
  dossierChannel: 'online',
  gateway: 'vnpay',
  protocol: 'vnpay',
  amount: 58_000,
  fee: 50_000,
  charge: 8_000,
  currency: 'VND',
  status: 'paid',
  createdAt: '2026-11-21T02:50:00.000Z',
  paidAt: '2026-11-21T02:55:00.000Z',
  settledBy: 'callback',
};

const envelopeExample = {
  eventId: '5c2a7e1f-9b3d-4e8a-b6c4-1d2e3f4a5b6c',
  schemaVersion: 1,
  occurredAt: '2026-11-21T02:55:00.000Z',
  province: 'vinh-phuc',
  agencyCode: '000.01.21.H62',
  recipients: ['000.01.21.H62'],
  entity: { type: 'payment', id: paymentSummaryExample.id },
  correlationId: 'payment-callback:vnpay:TT261121K7M2Q9XA',
  actor: { type: 'system' as const, name: 'payment-gateway:vnpay' },
};

const statusEvent = (detailType: string, status: PaymentSummary['status'], description: string) =>
  defineEvent({
    source: 'vnpp.payments',
    detailType,
    version: 1,
    description,
    data: z.object({ payment: PaymentSummary }),
    example: { ...envelopeExample, data: { payment: { ...paymentSummaryExample, status } } },
  });

export const PaymentRequestedV1 = statusEvent(
  'PaymentRequested',
  'pending',
  'A payment request was created for a dossier (pending, with a lookup code and an expiry).',
);
export const PaymentPaidV1 = statusEvent(
  'PaymentPaid',
  'paid',
  'The gateway confirmed the payment (verified callback, or the re-check job querying the gateway). ' +
    'Sum `amount` by `agencyCode` / `procedureCode` for amounts collected.',
);
export const PaymentFailedV1 = statusEvent(
  'PaymentFailed',
  'failed',
  'The gateway reported the payment failed.',
);
export const PaymentExpiredV1 = statusEvent(
  'PaymentExpired',
  'expired',
  'The payment was not made before its expiry and the gateway has no payment for it.',
);
export const PaymentCancelledV1 = statusEvent(
  'PaymentCancelled',
  'cancelled',
  'The payer or a clerk cancelled the pending payment.',
);

export const PaymentRefundedV1 = defineEvent({
  source: 'vnpp.payments',
  detailType: 'PaymentRefunded',
  version: 1,
  description: 'A paid payment was refunded through its gateway (amount in integer VND).',
  data: z.object({
    payment: PaymentSummary,
    refund: z.object({ amount: z.number(), reason: z.string(), gatewayReference: z.string() }),
  }),
  example: {
    ...envelopeExample,
    data: {
      payment: { ...paymentSummaryExample, status: 'refunded' },
      refund: { amount: 58_000, reason: 'Hồ sơ bị từ chối', gatewayReference: '14422574' },
    },
  },
});

export const paymentEventContracts = [
  PaymentRequestedV1,
  PaymentPaidV1,
  PaymentFailedV1,
  PaymentExpiredV1,
  PaymentCancelledV1,
  PaymentRefundedV1,
];
