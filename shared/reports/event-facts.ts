/**
 * Which events feed the aggregates, as data: one entry per event contract, mapping its detail to
 * facts (cell increments keyed by family, agency and day). Adding an indicator family = adding
 * entries here (and its indicator definitions in ./indicators.ts); the aggregator consumer
 * (functions/reports/aggregate.ts), its bus rule and the property tests pick the list up as is.
 *
 * Each mapping is a pure function of the event alone (never of stored state), so increments
 * commute: duplicates are dropped by the consumer's marker, and out-of-order deliveries sum to the
 * same aggregates.
 */

import {
  DocumentIssuedV1,
  IncomingDocumentCompletedV1,
  IncomingDocumentReceivedV1,
  IncomingDocumentRegisteredV1,
} from '#events/documents/document-events.v1.ts';
import { DossierOverdueV1 } from '#events/dossiers/dossier-deadline.v1.ts';
import { DossierStatusChangedV1 } from '#events/dossiers/dossier-events.v1.ts';
import type { EventContract, EventDetail } from '#events/envelope.ts';
import { FileConfirmedV1 } from '#events/files/file-confirmed.v1.ts';
import { PaymentPaidV1, PaymentRefundedV1 } from '#events/payments/payment-events.v1.ts';
import { SignatureCompletedV1 } from '#events/signatures/signature-events.v1.ts';
import { cellName, type Fact, vietnamDayOfInstant } from './cells.ts';
import { incomingFact, incomingOverdueFact, outgoingFact } from './document-facts.ts';
import { overdueEventFacts, statusChangedFacts } from './dossier-facts.ts';
import type { UsageMetric } from './indicators.ts';
import { paymentFact, refundFact } from './payment-facts.ts';

export interface FactMapping {
  readonly contract: EventContract;
  readonly facts: (detail: EventDetail<never>) => Fact[];
}

/** A usage fact (billing): one metric of one agency on one day. */
export const usageFact = (agency: string, at: string, metric: UsageMetric, amount = 1): Fact => ({
  family: 'usage',
  agency,
  day: vietnamDayOfInstant(at),
  cells: { [cellName(metric)]: amount },
});

export const factMappings: readonly FactMapping[] = [
  {
    contract: DossierStatusChangedV1,
    facts: (detail) => {
      const event = detail as EventDetail<Parameters<typeof statusChangedFacts>[0]['data']>;
      const facts = statusChangedFacts(event);
      const { action, dossier } = event.data;
      if (action === 'receive') {
        facts.push(
          usageFact(dossier.receivingAgency, dossier.receivedAt ?? event.occurredAt, 'dossiersReceived'),
        );
      }
      return facts;
    },
  },
  {
    contract: DossierOverdueV1,
    facts: (detail) =>
      overdueEventFacts(detail as EventDetail<Parameters<typeof overdueEventFacts>[0]['data']>),
  },
  {
    // Storage billed by confirmed upload: the bytes a file occupies from the day it was confirmed.
    contract: FileConfirmedV1,
    facts: (detail) => {
      const { file } = (detail as EventDetail<{ file: { agencyCode: string; size: number } }>).data;
      return [usageFact(file.agencyCode, detail.occurredAt, 'storageBytes', file.size)];
    },
  },
  {
    // An outgoing document issued (ban hành): counted by issue day, signed digitally or not; billed as sent.
    contract: DocumentIssuedV1,
    facts: (detail) => {
      const { document } = (
        detail as EventDetail<{
          document: { agencyCode: string; issuedAt: string; signedDigitally: boolean };
        }>
      ).data;
      return [
        outgoingFact(document.agencyCode, document.issuedAt, document.signedDigitally),
        usageFact(document.agencyCode, document.issuedAt, 'documentsSent'),
      ];
    },
  },
  {
    // Billed when a document arrives in an agency's inbox.
    contract: IncomingDocumentReceivedV1,
    facts: (detail) => {
      const { document } = (detail as EventDetail<{ document: { agencyCode: string; receivedAt: string } }>)
        .data;
      return [usageFact(document.agencyCode, document.receivedAt, 'documentsReceived')];
    },
  },
  {
    // Counted as incoming when registered with its incoming number (số đến).
    contract: IncomingDocumentRegisteredV1,
    facts: (detail) => {
      const { document } = (detail as EventDetail<{ document: { agencyCode: string } }>).data;
      return [incomingFact(document.agencyCode, detail.occurredAt)];
    },
  },
  {
    // Overdue incoming: completed after its due date, counted on the due date.
    contract: IncomingDocumentCompletedV1,
    facts: (detail) => {
      const { document } = (
        detail as EventDetail<{
          document: { agencyCode: string; overdue: boolean | null; dueDate: string | null };
        }>
      ).data;
      return document.overdue
        ? [incomingOverdueFact(document.agencyCode, document.dueDate ?? detail.occurredAt)]
        : [];
    },
  },
  {
    // A fee confirmed by the gateway: amount by agency, procedure and payment channel; billed as a payment.
    contract: PaymentPaidV1,
    facts: (detail) => {
      const { payment } = (
        detail as EventDetail<{
          payment: {
            agencyCode: string;
            procedureCode: string;
            paymentChannel: 'online' | 'counter';
            amount: number;
            paidAt: string | null;
          };
        }>
      ).data;
      const paidAt = payment.paidAt ?? detail.occurredAt;
      return [
        paymentFact({
          agency: payment.agencyCode,
          procedureCode: payment.procedureCode,
          channel: payment.paymentChannel,
          amount: payment.amount,
          paidAt,
        }),
        usageFact(payment.agencyCode, paidAt, 'payments'),
      ];
    },
  },
  {
    // A refund: subtracts the refunded amount from `amount` on the refund day (payments stay counted).
    contract: PaymentRefundedV1,
    facts: (detail) => {
      const { payment } = (
        detail as EventDetail<{
          payment: { agencyCode: string; procedureCode: string; paymentChannel: 'online' | 'counter' };
        }>
      ).data;
      const { refund } = (detail as EventDetail<{ refund: { amount: number; at?: string } }>).data;
      return [
        refundFact({
          agency: payment.agencyCode,
          procedureCode: payment.procedureCode,
          channel: payment.paymentChannel,
          amount: refund.amount,
          refundedAt: refund.at ?? detail.occurredAt,
        }),
      ];
    },
  },
  {
    // Every signature made on the platform (personal or seal), billed to the signing agency.
    contract: SignatureCompletedV1,
    facts: (detail) => {
      const { signature } = (detail as EventDetail<{ signature: { agencyCode: string; signedAt: string } }>)
        .data;
      return [usageFact(signature.agencyCode, signature.signedAt, 'signatures')];
    },
  },
];

export const factContracts = (): EventContract[] => factMappings.map((mapping) => mapping.contract);

/** The facts of an event (none when no mapping names its contract). */
export function factsOf(contract: EventContract, detail: EventDetail<unknown>): Fact[] {
  const mapping = factMappings.find(
    (candidate) =>
      candidate.contract.source === contract.source &&
      candidate.contract.detailType === contract.detailType &&
      candidate.contract.version === contract.version,
  );
  return mapping ? mapping.facts(detail as EventDetail<never>) : [];
}
