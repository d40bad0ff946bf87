/**
 * Alarms and a dashboard for one province. Every alarm notifies the province's ops address
 * through one encrypted SNS topic, and says OK again when it clears. What is watched:
 * - the API: 5xx rate (a percentage of requests, so quiet nights do not page) and p99 latency;
 * - every function: throttles and unhandled errors;
 * - every dead-letter / on-failure queue: any message at all (something was given up on);
 * - every event rule: failed deliveries to its target.
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DomainFunction } from './domain-function.ts';

export interface WatchedQueue {
  /** Short name used in the alarm name, e.g. `bus`, `agencies-on-failure`. */
  readonly name: string;
  readonly queue: IQueue;
}

export interface WatchedRule {
  readonly name: string;
  readonly rule: IRule;
  /** Absent for rules on the default bus (schedules), whose metrics carry only RuleName. */
  readonly eventBusName?: string;
}

export interface MonitoringProps {
  /** Province prefix; alarm and dashboard names start with it. */
  readonly prefix: string;
  readonly api: IHttpApi;
  readonly functions: readonly DomainFunction[];
  readonly queues: readonly WatchedQueue[];
  readonly rules: readonly WatchedRule[];
  readonly alarmEmail: string;
  /** Encrypts the alarm topic; its key policy lets CloudWatch use it. */
  readonly topicKey: IKey;
  readonly p99LatencyMs: number;
  readonly serverErrorPercent: number;
}

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { prefix } = props;

    this.topic = new Topic(this, 'Alarms', {
      topicName: `${prefix}-alarms`,
      displayName: `${prefix} alarms`,
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (
      alarmId: string,
      name: string,
      description: string,
      metric: IMetric,
      threshold: number,
      evaluation: { periods: number; datapoints: number } = { periods: 1, datapoints: 1 },
    ) => {
      const created = new Alarm(this, alarmId, {
        alarmName: `${prefix}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: evaluation.periods,
        datapointsToAlarm: evaluation.datapoints,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    const minute = Duration.minutes(1);
    const requests = props.api.metricCount({ statistic: 'Sum', period: minute });
    const serverErrors = props.api.metricServerError({ statistic: 'Sum', period: minute });
    const serverErrorRate = new MathExpression({
      label: '5xx rate (%)',
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      period: minute,
    });
    alarm(
      'Api5xxRate',
      'api-5xx-rate',
      `More than ${props.serverErrorPercent}% of API requests ended in a 5xx in 3 of the last 5 minutes`,
      serverErrorRate,
      props.serverErrorPercent,
      { periods: 5, datapoints: 3 },
    );
    const latencyP99 = props.api.metricLatency({ statistic: 'p99', period: Duration.minutes(5) });
    alarm(
      'ApiLatencyP99',
      'api-latency-p99',
      `p99 API latency above ${props.p99LatencyMs} ms for 10 of the last 15 minutes`,
      latencyP99,
      props.p99LatencyMs,
      { periods: 3, datapoints: 2 },
    );

    const fiveMinutes = Duration.minutes(5);
    for (const fn of props.functions) {
      const id = fn.node.id;
      alarm(
        `${id}Throttles`,
        `${id}-throttles`,
        `${id}: invocations were throttled (reserved concurrency or account limit reached)`,
        fn.function.metricThrottles({ statistic: 'Sum', period: fiveMinutes }),
        0,
      );
      alarm(
        `${id}Errors`,
        `${id}-errors`,
        `${id}: unhandled errors (the handler failed, not a 4xx)`,
        fn.function.metricErrors({ statistic: 'Sum', period: fiveMinutes }),
        0,
      );
    }
    for (const { name, queue } of props.queues) {
      alarm(
        `Queue-${name}`,
        `dlq-${name}`,
        `Dead-letter queue ${name} holds messages: something failed after all retries; inspect and redrive`,
        queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: fiveMinutes }),
        0,
      );
    }
    for (const { name, rule, eventBusName } of props.rules) {
      alarm(
        `Rule-${name}`,
        `rule-${name}-failed-deliveries`,
        `Event rule ${name} failed to deliver events to its target`,
        new Metric({
          namespace: 'AWS/Events',
          metricName: 'FailedInvocations',
          dimensionsMap: eventBusName
            ? { EventBusName: eventBusName, RuleName: rule.ruleName }
            : { RuleName: rule.ruleName },
          statistic: 'Sum',
          period: fiveMinutes,
        }),
        0,
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${prefix}-overview`,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${prefix}\nAPI, functions and dead-letter queues`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'API requests', left: [requests], width: 8 }),
      new GraphWidget({
        title: 'API errors',
        left: [props.api.metricClientError({ statistic: 'Sum', period: minute }), serverErrors],
        right: [serverErrorRate],
        width: 8,
      }),
      new GraphWidget({
        title: 'API latency',
        left: [props.api.metricLatency({ statistic: 'p50', period: fiveMinutes }), latencyP99],
        width: 8,
      }),
    );
    if (props.functions.length > 0) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'Invocations',
          left: props.functions.map((fn) =>
            fn.function.metricInvocations({ label: fn.node.id, period: fiveMinutes }),
          ),
          width: 8,
        }),
        new GraphWidget({
          title: 'Errors and throttles',
          left: props.functions.flatMap((fn) => [
            fn.function.metricErrors({ label: `${fn.node.id} errors`, period: fiveMinutes }),
            fn.function.metricThrottles({ label: `${fn.node.id} throttles`, period: fiveMinutes }),
          ]),
          width: 8,
        }),
        new GraphWidget({
          title: 'Duration p99',
          left: props.functions.map((fn) =>
            fn.function.metricDuration({ label: fn.node.id, statistic: 'p99', period: fiveMinutes }),
          ),
          width: 8,
        }),
      );
    }
    if (props.queues.length > 0) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'Dead-letter queues (messages visible)',
          left: props.queues.map(({ name, queue }) =>
            queue.metricApproximateNumberOfMessagesVisible({
              label: name,
              statistic: 'Maximum',
              period: fiveMinutes,
            }),
          ),
          width: 24,
        }),
      );
    }
  }
}
