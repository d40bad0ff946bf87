/**
 * An event subscriber a vendor adds without touching the platform's own rule table: a handler
 * module and the pattern of the events it wants. The CDK construct `EventSubscriberFunction`
 * (infra/cdk/constructs/event-subscriber.ts) deploys it as a function behind an EventBridge rule on
 * the province bus; the local runtime routes the same pattern to the same handler
 * (`startLocalPlatform({ subscribers })`). Worked example: examples/event-subscriber/.
 */
import type { EventPattern } from './pattern.ts';

export interface EventSubscriber {
  /** Stable id (also the consumer id used to deduplicate deliveries): `[a-z0-9-]{3,48}`. */
  readonly id: string;
  readonly description: string;
  /** EventBridge pattern, as in events/routing/rules.ts. */
  readonly pattern: EventPattern;
  /** Module exporting `handler`, relative to the repository root. */
  readonly entry: string;
}

const ID = /^[a-z0-9-]{3,48}$/;

export function defineSubscriber(subscriber: EventSubscriber): EventSubscriber {
  if (!ID.test(subscriber.id)) throw new Error(`Subscriber id "${subscriber.id}" must match ${ID}`);
  return subscriber;
}
