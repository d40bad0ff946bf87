/**
 * EventBridge target: pushes dossiers and their status changes to the National Public Service Portal
 * (shared/national-portal/sync.ts). The bus rule `national-portal-sync` (events/routing/rules.ts)
 * selects DossierSubmitted and DossierStatusChanged; a failed push throws, so the event is retried and
 * then dead-lettered. NATIONAL_PORTAL_MODE chooses the adapter (`local` stand-in by default).
 */
import { createConsumer } from '#shared/events/consumer.ts';
import { SYNC_CONTRACTS, syncDossierEvent } from '#shared/national-portal/sync.ts';
import { logger } from '#shared/platform/observability.ts';

export const CONSUMER_ID = 'national-portal-sync';

export const handler = createConsumer({
  id: CONSUMER_ID,
  contracts: SYNC_CONTRACTS,
  async handle(detail, context, contract) {
    const outcome = await syncDossierEvent(detail, contract, context);
    logger.info('national portal sync', {
      eventId: detail.eventId,
      detailType: contract.detailType,
      dossierId: detail.entity.id,
      ...outcome,
    });
  },
});
