/**
 * The platform's constructs in a test stack, with the settings that keep failures from being lost:
 * dead-letter queues and retry policies on rule targets, bisect / bounded retries / on-failure
 * destination on stream consumers, exact grants and alarms. Then the stateless stack wiring a
 * declared rule and stream consumer (none is declared for the sample provinces yet).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AttributeType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Schedule } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventRule } from '#events/routing/rules.ts';
import type { Worker } from '#functions/workers.ts';
import { DomainFunction, type DomainFunctionProps } from '#infra/cdk/constructs/domain-function.ts';
import { EventRuleTarget } from '#infra/cdk/constructs/event-rule-target.ts';
import { Monitoring } from '#infra/cdk/constructs/monitoring.ts';
import { StreamConsumer } from '#infra/cdk/constructs/stream-consumer.ts';
import type { FunctionProfile } from '#infra/cdk/function-profiles.ts';
import { addProvinceStacks } from '#infra/cdk/province-app.ts';
import { provinces } from '#infra/provinces/index.ts';
import { mainTable } from '#infra/resources.ts';
import {
  asArray,
  type CfnTemplate,
  cdkContext,
  policyStatements,
  resourcesOfType,
} from './support/province-synthesis.ts';

const ENTRY = 'tests/infra/fixtures/echo-handler.ts';

interface Built {
  template: Template;
  json: CfnTemplate;
  stack: Stack;
  ids: Record<string, string>;
}

let built: Built;

function newApp(): App {
  return new App({ outdir: mkdtempSync(join(tmpdir(), 'vnpp-constructs-')), context: cdkContext() });
}

function buildConstructStack(): Built {
  const app = newApp();
  const stack = new Stack(app, 'Constructs', { env: { account: '333333333333', region: 'ap-southeast-1' } });
  const key = new Key(stack, 'Key', { enableKeyRotation: true });
  const table = new Table(stack, 'Table', {
    partitionKey: { name: 'PK', type: AttributeType.STRING },
    sortKey: { name: 'SK', type: AttributeType.STRING },
    stream: StreamViewType.NEW_AND_OLD_IMAGES,
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
  });
  // Referenced by name, as the stateless stack does: object grants get a literal ARN.
  const bucket = Bucket.fromBucketName(stack, 'Bucket', 'vnpp-test-files-333333333333');
  const bus = new EventBus(stack, 'Bus', { eventBusName: 'vnpp-test-events' });
  const common: Omit<DomainFunctionProps, 'functionName' | 'invocation'> = {
    entry: ENTRY,
    description: 'test',
    environment: {},
    logKey: key,
    logRetention: RetentionDays.ONE_MONTH,
  };
  const consumer = new DomainFunction(stack, 'consumer', {
    ...common,
    functionName: 'vnpp-test-consumer',
    invocation: { kind: 'event', deadLetterKey: key },
  });
  const publisher = new DomainFunction(stack, 'publisher', {
    ...common,
    functionName: 'vnpp-test-publisher',
    invocation: { kind: 'stream' },
  });
  const api = new DomainFunction(stack, 'api', {
    ...common,
    functionName: 'vnpp-test-api',
    invocation: { kind: 'api' },
    reservedConcurrency: 5,
  });
  api.grantTable(table, mainTable, 'read-write', key);
  api.grantBucket(bucket, 'read');
  consumer.grantTable(table, mainTable, 'describe', key);

  const onEvent = new EventRuleTarget(stack, 'OnAgencyChanged', {
    bus,
    eventPattern: { source: ['vnpp.agencies'], detailType: ['AgencyChanged'] },
    description: 'test rule',
    target: consumer,
    deadLetterKey: key,
  });
  const nightly = new EventRuleTarget(stack, 'Nightly', {
    schedule: Schedule.cron({ minute: '0', hour: '17' }),
    description: 'test schedule',
    target: consumer,
    deadLetterKey: key,
    retryAttempts: 3,
    maxEventAge: Duration.hours(2),
  });
  const outbox = new StreamConsumer(stack, 'Outbox', {
    table,
    consumer: publisher,
    key,
    filters: [
      FilterCriteria.filter({ dynamodb: { NewImage: { entityType: { S: FilterRule.isEqual('OUTBOX') } } } }),
    ],
  });
  new Monitoring(stack, 'Monitoring', {
    prefix: 'vnpp-test',
    api: new HttpApi(stack, 'Api'),
    functions: [consumer, publisher, api],
    queues: [
      { name: 'consumer', queue: consumer.deadLetterQueue! },
      { name: 'rule', queue: onEvent.deadLetterQueue },
      { name: 'outbox', queue: outbox.onFailureQueue },
    ],
    rules: [
      { name: 'on-agency-changed', rule: onEvent.rule, eventBusName: bus.eventBusName },
      { name: 'nightly', rule: nightly.rule },
    ],
    alarmEmail: 'ops@example.com',
    topicKey: key,
    p99LatencyMs: 2000,
    serverErrorPercent: 2,
  });
  app.synth();
  const template = Template.fromStack(stack);
  const json = template.toJSON() as CfnTemplate;
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  return {
    template,
    json,
    stack,
    ids: {
      key: logicalId(key),
      table: logicalId(table),
      bus: logicalId(bus),
      consumer: logicalId(consumer.function),
      consumerDlq: logicalId(consumer.deadLetterQueue!),
      publisher: logicalId(publisher.function),
      api: logicalId(api.function),
      apiRole: logicalId(api.role),
      ruleDlq: logicalId(onEvent.deadLetterQueue),
      ruleOnEvent: logicalId(onEvent.rule),
      ruleNightly: logicalId(nightly.rule),
      nightlyDlq: logicalId(nightly.deadLetterQueue),
      outboxQueue: logicalId(outbox.onFailureQueue),
    },
  };
}

beforeAll(() => {
  built = buildConstructStack();
}, 120_000);

describe('EventRuleTarget', () => {
  it('gives the target a dead-letter queue and bounded retries', () => {
    const { template, ids } = built;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: ids.bus },
      EventPattern: { source: ['vnpp.agencies'], 'detail-type': ['AgencyChanged'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [ids.consumer, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ids.ruleDlq, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 17 * * ? *)',
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ids.nightlyDlq, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7_200 },
        }),
      ],
    });
  });

  it('encrypts its dead-letter queue, requires TLS and lets only its rule send to it', () => {
    const { template, ids } = built;
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [ids.key, 'Arn'] },
      MessageRetentionPeriod: 1_209_600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids.ruleDlq }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ids.ruleOnEvent, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('refuses a target without its own dead-letter queue, and a rule with both a pattern and a schedule', () => {
    const stack = new Stack(newApp(), 'Refusals');
    const key = new Key(stack, 'Key');
    const bus = new EventBus(stack, 'Bus');
    const apiFunction = new DomainFunction(stack, 'api', {
      functionName: 'vnpp-test-refused',
      entry: ENTRY,
      description: 'test',
      environment: {},
      logKey: key,
      logRetention: RetentionDays.ONE_MONTH,
      invocation: { kind: 'api' },
    });
    expect(
      () =>
        new EventRuleTarget(stack, 'NoDlq', {
          bus,
          eventPattern: { source: ['x'] },
          description: 'test',
          target: apiFunction,
          deadLetterKey: key,
        }),
    ).toThrow(/not an 'event' function/);
    expect(
      () =>
        new EventRuleTarget(stack, 'Both', {
          bus,
          eventPattern: { source: ['x'] },
          schedule: Schedule.rate(Duration.hours(1)),
          description: 'test',
          target: apiFunction,
          deadLetterKey: key,
        }),
    ).toThrow(/either an event pattern or a schedule/);
  });
});

describe('DomainFunction', () => {
  it('fixes runtime, architecture, tracing and logging for every function', () => {
    const { json } = built;
    const functions = resourcesOfType(json, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(3);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: expect.anything() },
        MemorySize: 1024,
        Timeout: 10,
      });
    }
    built.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/vnpp-test-api',
      RetentionInDays: 30,
      KmsKeyId: { 'Fn::GetAtt': [built.ids.key, 'Arn'] },
    });
    // Own roles: no AWS managed policy (AWSLambdaBasicExecutionRole would allow every log group).
    for (const [, role] of resourcesOfType(json, 'AWS::IAM::Role')) {
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('sends failed asynchronous invocations of an event function to its dead-letter queue after 2 retries', () => {
    const { template, ids } = built;
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'vnpp-test-consumer',
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [ids.consumerDlq, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.consumer },
      MaximumRetryAttempts: 2,
    });
    for (const name of ['vnpp-test-api', 'vnpp-test-publisher']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: name,
        DeadLetterConfig: Match.absent(),
      });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'vnpp-test-api',
      ReservedConcurrentExecutions: 5,
    });
  });

  it('grants exact table, index and object actions, and KMS only through the service', () => {
    const { json, ids } = built;
    const statements = policyStatements(json)
      .filter(({ resourceId }) => resourceId.startsWith('apiRole'))
      .map(({ statement }) => statement);
    const dynamo = statements.find((statement) => asArray(statement.Action).includes('dynamodb:PutItem'))!;
    expect(asArray(dynamo.Action).sort()).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:DescribeTable',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ].sort(),
    );
    expect(asArray(dynamo.Action)).not.toContain('dynamodb:Scan');
    expect(dynamo.Resource).toEqual([
      { 'Fn::GetAtt': [ids.table, 'Arn'] },
      ...mainTable.globalIndexes.map((index) => ({
        'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.table, 'Arn'] }, `/index/${index.name}`]],
      })),
    ]);
    const kms = statements.find((statement) => asArray(statement.Action).includes('kms:Encrypt'))!;
    expect(kms.Condition).toEqual({
      StringEquals: { 'kms:ViaService': 'dynamodb.ap-southeast-1.amazonaws.com' },
    });
    const objects = statements.find((statement) => asArray(statement.Action).includes('s3:GetObject'))!;
    expect(objects.Resource).toBe('arn:aws:s3:::vnpp-test-files-333333333333/*');
    expect(asArray(objects.Action)).not.toContain('s3:PutObject');
    const describe = policyStatements(json)
      .filter(({ resourceId }) => resourceId.startsWith('consumerRole'))
      .map(({ statement }) => statement)
      .find((statement) => asArray(statement.Action).includes('dynamodb:DescribeTable'))!;
    expect(describe.Action).toBe('dynamodb:DescribeTable');
    expect(describe.Resource).toEqual({ 'Fn::GetAtt': [ids.table, 'Arn'] });
  });
});

describe('StreamConsumer', () => {
  it('bisects failing batches, retries a bounded number of times and keeps what failed', () => {
    const { template, ids } = built;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.publisher },
      EventSourceArn: { 'Fn::GetAtt': [ids.table, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 86_400,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids.outboxQueue, 'Arn'] } } },
      FilterCriteria: { Filters: [{ Pattern: Match.stringLikeRegexp('OUTBOX') }] },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [ids.key, 'Arn'] } });
  });

  it('refuses a table without a stream', () => {
    const stack = new Stack(newApp(), 'NoStream');
    const key = new Key(stack, 'Key');
    const table = new Table(stack, 'Plain', { partitionKey: { name: 'PK', type: AttributeType.STRING } });
    const consumer = new DomainFunction(stack, 'fn', {
      functionName: 'vnpp-test-nostream',
      entry: ENTRY,
      description: 'test',
      environment: {},
      logKey: key,
      logRetention: RetentionDays.ONE_MONTH,
      invocation: { kind: 'stream' },
    });
    expect(() => new StreamConsumer(stack, 'Consumer', { table, consumer, key })).toThrow(/has no stream/);
  });
});

describe('Monitoring', () => {
  it('alarms on every queue, rule and function, and notifies the encrypted topic', () => {
    const { json, ids } = built;
    const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);
    // 2 API alarms + 2 per function + 1 per queue + 1 per rule.
    expect(alarms).toHaveLength(2 + 3 * 2 + 3 + 2);
    const names = alarms.map((alarm) => alarm.AlarmName);
    expect(names).toEqual(
      expect.arrayContaining([
        'vnpp-test-api-5xx-rate',
        'vnpp-test-api-latency-p99',
        'vnpp-test-consumer-throttles',
        'vnpp-test-publisher-errors',
        'vnpp-test-dlq-outbox',
        'vnpp-test-rule-nightly-failed-deliveries',
      ]),
    );
    const scheduled = alarms.find((alarm) => alarm.AlarmName === 'vnpp-test-rule-nightly-failed-deliveries')!;
    expect(scheduled.Dimensions).toEqual([{ Name: 'RuleName', Value: { Ref: ids.ruleNightly } }]);
    built.template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'vnpp-test-alarms',
      KmsMasterKeyId: { 'Fn::GetAtt': [ids.key, 'Arn'] },
    });
  });
});

describe('stateless stack wiring of workers and bus rules', () => {
  // None of these exists for the sample provinces yet: they exercise the wiring on their own.
  const dongNai = provinces.find((candidate) => candidate.code === 'dong-nai')!;
  // Its reserved concurrency names the platform function, which these tests leave out.
  const province = { ...dongNai, deployment: { ...dongNai.deployment!, reservedConcurrency: {} } };
  const workers: Worker[] = [
    {
      id: 'outbox-publisher',
      entry: ENTRY,
      description: 'test publisher',
      trigger: { kind: 'table-stream', entityTypes: ['outbox'] },
    },
    { id: 'payments-reconcile', entry: ENTRY, description: 'test consumer', trigger: { kind: 'event-rule' } },
    {
      id: 'nightly-report',
      entry: ENTRY,
      description: 'test job',
      trigger: { kind: 'schedule', expression: 'cron(0 17 * * ? *)' },
    },
  ];
  const workerProfiles: Record<string, FunctionProfile> = {
    'outbox-publisher': { tables: {}, publishEvents: true },
    'payments-reconcile': { tables: { main: 'read-write' }, paymentGatewaySecrets: true },
  };
  const eventRules: EventRule[] = [
    {
      id: 'payment-confirmed',
      description: 'test rule',
      workerId: 'payments-reconcile',
      pattern: { source: ['vnpp.payments'], 'detail-type': ['PaymentConfirmed'] },
    },
  ];

  it('builds each worker with its trigger, dead-letter or on-failure queue, and alarm', () => {
    const app = newApp();
    const { stateless } = addProvinceStacks(app, province, {
      apiFunctions: [],
      workers,
      workerProfiles,
      eventRules,
    });
    app.synth();
    const template = Template.fromStack(stateless);
    const json = template.toJSON() as CfnTemplate;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: true,
      EventSourceArn: Match.objectLike({
        'Fn::GetStackOutput': Match.objectLike({ StackName: 'vnpp-dong-nai-stateful' }),
      }),
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { NewImage: { entityType: { S: ['outbox'] } } },
            }),
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['vnpp.payments'], 'detail-type': ['PaymentConfirmed'] },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 17 * * ? *)',
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'vnpp-dong-nai-outbox-publisher',
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: Match.anyValue() }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'vnpp-dong-nai-payments-reconcile',
      Environment: {
        Variables: Match.objectLike({
          PAYMENT_GATEWAYS: JSON.stringify(province.deployment!.paymentGateways),
        }),
      },
    });
    // Secrets of this province only, named in its file.
    const secretArns = policyStatements(json)
      .filter(({ statement }) => asArray(statement.Action).includes('secretsmanager:GetSecretValue'))
      .flatMap(({ statement }) => asArray(statement.Resource))
      .map((resource) => JSON.stringify(resource));
    expect(secretArns).toHaveLength(province.deployment.paymentGateways.length);
    for (const arn of secretArns) expect(arn).toContain('secret:vnpp/dong-nai/payment/');
    // Only the publisher may put events, on this province's bus.
    const putEvents = policyStatements(json).filter(({ statement }) =>
      asArray(statement.Action).includes('events:PutEvents'),
    );
    expect(putEvents).toHaveLength(1);
    // Workers without a profile get the default: main-table items, nothing else.
    const reportPolicy = policyStatements(json)
      .filter(({ resourceId }) => resourceId.startsWith('nightlyreportRole'))
      .flatMap(({ statement }) => asArray(statement.Action));
    expect(reportPolicy).toContain('dynamodb:PutItem');
    expect(reportPolicy.filter((action) => action.startsWith('s3:') || action.startsWith('events:'))).toEqual(
      [],
    );
    // bus + 2 function DLQs + schedule DLQ + rule DLQ + stream on-failure: each with its alarm.
    const queueAlarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm').filter(
      ([, alarm]) => alarm.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(queueAlarms).toHaveLength(6);
  });

  it('refuses a bus rule whose target is not an event-rule worker', () => {
    expect(() =>
      addProvinceStacks(newApp(), province, {
        apiFunctions: [],
        workers,
        workerProfiles,
        eventRules: [{ ...eventRules[0]!, workerId: 'outbox-publisher' }],
      }),
    ).toThrow(/not a worker with an 'event-rule' trigger/);
  });
});
