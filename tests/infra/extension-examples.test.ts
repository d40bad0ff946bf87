/**
 * Issue 11: the worked example of a vendor's event subscriber synthesizes: its function (built by
 * DomainFunction: Node 22, arm64, tracing, own DLQ) behind a rule on the province bus with the
 * subscriber's pattern, retries and a dead-letter queue, and an exact table grant.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { addResultReadyNotifier } from '../../examples/event-subscriber/cdk.ts';
import { cdkContext } from './support/province-synthesis.ts';

let template: Template;
let ids: Record<string, string>;

beforeAll(() => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'vnpp-ext-')), context: cdkContext() });
  const stack = new Stack(app, 'VendorExtension', {
    env: { account: '333333333333', region: 'ap-southeast-1' },
  });
  const key = new Key(stack, 'Key', { enableKeyRotation: true });
  const table = new Table(stack, 'Table', {
    partitionKey: { name: 'PK', type: AttributeType.STRING },
    sortKey: { name: 'SK', type: AttributeType.STRING },
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
  });
  const bus = new EventBus(stack, 'Bus', { eventBusName: 'vnpp-vinh-phuc-events' });
  const notifier = addResultReadyNotifier(stack, {
    prefix: 'vnpp-vinh-phuc',
    bus,
    table,
    dataKey: key,
    logKey: key,
    logRetention: RetentionDays.ONE_MONTH,
  });
  app.synth();
  template = Template.fromStack(stack);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  ids = {
    fn: logicalId(notifier.function.function),
    bus: logicalId(bus),
    table: logicalId(table),
    ruleDlq: logicalId(notifier.target.deadLetterQueue),
  };
}, 180_000);

describe('examples/event-subscriber as CDK', () => {
  it('deploys the handler as a Node 22 arm64 function with the table and bus names', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'vnpp-vinh-phuc-example-result-ready',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: { Ref: ids.table },
          POWERTOOLS_SERVICE_NAME: 'example-result-ready',
        }),
      },
    });
  });

  it("routes the subscriber's pattern on the province bus, with retries and a dead-letter queue", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: ids.bus },
      EventPattern: {
        source: ['vnpp.dossiers'],
        'detail-type': ['DossierStatusChanged'],
        detail: { data: { toStatus: ['released'] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [ids.fn, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ids.ruleDlq, 'Arn'] } },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
        }),
      ],
    });
  });

  it('grants item-level table actions on that table only (no Scan)', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: { Action: unknown }[] } } }).Properties
          .PolicyDocument.Statement,
    );
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toContain('dynamodb:PutItem');
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:*');
  });
});
