/**
 * EventBridge target: maintains the report aggregates (shared/reports). The bus rule
 * `reports-aggregate` (events/routing/rules.ts) selects every contract named in
 * shared/reports/event-facts.ts; each event's increments commit with the consumer's dedupe marker in
 * one transaction, so a redelivered event changes nothing and out-of-order events sum the same.
 */
import { createConsumer } from '#shared/events/consumer.ts';
import { factContracts, factsOf } from '#shared/reports/event-facts.ts';
import { applyLiveFacts } from '#shared/reports/repository.ts';

export const CONSUMER_ID = 'reports-aggregate';

export const handler = createConsumer({
  id: CONSUMER_ID,
  contracts: factContracts(),
  async handle(detail, context, contract) {
    const facts = factsOf(contract, detail);
    if (facts.length > 0) await applyLiveFacts(facts, context.consumed);
  },
});
