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

import { DossierOverdueV1 } from '#events/dossiers/dossier-deadline.v1.ts';
import { DossierStatusChangedV1 } from '#events/dossiers/dossier-events.v1.ts';
import type { EventContract, EventDetail } from '#events/envelope.ts';
import { FileConfirmedV1 } from '#events/files/file-confirmed.v1.ts';
import { cellName, type Fact, vietnamDayOfInstant } from './cells.ts';
import { overdueEventFacts, statusChangedFacts } from './dossier-facts.ts';
import type { UsageMetric } from './indicators.ts';

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
