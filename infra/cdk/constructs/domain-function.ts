/**
 * The one way this platform builds a Lambda function (house style §9). Runtime, architecture,
 * bundling, tracing, logging and permissions are fixed here, so every domain function (API, event
 * consumer, stream consumer) is deployed the same way and reviewed once.
 *
 * Permissions are granted by what a function does (`grantTable(…, 'read')`), never with `*`
 * actions: each grant names the actions and the exact table, index, bucket or bus ARNs, and KMS use
 * is limited to calls made through that service (`kms:ViaService`).
 */
import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsVersions,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TableDefinition } from '../../resources.ts';
import { LAMBDA_BUNDLING, LAMBDA_NODE_OPTIONS } from '../bundling.ts';
import { acknowledge } from '../nag.ts';
import { REPO_ROOT } from '../paths.ts';

export type TableAccess = 'describe' | 'read' | 'read-write';
export type BucketAccess = 'head' | 'read' | 'write' | 'read-write';

/** Item-level actions only: no Scan (every access pattern has a key or an index). */
const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  describe: ['dynamodb:DescribeTable'],
  read: [
    'dynamodb:DescribeTable',
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
  ],
  'read-write': [
    'dynamodb:DescribeTable',
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

const TABLE_KEY_ACTIONS: Record<TableAccess, readonly string[]> = {
  describe: [],
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  'read-write': ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
};

const OBJECT_ACTIONS: Record<BucketAccess, readonly string[]> = {
  head: [],
  read: ['s3:GetObject', 's3:GetObjectVersion'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload'],
  'read-write': [
    's3:GetObject',
    's3:GetObjectVersion',
    's3:PutObject',
    's3:AbortMultipartUpload',
    's3:DeleteObject',
  ],
};

const BUCKET_KEY_ACTIONS: Record<BucketAccess, readonly string[]> = {
  head: [],
  read: ['kms:Decrypt'],
  // Multipart uploads decrypt the data key again to complete the object.
  write: ['kms:GenerateDataKey', 'kms:Decrypt'],
  'read-write': ['kms:GenerateDataKey', 'kms:Decrypt'],
};

export interface BundleFiles {
  /** Absolute folder the files are copied from. */
  readonly fromDir: string;
  readonly files: readonly string[];
  /** Folder inside the bundle (becomes `/var/task/<toDir>` in Lambda). */
  readonly toDir: string;
}

export interface DomainFunctionProps {
  /** Physical name, `<province prefix>-<id>`. */
  readonly functionName: string;
  /** Handler module relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Encrypts the function's log group. */
  readonly logKey: IKey;
  readonly logRetention: RetentionDays;
  /** @default 1024 MB: more memory is more CPU, which shortens cold starts of the bundled SDK. */
  readonly memorySize?: number;
  /** @default 10 s for API functions (API Gateway gives up after 30 s). */
  readonly timeout?: Duration;
  /** Caps and guarantees concurrency; undefined leaves the function on the account's shared pool. */
  readonly reservedConcurrency?: number;
  /** Static files the handler reads at run time (e.g. Swagger UI), copied next to the bundle. */
  readonly bundleFiles?: BundleFiles;
  /** How the function is invoked decides where its failures go. */
  readonly invocation: Invocation;
  /** Adds AWS's Parameters and Secrets extension (secrets read over localhost:2773, cached). */
  readonly secretsExtension?: boolean;
}

/**
 * - `api`: synchronous, from API Gateway; the caller gets the error, there is nothing to dead-letter.
 * - `event`: asynchronous, from EventBridge; after Lambda's retries the event goes to the
 *   function's dead-letter queue (encrypted with `deadLetterKey`).
 * - `stream`: polled by an event source mapping, which has its own on-failure destination
 *   (constructs/stream-consumer.ts).
 */
export type Invocation =
  | { readonly kind: 'api' }
  | { readonly kind: 'event'; readonly deadLetterKey: IKey; readonly retryAttempts?: number }
  | { readonly kind: 'stream' };

export class DomainFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: IRole;
  readonly logGroup: LogGroup;
  /** Where failed asynchronous invocations end up (`event` functions only). */
  readonly deadLetterQueue: Queue | undefined;

  constructor(scope: Construct, id: string, props: DomainFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      encryptionKey: props.logKey,
    });

    // An own role instead of the default one: the default attaches the AWS managed
    // AWSLambdaBasicExecutionRole, which may write to every log group of the account.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.functionName}`,
    });
    this.logGroup.grantWrite(role);
    this.role = role;

    const invocation = props.invocation;
    this.deadLetterQueue =
      invocation.kind === 'event'
        ? new Queue(this, 'DeadLetters', {
            encryption: QueueEncryption.KMS,
            encryptionMasterKey: invocation.deadLetterKey,
            enforceSSL: true,
            retentionPeriod: Duration.days(14),
          })
        : undefined;

    const bundleFiles = props.bundleFiles;
    this.function = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      ...(props.secretsExtension
        ? { paramsAndSecrets: ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103) }
        : {}),
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      ...(invocation.kind === 'event'
        ? { deadLetterQueue: this.deadLetterQueue, retryAttempts: invocation.retryAttempts ?? 2 }
        : {}),
      environment: {
        ...props.environment,
        NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
      },
      bundling: {
        ...LAMBDA_BUNDLING,
        ...(bundleFiles
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_inputDir: string, outputDir: string) => [
                  `mkdir -p "${outputDir}/${bundleFiles.toDir}"`,
                  ...bundleFiles.files.map(
                    (file) =>
                      `cp "${join(bundleFiles.fromDir, file)}" "${outputDir}/${bundleFiles.toDir}/${file}"`,
                  ),
                ],
              },
            }
          : {}),
      },
    });

    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords' +
        (props.invocation.kind === 'stream'
          ? ' and dynamodb:ListStreams (added by the stream event source)'
          : '') +
        ' support no resource-level permissions; they give no access to data',
    );
    acknowledge(
      role,
      'NIST.800.53.R5-IAMNoInlinePolicy',
      'The inline policy belongs to this one function role and is created and deleted with it (a 1:1 policy, as IAM recommends for inline policies); it lists only the grants the function needs',
    );
    acknowledge(
      this.function,
      'AwsSolutions-L1',
      'nodejs22.x is the LTS line this code base targets and tests (esbuild target node22, supported by Lambda until 2027); moving to a newer runtime is a deliberate upgrade with its own test run',
    );
    acknowledge(
      this.function,
      'NIST.800.53.R5-LambdaInsideVPC',
      'The function reaches only AWS APIs (DynamoDB, S3, EventBridge, Secrets Manager) over TLS with IAM; there is no private network resource, so a VPC would add NAT cost and cold-start latency without a control',
    );
    if (invocation.kind === 'event' && this.deadLetterQueue) {
      // Lambda sends to the dead-letter queue with the function's role.
      this.grantKeyVia(invocation.deadLetterKey, 'sqs', ['kms:GenerateDataKey', 'kms:Decrypt']);
      acknowledge(
        this.deadLetterQueue,
        'AwsSolutions-SQS3',
        'This queue is itself the dead-letter queue of the function',
      );
    } else {
      acknowledge(
        this.function,
        'NIST.800.53.R5-LambdaDLQ',
        invocation.kind === 'api'
          ? 'Invoked synchronously by API Gateway: the caller receives the error, there is no event to dead-letter'
          : 'Invoked by a stream event source mapping, whose on-failure destination receives the failed batches',
      );
    }
    if (props.reservedConcurrency === undefined) {
      acknowledge(
        this.function,
        'NIST.800.53.R5-LambdaConcurrency',
        'Bounded by the API stage throttle instead; reserving concurrency for every function would split the account pool and fail deploys in accounts with the default quota. Functions that need a cap get one from the province file (deployment.reservedConcurrency)',
      );
    }
  }

  get functionName(): string {
    return this.function.functionName;
  }

  /** Item access to a table built from `definition`, its indexes named one by one (no `index/*`). */
  grantTable(table: ITable, definition: TableDefinition, access: TableAccess, key?: IKey): void {
    const resources =
      access === 'describe'
        ? [table.tableArn]
        : [
            table.tableArn,
            ...definition.globalIndexes.map((index) => `${table.tableArn}/index/${index.name}`),
          ];
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...TABLE_ACTIONS[access]], resources }));
    const keyActions = TABLE_KEY_ACTIONS[access];
    if (key && keyActions.length > 0) this.grantKeyVia(key, 'dynamodb', keyActions);
  }

  /**
   * Object access to one bucket. Object keys are data (prefixed by agency), so objects are named
   * `<bucket ARN>/*`: the wildcard stays inside this one bucket.
   */
  grantBucket(bucket: IBucket, access: BucketAccess, key?: IKey): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
    const objectActions = OBJECT_ACTIONS[access];
    if (objectActions.length > 0) {
      const objects = bucket.arnForObjects('*');
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: [...objectActions], resources: [objects] }),
      );
      const literal = Stack.of(this).resolve(objects);
      if (typeof literal === 'string') {
        acknowledge(
          this.role,
          `AwsSolutions-IAM5[Resource::${literal}]`,
          'Object keys are data (prefixed by agency code); the grant covers the objects of this one bucket only',
        );
      }
    }
    const keyActions = BUCKET_KEY_ACTIONS[access];
    if (key && keyActions.length > 0) this.grantKeyVia(key, 's3', keyActions);
  }

  grantPutEvents(bus: IEventBus): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }),
    );
  }

  /** Read one secret; `key` is the KMS key it is encrypted with when that is not the AWS managed one. */
  grantSecretRead(secret: ISecret, key?: IKey): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [secret.secretArn],
      }),
    );
    const secretKey = key ?? secret.encryptionKey;
    if (secretKey) this.grantKeyVia(secretKey, 'secretsmanager', ['kms:Decrypt']);
  }

  /** KMS use only when the call comes through `service` in this region (not direct decryption). */
  grantKeyVia(key: IKey, service: string, actions: readonly string[]): void {
    const stack = Stack.of(this);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...actions],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `${service}.${stack.region}.amazonaws.com` } },
      }),
    );
  }
}
