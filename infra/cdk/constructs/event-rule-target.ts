/**
 * An EventBridge rule (an event pattern on the province bus, or a schedule) delivering to a domain
 * function asynchronously, with nothing lost
 * silently: EventBridge retries delivery (`retryAttempts`, `maxEventAge`) and then puts the event
 * into this rule's dead-letter queue; once delivered, Lambda retries failed invocations and then
 * uses the function's own dead-letter queue (DomainFunction, invocation `event`).
 */
import { Duration } from 'aws-cdk-lib';
import { type EventPattern, type IEventBus, Rule, type Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import type { DomainFunction } from './domain-function.ts';

export interface EventRuleTargetProps {
  readonly description: string;
  /** Events on this bus matching `eventPattern` … */
  readonly bus?: IEventBus;
  readonly eventPattern?: EventPattern;
  /** … or a schedule (scheduled rules live on the account's default bus). */
  readonly schedule?: Schedule;
  readonly target: DomainFunction;
  /** Encrypts the rule's dead-letter queue (EventBridge must be allowed to use it). */
  readonly deadLetterKey: IKey;
  /** @default 8 delivery attempts */
  readonly retryAttempts?: number;
  /** @default 24 hours */
  readonly maxEventAge?: Duration;
}

export class EventRuleTarget extends Construct {
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: EventRuleTargetProps) {
    super(scope, id);
    if ((props.eventPattern === undefined) === (props.schedule === undefined)) {
      throw new Error(`${this.node.path} needs either an event pattern or a schedule`);
    }
    if (props.target.deadLetterQueue === undefined) {
      throw new Error(
        `${props.target.node.path} is the target of an event rule but is not an 'event' function (no dead-letter queue)`,
      );
    }
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.deadLetterKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the rule',
    );
    this.rule = new Rule(this, 'Rule', {
      description: props.description,
      ...(props.schedule
        ? { schedule: props.schedule }
        : { eventBus: props.bus, eventPattern: props.eventPattern }),
      targets: [
        new LambdaFunction(props.target.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: props.retryAttempts ?? 8,
          maxEventAge: props.maxEventAge ?? Duration.hours(24),
        }),
      ],
    });
  }
}
