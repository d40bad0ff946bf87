/**
 * The fee-payment indicator family (thu phí, lệ phí, seed 002 §3). Pure, no AWS.
 *
 * | cell                                | day of       | value                 |
 * |-------------------------------------|--------------|-----------------------|
 * | `paid;channel=online|counter;procedure` | confirmation | 1 per payment     |
 * | `amount;channel;procedure`          | confirmation | the amount, integer VND |
 * | `amount;channel;procedure`          | refund       | minus the refunded amount |
 * | `refunded;channel;procedure`        | refund       | 1 per refunded payment  |
 *
 * So `amount` is net of refunds: a refund subtracts on the Vietnam day it was made (PaymentRefunded
 * live, the stored payment's `refund` when rebuilding); the payment itself still counts as made.
 */
import * as z from 'zod/mini';
import { cellName, type Fact, instantSchema, vietnamDayOfInstant } from './cells.ts';

/** A legacy payment row of the import (NDJSON). */
export const PaymentRecord = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  agency: z.string().check(z.minLength(3), z.maxLength(32)),
  procedureCode: z.string().check(z.minLength(1), z.maxLength(64)),
  channel: z.enum(['online', 'counter']),
  amount: z.number().check(z.int(), z.minimum(0)),
  paidAt: instantSchema,
});
export type PaymentRecord = z.infer<typeof PaymentRecord>;

export function paymentFact(payment: Omit<PaymentRecord, 'id'>): Fact {
  const dimensions = { channel: payment.channel, procedure: payment.procedureCode };
  return {
    family: 'payments',
    agency: payment.agency,
    day: vietnamDayOfInstant(payment.paidAt),
    cells: { [cellName('paid', dimensions)]: 1, [cellName('amount', dimensions)]: payment.amount },
  };
}

export const paymentRecordFacts = (record: PaymentRecord): Fact[] => [paymentFact(record)];

/** A refund of a paid payment: subtracts the refunded amount on the refund day. */
export function refundFact(refund: {
  agency: string;
  procedureCode: string;
  channel: 'online' | 'counter';
  amount: number;
  refundedAt: string;
}): Fact {
  const dimensions = { channel: refund.channel, procedure: refund.procedureCode };
  return {
    family: 'payments',
    agency: refund.agency,
    day: vietnamDayOfInstant(refund.refundedAt),
    cells: { [cellName('refunded', dimensions)]: 1, [cellName('amount', dimensions)]: -refund.amount },
  };
}
