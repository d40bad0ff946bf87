/**
 * The stateful half of a province: what holds data and must outlive any deployment. Keys, the
 * table(s) and buckets (built from the shared definitions in infra/resources.ts, the same ones the
 * local runtime provisions), the event bus with its archive, the user pool, the backup plan.
 *
 * Everything here is retained when the stack is deleted or a resource is removed from the code;
 * the table and the user pool also carry deletion protection. Tearing a province down is a
 * deliberate, manual procedure (docs/deploy.md).
 */
import {
  CfnOutput,
  CfnResource,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
} from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Archive, EventBus, Schedule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ROLES, type Role } from '#shared/http/route.ts';
import type { ProvinceConfig, ProvinceDeployment } from '../provinces/province-config.ts';
import {
  type BucketDefinition,
  buckets,
  type KeyAttribute,
  type TableDefinition,
  tables,
} from '../resources.ts';
import { acknowledge } from './nag.ts';
import { provincePrefix } from './naming.ts';

export interface StatefulStackProps extends StackProps {
  readonly province: ProvinceConfig;
  readonly deployment: ProvinceDeployment;
}

/** What the stateless stack of the same province uses (never another province's). */
export interface ProvinceData {
  /** Table, buckets, bus archive, backups, dead-letter queues: everything that holds citizens' data. */
  readonly dataKey: Key;
  /** Logs and alarm notifications. */
  readonly opsKey: Key;
  readonly tables: ReadonlyMap<TableDefinition, Table>;
  readonly buckets: ReadonlyMap<BucketDefinition, Bucket>;
  readonly bus: EventBus;
  readonly busDeadLetterQueue: Queue;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
}

/** Custom attribute carrying the agency of a staff user; in ID tokens as `custom:agency_code`. */
export const AGENCY_CODE_ATTRIBUTE = 'agency_code';

const ROLE_DESCRIPTIONS: Record<Role, string> = {
  citizen: 'Citizens and businesses (công dân, doanh nghiệp)',
  clerk: 'One-stop-shop counter clerks and document clerks (bộ phận một cửa, văn thư)',
  specialist: 'Specialists who process dossiers and documents (chuyên viên)',
  leader: 'Leaders who approve and sign (lãnh đạo)',
  'agency-admin': 'Administrators of one agency',
  'province-admin': 'Administrators of the whole province stack',
  auditor: 'Read-only auditors (thanh tra, kiểm tra)',
  integration: 'Machine clients of agency systems and the LGSP',
};

/**
 * Bucket names are global, so they are fixed and carry the province and its account: no two
 * provinces can collide, ops can find them, and functions are granted literal ARNs.
 */
export function bucketName(prefix: string, definition: BucketDefinition, account: string): string {
  const name = `${prefix}-${definition.id}-${account}`;
  if (name.length > 63) throw new Error(`Bucket name ${name} is longer than S3's 63 characters`);
  return name;
}

const attributeType = (attribute: KeyAttribute) =>
  attribute.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER;

export class StatefulStack extends Stack implements ProvinceData {
  readonly dataKey: Key;
  readonly opsKey: Key;
  readonly tables: ReadonlyMap<TableDefinition, Table>;
  readonly buckets: ReadonlyMap<BucketDefinition, Bucket>;
  readonly bus: EventBus;
  readonly busDeadLetterQueue: Queue;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { province, deployment } = props;
    const prefix = provincePrefix(province);
    const retention = deployment.retention;

    this.dataKey = this.createDataKey(prefix);
    this.opsKey = this.createOpsKey(prefix);

    this.tables = new Map(tables.map((definition) => [definition, this.createTable(definition)]));
    this.createBackupPlan(prefix, [...this.tables.values()], retention.backupDays);

    const accessLogs = new Bucket(this, 'AccessLogs', {
      // S3 delivers server access logs only to buckets encrypted with S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        {
          expiration: Duration.days(retention.accessLogDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      accessLogs,
      'AwsSolutions-S1',
      'This is the access-log bucket of the province; logging it into itself would loop',
    );
    acknowledge(
      accessLogs,
      'NIST.800.53.R5-S3BucketLoggingEnabled',
      'This is the access-log bucket of the province; logging it into itself would loop',
    );
    acknowledge(
      accessLogs,
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'S3 server access logging cannot deliver to a bucket whose default encryption is SSE-KMS; SSE-S3 is the only supported option',
    );
    acknowledge(
      accessLogs,
      'NIST.800.53.R5-S3BucketReplicationEnabled',
      'Access logs are operational records kept in-region for their retention period; no cross-region copy is required',
    );

    this.buckets = new Map(
      buckets.map((definition) => [
        definition,
        this.createBucket(prefix, definition, accessLogs, deployment),
      ]),
    );

    this.busDeadLetterQueue = new Queue(this, 'BusDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.busDeadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the event bus',
    );
    const busName = `${prefix}-events`;
    const busArn = `arn:${this.partition}:events:${this.region}:${this.account}:event-bus/${busName}`;
    this.allowEventBridgeOnBus(busArn);
    // EventBus does not give itself the right to use its dead-letter queue.
    this.busDeadLetterQueue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'TheBusDeadLetters',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.busDeadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': busArn } },
      }),
    );
    // The bus and archive get the data key by ARN, so they do not add their own key-policy
    // statements naming the bus's Fn::GetAtt ARN: with the bus's dead-letter queue on the same key
    // that is a dependency cycle (key → bus → queue → key). allowEventBridgeOnBus grants the same
    // with the bus's literal ARN.
    const busKey = Key.fromKeyArn(this, 'BusKey', this.dataKey.keyArn);
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: busName,
      description: `Domain events of ${province.name}`,
      kmsKey: busKey,
      deadLetterQueue: this.busDeadLetterQueue,
    });
    const archive = new Archive(this, 'BusArchive', {
      sourceEventBus: this.bus,
      archiveName: busName,
      description: 'Every event of the bus, for replay after a consumer bug',
      eventPattern: { account: [this.account] },
      retention: Duration.days(retention.eventArchiveDays),
      kmsKey: busKey,
    });

    const users = this.createUserPool(prefix);
    this.userPool = users.pool;
    this.userPoolClient = users.client;

    // Nothing stateful is deleted with the stack, down to policies, aliases and groups: deleting the
    // stack (or a resource from this file) leaves everything in the account for a deliberate cleanup.
    for (const construct of this.node.findAll()) {
      if (CfnResource.isCfnResource(construct) && construct.cfnResourceType !== 'AWS::CDK::Metadata') {
        construct.applyRemovalPolicy(RemovalPolicy.RETAIN);
      }
    }

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName, description: 'EVENT_BUS_NAME' });
    new CfnOutput(this, 'EventArchiveArn', {
      value: archive.archiveArn,
      description: 'EVENT_ARCHIVE_ARN (npm run events:replay)',
    });
    for (const [definition, table] of this.tables) {
      new CfnOutput(this, `TableName-${definition.id}`, {
        value: table.tableName,
        description: definition.env,
      });
    }
    for (const [definition, bucket] of this.buckets) {
      new CfnOutput(this, `BucketName-${definition.id}`, {
        value: bucket.bucketName,
        description: definition.env,
      });
    }
  }

  private createDataKey(prefix: string): Key {
    const key = new Key(this, 'DataKey', {
      alias: `alias/${prefix}/data`,
      description:
        'Citizen and agency data: table, buckets, event bus and archive, backups, dead-letter queues',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // EventBridge encrypts the bus, its archive and the messages it puts into dead-letter queues.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EventBridgeInThisAccount',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    return key;
  }

  /** What EventBus would add to the key policy for a CMK-encrypted bus, with the bus's literal ARN. */
  private allowEventBridgeOnBus(busArn: string): void {
    this.dataKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EventBridgeEncryptsTheBus',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncrypt*'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': busArn } },
      }),
    );
  }

  private createOpsKey(prefix: string): Key {
    const key = new Key(this, 'OpsKey', {
      alias: `alias/${prefix}/ops`,
      description: 'Operational data: CloudWatch log groups and alarm notifications',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccount',
        principals: [new ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*`,
          },
        },
      }),
    );
    // Alarms publish to the KMS-encrypted alarm topic.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    return key;
  }

  private createTable(definition: TableDefinition): Table {
    const table = new Table(this, `Table-${definition.id}`, {
      partitionKey: { name: definition.partitionKey.name, type: attributeType(definition.partitionKey) },
      sortKey: { name: definition.sortKey.name, type: attributeType(definition.sortKey) },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      stream: StreamViewType[definition.stream],
      timeToLiveAttribute: definition.timeToLiveAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of definition.globalIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey.name, type: attributeType(index.partitionKey) },
        sortKey: { name: index.sortKey.name, type: attributeType(index.sortKey) },
        // The local runtime creates the same indexes with ALL (infra/local/provision.ts).
        projectionType: ProjectionType.ALL,
      });
    }
    return table;
  }

  /** Daily recovery points kept longer than PITR's 35 days, in a vault that refuses deletion. */
  private createBackupPlan(prefix: string, backedUp: Table[], backupDays: number): void {
    const vault = new BackupVault(this, 'BackupVault', {
      backupVaultName: `${prefix}-backups`,
      encryptionKey: this.dataKey,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: { minRetention: Duration.days(7) },
    });
    const plan = new BackupPlan(this, 'BackupPlan', {
      backupPlanName: `${prefix}-daily`,
      backupVault: vault,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'Daily',
          // Outside office hours.
          scheduleExpression: Schedule.cron({ hour: '1', minute: '0' }),
          scheduleExpressionTimezone: TimeZone.ASIA_HO_CHI_MINH,
          deleteAfter: Duration.days(backupDays),
        }),
      ],
    });
    const selection = plan.addSelection('Tables', {
      resources: backedUp.map((table) => BackupResource.fromDynamoDbTable(table)),
    });
    acknowledge(
      selection,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AWS Backup assumes this role; AWSBackupServiceRolePolicyForBackup is the policy AWS maintains for the service as backup features change',
    );
  }

  private createBucket(
    prefix: string,
    definition: BucketDefinition,
    accessLogs: Bucket,
    deployment: ProvinceDeployment,
  ): Bucket {
    const retention = deployment.retention;
    const bucket = new Bucket(this, `Bucket-${definition.id}`, {
      bucketName: bucketName(prefix, definition, this.account),
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      // One data key per bucket and hour instead of one KMS call per object.
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: `${definition.id}/`,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(definition.objectLock
        ? {
            objectLockEnabled: true,
            // Compliance mode: nobody, not even the account root, shortens or removes it.
            objectLockDefaultRetention: ObjectLockRetention.compliance(
              Duration.days(Math.ceil(retention.auditArchiveYears * 365.25)),
            ),
            lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
          }
        : {
            lifecycleRules: [
              {
                noncurrentVersionExpiration: Duration.days(retention.noncurrentFileVersionDays),
                abortIncompleteMultipartUploadAfter: Duration.days(7),
              },
              // Uploads never confirmed (shared/files): gone after a day, old versions too.
              ...(definition.uploadStagingPrefix
                ? [
                    {
                      prefix: definition.uploadStagingPrefix,
                      expiration: Duration.days(1),
                      noncurrentVersionExpiration: Duration.days(1),
                      abortIncompleteMultipartUploadAfter: Duration.days(1),
                    },
                  ]
                : []),
            ],
            // Browsers upload and download with presigned URLs, from the province's front-ends only.
            cors: [
              {
                allowedMethods: [HttpMethods.GET, HttpMethods.PUT, HttpMethods.HEAD],
                allowedOrigins: [...deployment.corsOrigins],
                allowedHeaders: ['content-type', 'content-md5', 'x-amz-*'],
                exposedHeaders: ['etag'],
                maxAge: 3600,
              },
            ],
          }),
    });
    acknowledge(
      bucket,
      'NIST.800.53.R5-S3BucketReplicationEnabled',
      'Cross-region replication is a per-province data-residency decision (Decree 13/2023 on personal data); recovery relies on versioning, Object Lock on the audit archive and in-region durability until the province decides',
    );
    return bucket;
  }

  private createUserPool(prefix: string) {
    const pool = new UserPool(this, 'Users', {
      userPoolName: `${prefix}-users`,
      // Staff accounts are created by agency admins; citizens will sign in through a federated
      // identity provider (VNeID) rather than sign up here.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      customAttributes: {
        [AGENCY_CODE_ATTRIBUTE]: new StringAttribute({ minLen: 13, maxLen: 32, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Security level 3 systems (Decree 85/2016) authenticate staff with a second factor.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Groups are the roles of the route table (shared/http/route.ts): tokens carry them in `cognito:groups`.
    for (const [precedence, role] of ROLES.entries()) {
      pool.addGroup(`Group-${role}`, {
        groupName: role,
        description: ROLE_DESCRIPTIONS[role],
        precedence,
      });
    }
    const client = pool.addClient('ApiClient', {
      userPoolClientName: `${prefix}-api`,
      // Front-ends are browser apps: no client secret, SRP sign-in, no hosted UI yet.
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(AGENCY_CODE_ATTRIBUTE),
      // Users may not move themselves to another agency: only admins write agency_code.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });
    return { pool, client };
  }
}
