/**
 * Deploying the example subscriber: one construct in the province's stack (or in a vendor stack
 * that looks the bus, table and keys up by name). tests/infra/extension-examples.test.ts
 * synthesizes it.
 */
import type { Construct } from 'constructs';
import {
  EventSubscriberFunction,
  type EventSubscriberFunctionProps,
} from '#infra/cdk/constructs/event-subscriber.ts';
import { resultReadyNotifier } from './subscriber.ts';

export function addResultReadyNotifier(
  scope: Construct,
  props: Omit<EventSubscriberFunctionProps, 'subscriber'>,
): EventSubscriberFunction {
  return new EventSubscriberFunction(scope, 'ResultReadyNotifier', {
    ...props,
    subscriber: resultReadyNotifier,
  });
}
