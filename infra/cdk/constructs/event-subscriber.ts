/**
 * A vendor's event subscriber (events/routing/subscriber.ts) as deployed resources: a function
 * built by DomainFunction (runtime, arm64, tracing, logs, its own dead-letter queue) behind an
 * EventBridge rule on the province bus (EventRuleTarget: retries, then the rule's dead-letter
 * queue). It may read and write the province table (its dedupe markers live there); grant more on
 * `.function` if the handler needs it. Worked example: examples/event-subscriber/cdk.ts.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { EventSubscriber } from '#events/routing/subscriber.ts';
import { ENV } from '#shared/platform/env.ts';
import { mainTable } from '../../resources.ts';
import { toCdkEventPattern } from '../stateless-stack.ts';
import { DomainFunction } from './domain-function.ts';
import { EventRuleTarget } from './event-rule-target.ts';

export interface EventSubscriberFunctionProps {
  readonly subscriber: EventSubscriber;
  /** The province's stack prefix, e.g. `vnpp-vinh-phuc`: the function is `<prefix>-<subscriber id>`. */
  readonly prefix: string;
  readonly bus: IEventBus;
  readonly table: ITable;
  /** The table's key (data key), also encrypting the dead-letter queues. */
  readonly dataKey: IKey;
  readonly logKey: IKey;
  readonly logRetention: RetentionDays;
  readonly environment?: Readonly<Record<string, string>>;
}

export class EventSubscriberFunction extends Construct {
  readonly function: DomainFunction;
  readonly target: EventRuleTarget;

  constructor(scope: Construct, id: string, props: EventSubscriberFunctionProps) {
    super(scope, id);
    const { subscriber } = props;
    this.function = new DomainFunction(this, 'Function', {
      functionName: `${props.prefix}-${subscriber.id}`,
      entry: subscriber.entry,
      description: subscriber.description,
      environment: {
        [mainTable.env]: props.table.tableName,
        [ENV.eventBusName]: props.bus.eventBusName,
        POWERTOOLS_SERVICE_NAME: subscriber.id,
        ...props.environment,
      },
      logKey: props.logKey,
      logRetention: props.logRetention,
      invocation: { kind: 'event', deadLetterKey: props.dataKey },
    });
    this.function.grantTable(props.table, mainTable, 'read-write', props.dataKey);
    this.target = new EventRuleTarget(this, 'Rule', {
      description: subscriber.description,
      bus: props.bus,
      eventPattern: toCdkEventPattern(subscriber.pattern),
      target: this.function,
      deadLetterKey: props.dataKey,
    });
  }
}
