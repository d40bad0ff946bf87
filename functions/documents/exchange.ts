/**
 * EventBridge target: the document exchange inside the province (shared/documents/exchange.ts).
 * The bus rule `documents-exchange` (events/routing/rules.ts) selects DocumentSent,
 * DocumentChangeRequested and DocumentStatusReported; a failure throws, so the event is retried and
 * then dead-lettered.
 */
import { EXCHANGE_CONTRACTS } from '#events/documents/document-events.v1.ts';
import { createConsumer } from '#shared/events/consumer.ts';
import { handleExchangeEvent } from '#shared/documents/exchange.ts';

export const CONSUMER_ID = 'documents-exchange';

export const handler = createConsumer({
  id: CONSUMER_ID,
  contracts: EXCHANGE_CONTRACTS,
  handle: handleExchangeEvent,
});
