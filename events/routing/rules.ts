/**
 * The province bus's rules, declared once: the CDK stack creates one EventBridge rule per entry
 * (target: the worker's function, with retry policy and DLQ), and the local runtime's in-process
 * bus applies the same patterns with EventBridge semantics (./pattern.ts).
 *
 * Rules select by `detail-type` and by agency: `detail.recipients` holds the agency codes an event
 * concerns, so `{ 'detail-type': [...], detail: { recipients: ['<agency code>'] } }` is the pattern
 * of a consumer of one agency's events (webhooks apply the same visibility in shared/subscriptions).
 */

import { factMappings } from '#shared/reports/event-facts.ts';
import { DossierStatusChangedV1, DossierSubmittedV1 } from '../dossiers/dossier-events.v1.ts';
import type { EventPattern } from './pattern.ts';

export interface EventRule {
  readonly id: string;
  readonly description: string;
  readonly pattern: EventPattern;
  /** A worker of functions/workers.ts with an `event-rule` trigger. */
  readonly workerId: string;
}

export const eventRules: EventRule[] = [
  {
    id: 'webhooks-fan-out',
    description:
      'Every platform event, for the agency webhooks allowed to see it (visibility: shared/subscriptions)',
    pattern: { source: [{ prefix: 'vnpp.' }] },
    workerId: 'webhooks-fan-out',
  },
  {
    id: 'national-portal-sync',
    description:
      'Dossier submissions and status changes, pushed to the National Public Service Portal (shared/national-portal)',
    pattern: {
      source: ['vnpp.dossiers'],
      'detail-type': [DossierSubmittedV1.detailType, DossierStatusChangedV1.detailType],
    },
    workerId: 'national-portal-sync',
  },
  {
    id: 'reports-aggregate',
    description:
      'The events that feed report and usage aggregates (the fact mappings of shared/reports/event-facts.ts)',
    pattern: {
      source: [...new Set(factMappings.map((mapping) => mapping.contract.source))],
      'detail-type': [...new Set(factMappings.map((mapping) => mapping.contract.detailType))],
    },
    workerId: 'reports-aggregate',
  },
];
