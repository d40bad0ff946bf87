/**
 * Keys of payments and the access patterns they serve.
 *
 * | access pattern                                   | index | PK                              | SK                     |
 * |--------------------------------------------------|-------|---------------------------------|------------------------|
 * | a payment                                        | table | `PAYMENT#<id>`                  | `META`                 |
 * | the refund of a payment (taken before the gateway is asked) | table | `PAYMENT#<id>`      | `REFUND`               |
 * | a payment by lookup code (callbacks)             | table | `PAYCODE#<code>`                | `LOOKUP`               |
 * | the current request of a dossier and purpose     | table | `PAYREQ#<dossierId>#<purpose>`  | `SLOT`                 |
 * | pending payments, oldest first (re-check job)    | GSI1  | `PAYSTATUS#pending`             | `<createdAt>#<id>`     |
 * | paid payments of a gateway and Vietnam day (reconciliation) | GSI2 | `PAYDAY#<gateway>#<yyyy-mm-dd>` | `<code>`     |
 * | payments of a dossier                            | GSI3  | `PAYDOSSIER#<dossierId>`        | `<createdAt>#<id>`     |
 * | reconciliation report of a day and gateway       | table | `PAYRECON#<yyyy-mm-dd>`         | `<gateway>`            |
 * | sandbox gateway's outcome (local runtime only)   | table | `PAYSANDBOX#<code>`             | `OUTCOME`              |
 */
import { vietnamDayOf } from '../calendar/civil-date.ts';
import type { Payment } from './payment.ts';

export const ENTITY_PAYMENT = 'payment';

export const paymentKey = (id: string) => ({ PK: `PAYMENT#${id}`, SK: 'META' });
/** One per payment, ever: taken before the gateway is asked to refund, so it is asked once. */
export const paymentRefundKey = (id: string) => ({ PK: `PAYMENT#${id}`, SK: 'REFUND' });
export const paymentCodeKey = (code: string) => ({ PK: `PAYCODE#${code}`, SK: 'LOOKUP' });
export const paymentSlotKey = (dossierId: string, purpose: string) => ({
  PK: `PAYREQ#${dossierId}#${purpose}`,
  SK: 'SLOT',
});
export const reconciliationKey = (day: string, gateway: string) => ({ PK: `PAYRECON#${day}`, SK: gateway });
export const sandboxKey = (code: string) => ({ PK: `PAYSANDBOX#${code}`, SK: 'OUTCOME' });

export const PENDING_PARTITION = 'PAYSTATUS#pending';
export const paidDayPartition = (gateway: string, day: string) => `PAYDAY#${gateway}#${day}`;

/** The Vietnam day a payment counts for in statements: the day it was paid. */
export const paidDayOf = (payment: Pick<Payment, 'paidAt'>): string | undefined =>
  payment.paidAt ? vietnamDayOf(new Date(payment.paidAt)) : undefined;

export function paymentIndexKeys(payment: Payment) {
  const day = paidDayOf(payment);
  return {
    ...(payment.status === 'pending'
      ? { GSI1PK: PENDING_PARTITION, GSI1SK: `${payment.createdAt}#${payment.id}` }
      : {}),
    ...(day ? { GSI2PK: paidDayPartition(payment.gateway, day), GSI2SK: payment.code } : {}),
    GSI3PK: `PAYDOSSIER#${payment.dossierId}`,
    GSI3SK: `${payment.createdAt}#${payment.id}`,
  };
}
