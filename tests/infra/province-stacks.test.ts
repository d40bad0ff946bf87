/**
 * Template assertions for both sample provinces (issue 3 acceptance): encryption, PITR, Object
 * Lock, public access, authorizers, dead-letter queues, IAM without data wildcards, alarms, and
 * isolation between provinces. Both provinces are synthesized once, with real bundling.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventRules } from '#events/routing/rules.ts';
import { allRoutes, apiFunctions } from '#functions/routes.ts';
import { workers } from '#functions/workers.ts';
import { apiFunctionProfiles, workerProfiles } from '#infra/cdk/function-profiles.ts';
import { stackNames } from '#infra/cdk/naming.ts';
import { bucketName } from '#infra/cdk/stateful-stack.ts';
import { createTableInput } from '#infra/local/provision.ts';
import { buckets, mainTable } from '#infra/resources.ts';
import { isPublic, ROLES } from '#shared/http/route.ts';
import {
  asArray,
  type CfnTemplate,
  policyStatements,
  resourcesOfType,
  SAMPLE_PROVINCES,
  type Synthesis,
  type SynthesizedProvince,
  synthesizeSampleProvinces,
} from './support/province-synthesis.ts';

let synthesis: Synthesis;

beforeAll(() => {
  synthesis = synthesizeSampleProvinces();
}, 240_000);

const sample = (code: string): SynthesizedProvince => {
  const synthesized = synthesis.provinces.get(code);
  if (!synthesized) throw new Error(`${code} was not synthesized`);
  return synthesized;
};

const deploymentOf = (code: string) => {
  const deployment = sample(code).province.deployment;
  if (!deployment) throw new Error(`${code} has no deployment section`);
  return deployment;
};

const logicalIdOf = (
  template: CfnTemplate,
  type: string,
  predicate: (properties: Record<string, unknown>) => boolean,
) => {
  const found = resourcesOfType(template, type).filter(([, resource]) =>
    predicate(resource.Properties ?? {}),
  );
  expect(found, `exactly one ${type} matches`).toHaveLength(1);
  return found[0]![0];
};

const dataKeyId = (code: string) =>
  logicalIdOf(sample(code).statefulJson, 'AWS::KMS::Key', (properties) =>
    String(properties.Description).startsWith('Citizen and agency data'),
  );
const opsKeyId = (code: string) =>
  logicalIdOf(sample(code).statefulJson, 'AWS::KMS::Key', (properties) =>
    String(properties.Description).startsWith('Operational data'),
  );

/** Every `Fn::GetStackOutput` / `Fn::ImportValue` inside a template. */
function crossStackReferences(value: unknown, found: { kind: string; target: unknown }[] = []) {
  if (Array.isArray(value)) {
    for (const item of value) crossStackReferences(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Fn::GetStackOutput' || key === 'Fn::ImportValue') found.push({ kind: key, target: inner });
      crossStackReferences(inner, found);
    }
  }
  return found;
}

/** The literal strings of a CloudFormation value (intrinsic references are skipped). */
function literalParts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(literalParts);
  if (value !== null && typeof value === 'object') {
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].flatMap(literalParts);
  }
  return [];
}

describe.each(SAMPLE_PROVINCES)('province %s: stateful stack', (code) => {
  it('builds the main table from the shared definition, as the local runtime does', () => {
    const { statefulJson } = sample(code);
    const tables = resourcesOfType(statefulJson, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const table = { Properties: tables[0]![1].Properties ?? {} };
    const local = createTableInput(mainTable, 'local-name');
    const sortByName = <T extends { AttributeName: string }>(list: T[]) =>
      [...list].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName));
    expect(sortByName(table.Properties.AttributeDefinitions as { AttributeName: string }[])).toEqual(
      sortByName(local.AttributeDefinitions),
    );
    expect(table.Properties.KeySchema).toEqual(local.KeySchema);
    expect(
      (table.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map(({ IndexName, ...rest }) => ({
        IndexName,
        ...rest,
      })),
    ).toEqual(local.GlobalSecondaryIndexes);
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: mainTable.stream });
    expect(table.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: mainTable.timeToLiveAttribute,
      Enabled: true,
    });
  });

  it('makes the table on-demand, point-in-time recoverable, CMK-encrypted, protected and retained', () => {
    const { stateful } = sample(code);
    stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [dataKeyId(code), 'Arn'] },
        },
        DeletionProtectionEnabled: true,
      }),
    });
  });

  it('backs the table up daily into a locked vault encrypted with the data key', () => {
    const { stateful, statefulJson, province } = sample(code);
    stateful.hasResourceProperties('AWS::Backup::BackupVault', {
      EncryptionKeyArn: { 'Fn::GetAtt': [dataKeyId(code), 'Arn'] },
      LockConfiguration: Match.objectLike({ MinRetentionDays: 7 }),
    });
    stateful.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: Match.objectLike({
        BackupPlanRule: [
          Match.objectLike({
            Lifecycle: { DeleteAfterDays: deploymentOf(province.code).retention.backupDays },
          }),
        ],
      }),
    });
    const [tableId] = resourcesOfType(statefulJson, 'AWS::DynamoDB::Table')[0]!;
    stateful.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': [tableId, 'Arn'] }] }),
    });
  });

  it('retains every stateful resource when the stack or the resource is deleted', () => {
    const notRetained = Object.entries(sample(code).statefulJson.Resources)
      .filter(([, resource]) => resource.Type !== 'AWS::CDK::Metadata')
      .filter(
        ([, resource]) => resource.DeletionPolicy !== 'Retain' || resource.UpdateReplacePolicy !== 'Retain',
      )
      .map(([id, resource]) => `${id} (${resource.Type})`);
    expect(notRetained).toEqual([]);
  });

  it('rotates both customer-managed keys', () => {
    const keys = resourcesOfType(sample(code).statefulJson, 'AWS::KMS::Key');
    expect(keys).toHaveLength(2);
    for (const [, key] of keys) expect(key.Properties?.EnableKeyRotation).toBe(true);
    sample(code).stateful.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/vnpp-${code}/data` });
  });

  it('expires uploads never confirmed under the staging prefix of the files bucket after a day', () => {
    const { stateful } = sample(code);
    const deployment = deploymentOf(code);
    const files = buckets.find((definition) => definition.uploadStagingPrefix)!;
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucketName(`vnpp-${code}`, files, deployment.account),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Prefix: files.uploadStagingPrefix,
            ExpirationInDays: 1,
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          }),
        ]),
      },
    });
  });

  it.each(buckets)(
    'creates bucket $id: named for the province, versioned, KMS, TLS-only, private, logged',
    (definition) => {
      const { stateful, statefulJson } = sample(code);
      const deployment = deploymentOf(code);
      const name = bucketName(`vnpp-${code}`, definition, deployment.account);
      const bucketId = logicalIdOf(
        statefulJson,
        'AWS::S3::Bucket',
        (properties) => properties.BucketName === name,
      );
      const accessLogsId = logicalIdOf(
        statefulJson,
        'AWS::S3::Bucket',
        (properties) => properties.BucketName === undefined,
      );
      stateful.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          BucketName: name,
          VersioningConfiguration: { Status: 'Enabled' },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                BucketKeyEnabled: true,
                ServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms',
                  KMSMasterKeyID: { 'Fn::GetAtt': [dataKeyId(code), 'Arn'] },
                },
              },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          LoggingConfiguration: {
            DestinationBucketName: { Ref: accessLogsId },
            LogFilePrefix: `${definition.id}/`,
          },
        }),
      });
      stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    },
  );

  it('locks the audit archive in compliance mode for the configured years', () => {
    const deployment = deploymentOf(code);
    const lockedIds = buckets
      .filter((definition) => definition.objectLock)
      .map((definition) => definition.id);
    expect(lockedIds).toEqual(['audit-archive']);
    sample(code).stateful.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucketName(`vnpp-${code}`, buckets.find((b) => b.objectLock)!, deployment.account),
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: {
          DefaultRetention: {
            Mode: 'COMPLIANCE',
            Days: Math.ceil(deployment.retention.auditArchiveYears * 365.25),
          },
        },
      },
    });
  });

  it('lets browsers use the files bucket only from the configured origins', () => {
    const deployment = deploymentOf(code);
    sample(code).stateful.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucketName(`vnpp-${code}`, buckets.find((b) => b.id === 'files')!, deployment.account),
      CorsConfiguration: {
        CorsRules: [Match.objectLike({ AllowedOrigins: deployment.corsOrigins })],
      },
    });
  });

  it('blocks public access to the access-log bucket too', () => {
    sample(code).stateful.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.absent(),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
  });

  it('encrypts the event bus, dead-letters what it cannot deliver, and archives every event', () => {
    const { stateful, statefulJson } = sample(code);
    const [queueId] = resourcesOfType(statefulJson, 'AWS::SQS::Queue')[0]!;
    stateful.hasResourceProperties('AWS::Events::EventBus', {
      Name: `vnpp-${code}-events`,
      KmsKeyIdentifier: { 'Fn::GetAtt': [dataKeyId(code), 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    });
    stateful.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: deploymentOf(code).retention.eventArchiveDays,
      KmsKeyIdentifier: { 'Fn::GetAtt': [dataKeyId(code), 'Arn'] },
    });
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [dataKeyId(code), 'Arn'] },
    });
  });

  it('has a user pool whose groups are the roles and whose tokens carry the agency code', () => {
    const { stateful, statefulJson } = sample(code);
    stateful.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        DeletionProtection: 'ACTIVE',
        MfaConfiguration: 'ON',
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Schema: Match.arrayWith([
          Match.objectLike({ Name: 'agency_code', AttributeDataType: 'String', Mutable: true }),
        ]),
      }),
    });
    const groups = resourcesOfType(statefulJson, 'AWS::Cognito::UserPoolGroup').map(
      ([, group]) => group.Properties?.GroupName,
    );
    expect(new Set(groups)).toEqual(new Set(ROLES));
    const [, client] = resourcesOfType(statefulJson, 'AWS::Cognito::UserPoolClient')[0]!;
    expect(client.Properties?.ReadAttributes).toContain('custom:agency_code');
    expect(client.Properties?.WriteAttributes).not.toContain('custom:agency_code');
  });

  it('contains no reference to another stack', () => {
    expect(crossStackReferences(sample(code).statefulJson)).toEqual([]);
  });
});

describe.each(SAMPLE_PROVINCES)('province %s: stateless stack', (code) => {
  const functionIdOf = (template: CfnTemplate, functionName: string) =>
    logicalIdOf(template, 'AWS::Lambda::Function', (properties) => properties.FunctionName === functionName);

  it('has one function per API domain and per event function, built the same way', () => {
    const { statelessJson, province } = sample(code);
    const deployment = deploymentOf(code);
    const expected = [...apiFunctions.map((fn) => fn.id), ...workers.map((worker) => worker.id)];
    const functions = resourcesOfType(statelessJson, 'AWS::Lambda::Function');
    expect(functions.map(([, fn]) => fn.Properties?.FunctionName).sort()).toEqual(
      expected.map((id) => `vnpp-${code}-${id}`).sort(),
    );
    for (const [, fn] of functions) {
      const properties = fn.Properties ?? {};
      expect(properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: expect.anything() },
      });
      const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables).toMatchObject({
        PROVINCE_CODE: province.code,
        AUTH_MODE: 'cognito',
        NODE_OPTIONS: '--enable-source-maps',
      });
      // The province's calendar decisions reach every function that computes a due date.
      expect(JSON.parse(String(variables.CALENDAR_CONFIG))).toEqual(
        JSON.parse(JSON.stringify(province.calendar)),
      );
      if (String(properties.FunctionName).endsWith('-national-portal-sync')) {
        expect(variables.NATIONAL_PORTAL_MODE).toBe(province.nationalPortal?.http ? 'http' : 'local');
        expect(JSON.parse(String(variables.NATIONAL_PORTAL_CONFIG))).toEqual(
          JSON.parse(JSON.stringify(province.nationalPortal ?? {})),
        );
      }
      for (const name of [
        mainTable.env,
        ...buckets.map((bucket) => bucket.env),
        'COGNITO_USER_POOL_ID',
        'COGNITO_CLIENT_ID',
      ]) {
        expect(variables[name], `${String(properties.FunctionName)} gets ${name}`).toBeDefined();
      }
      for (const definition of buckets) {
        expect(variables[definition.env]).toBe(bucketName(`vnpp-${code}`, definition, deployment.account));
      }
      const id = String(properties.FunctionName).replace(`vnpp-${code}-`, '');
      expect(properties.ReservedConcurrentExecutions).toBe(deployment.reservedConcurrency[id]);
    }
  });

  it('bundles each function as minified ESM with source maps, the AWS SDK inside, and Swagger UI for the docs', () => {
    const { statelessJson } = sample(code);
    for (const [, fn] of resourcesOfType(statelessJson, 'AWS::Lambda::Function')) {
      const key = String((fn.Properties?.Code as { S3Key: string } | undefined)?.S3Key);
      const dir = join(synthesis.outdir, `asset.${key.replace(/\.zip$/, '')}`);
      const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
      expect(bundle).toContain('createRequire');
      // No bare import of the SDK left for the runtime to resolve.
      expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
      // Minified: long lines, no indentation left (license comments keep a few line breaks).
      expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000);
    }
    const platformId = functionIdOf(statelessJson, `vnpp-${code}-platform`);
    const platform = statelessJson.Resources[platformId]!.Properties!;
    const assetsDir = (platform.Environment as { Variables: Record<string, string> }).Variables
      .DOCS_ASSETS_DIR;
    expect(assetsDir).toBe('/var/task/swagger-ui');
    const key = String((platform.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
    for (const file of [
      'swagger-ui.css',
      'swagger-ui-bundle.js',
      'swagger-ui-standalone-preset.js',
      'favicon-32x32.png',
    ]) {
      expect(existsSync(join(synthesis.outdir, `asset.${key}`, 'swagger-ui', file)), file).toBe(true);
    }
  });

  it('logs every function and the API into encrypted log groups kept for the configured period', () => {
    const deployment = deploymentOf(code);
    const groups = resourcesOfType(sample(code).statelessJson, 'AWS::Logs::LogGroup');
    expect(groups.length).toBe(apiFunctions.length + workers.length + 1);
    for (const [, group] of groups) {
      expect(group.Properties?.RetentionInDays).toBe(deployment.retention.logDays);
      // The stateful stack's ops key, through its output.
      expect(JSON.stringify(group.Properties?.KmsKeyId)).toContain(opsKeyId(code));
    }
  });

  it('exposes every route of the route table, with the authorizer except on public routes', () => {
    const { statelessJson } = sample(code);
    const routes = resourcesOfType(statelessJson, 'AWS::ApiGatewayV2::Route').map(
      ([, route]) => route.Properties!,
    );
    expect(routes).toHaveLength(allRoutes.length);
    const [authorizerId] = resourcesOfType(statelessJson, 'AWS::ApiGatewayV2::Authorizer')[0]!;
    const publicRoutes: string[] = [];
    for (const { operationId, route, functionId } of allRoutes) {
      const routeKey = `${route.method} ${route.path}`;
      const found = routes.filter((candidate) => candidate.RouteKey === routeKey);
      expect(found, `${operationId}: ${routeKey}`).toHaveLength(1);
      const deployed = found[0]!;
      if (isPublic(route.access)) {
        publicRoutes.push(routeKey);
        expect(route.access.public.length, `${operationId} says why it is public`).toBeGreaterThan(10);
        expect(deployed.AuthorizationType, `${operationId} is public`).toBe('NONE');
        expect(deployed.AuthorizerId).toBeUndefined();
      } else {
        expect(deployed.AuthorizationType, `${operationId} needs a token`).toBe('JWT');
        expect(deployed.AuthorizerId).toEqual({ Ref: authorizerId });
      }
      // The route's integration invokes the function of its domain.
      const integrationId = JSON.stringify(deployed.Target).match(/"Ref":"([^"]+)"/)![1]!;
      const integration = statelessJson.Resources[integrationId]!.Properties!;
      expect(JSON.stringify(integration.IntegrationUri)).toContain(
        functionIdOf(statelessJson, `vnpp-${code}-${functionId}`),
      );
    }
    // Only the platform's documented routes are public today (health, OpenAPI, docs).
    expect(publicRoutes.sort()).toEqual(
      allRoutes
        .filter(({ route }) => isPublic(route.access))
        .map(({ route }) => `${route.method} ${route.path}`)
        .sort(),
    );
    expect(publicRoutes).toContain('GET /health');
  });

  it('verifies Cognito ID tokens of the province user pool and app client', () => {
    sample(code).stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [
          Match.objectLike({
            'Fn::GetStackOutput': Match.objectLike({ StackName: `vnpp-${code}-stateful` }),
          }),
        ],
        Issuer: Match.anyValue(),
      },
    });
  });

  it('logs access, throttles and allows CORS only from the configured origins', () => {
    const deployment = deploymentOf(code);
    const { stateless } = sample(code);
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: deployment.api.rateLimit,
        ThrottlingBurstLimit: deployment.api.burstLimit,
      },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: deployment.corsOrigins,
        AllowHeaders: Match.arrayWith(['authorization', 'idempotency-key', 'if-match']),
      }),
    });
  });

  it('serves the API on the province domain when a certificate is configured', () => {
    const deployment = deploymentOf(code);
    const { stateless, statelessJson } = sample(code);
    if (deployment.domain.certificateArn) {
      stateless.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
        DomainName: deployment.domain.api,
        DomainNameConfigurations: [
          Match.objectLike({ CertificateArn: deployment.domain.certificateArn, SecurityPolicy: 'TLS_1_2' }),
        ],
      });
      stateless.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    } else {
      expect(resourcesOfType(statelessJson, 'AWS::ApiGatewayV2::DomainName')).toEqual([]);
    }
  });

  it('gives every asynchronous target a dead-letter queue and a retry policy', () => {
    const { statelessJson } = sample(code);
    const rules = resourcesOfType(statelessJson, 'AWS::Events::Rule');
    const scheduled = workers.filter((worker) => worker.trigger.kind === 'schedule');
    expect(rules.length).toBe(eventRules.length + scheduled.length);
    for (const [ruleId, rule] of rules) {
      const targets = rule.Properties?.Targets as {
        Arn: unknown;
        DeadLetterConfig?: { Arn: unknown };
        RetryPolicy?: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
      }[];
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) {
        expect(target.DeadLetterConfig?.Arn, `${ruleId} target DLQ`).toBeDefined();
        expect(target.RetryPolicy?.MaximumRetryAttempts).toBeGreaterThan(0);
        // The function behind the rule has its own dead-letter queue for failed invocations.
        const functionId = JSON.stringify(target.Arn).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/)![1]!;
        const fn = statelessJson.Resources[functionId]!;
        expect(fn.Type).toBe('AWS::Lambda::Function');
        expect((fn.Properties?.DeadLetterConfig as { TargetArn?: unknown })?.TargetArn).toBeDefined();
        const invokeConfigs = resourcesOfType(statelessJson, 'AWS::Lambda::EventInvokeConfig').filter(
          ([, config]) => JSON.stringify(config.Properties?.FunctionName).includes(functionId),
        );
        expect(invokeConfigs).toHaveLength(1);
        expect(invokeConfigs[0]![1].Properties?.MaximumRetryAttempts).toBe(2);
      }
    }
    for (const [id, mapping] of resourcesOfType(statelessJson, 'AWS::Lambda::EventSourceMapping')) {
      expect(mapping.Properties, id).toMatchObject({
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: expect.any(Number),
        DestinationConfig: { OnFailure: { Destination: expect.anything() } },
      });
    }
  });

  it('grants no wildcard on data: exact actions, exact tables and indexes, one bucket per object grant', () => {
    const deployment = deploymentOf(code);
    const dataServices = ['dynamodb', 's3', 'sqs', 'sns', 'events', 'secretsmanager', 'kms'];
    const bucketObjectArns = buckets.map(
      (definition) => `arn:aws:s3:::${bucketName(`vnpp-${code}`, definition, deployment.account)}/*`,
    );
    const problems: string[] = [];
    for (const template of [sample(code).statefulJson, sample(code).statelessJson]) {
      for (const { resourceId, statement } of policyStatements(template)) {
        if (statement.Effect !== 'Allow') continue;
        const actions = asArray(statement.Action);
        for (const action of actions) {
          if (action.includes('*')) problems.push(`${resourceId}: action ${action}`);
        }
        // dynamodb:ListStreams lists stream ARNs (no data) and has no resource-level permission.
        const touchesData = actions.some(
          (action) => dataServices.includes(action.split(':')[0]!) && action !== 'dynamodb:ListStreams',
        );
        if (!touchesData) continue;
        for (const resource of asArray(statement.Resource)) {
          const parts = literalParts(resource);
          if (resource === '*') problems.push(`${resourceId}: ${actions.join(',')} on *`);
          else if (typeof resource === 'string' && bucketObjectArns.includes(resource)) continue;
          else if (parts.some((part) => part.includes('*'))) {
            problems.push(`${resourceId}: ${actions.join(',')} on ${JSON.stringify(resource)}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('lets only the seal-signing functions use KMS Sign, on exactly the seal keys of the province file', () => {
    const { statelessJson } = sample(code);
    const signing = deploymentOf(code).signing;
    const signerRoles = new Set<string>();
    for (const { resourceId, statement } of policyStatements(statelessJson)) {
      if (!asArray(statement.Action).includes('kms:Sign')) continue;
      expect(asArray(statement.Action)).toEqual(['kms:Sign']);
      expect(asArray(statement.Resource)).toEqual(signing?.sealKeyArns);
      const roles = (statelessJson.Resources[resourceId]?.Properties?.Roles ?? []) as { Ref: string }[];
      for (const role of roles) signerRoles.add(role.Ref);
    }
    const functions = resourcesOfType(statelessJson, 'AWS::Lambda::Function');
    const roleOf = (fn: (typeof functions)[number][1]) =>
      (fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const signers = functions
      .filter(([, fn]) => signerRoles.has(roleOf(fn)))
      .map(([, fn]) => fn.Properties?.FunctionName as string);
    const sealProfiles = Object.entries({ ...apiFunctionProfiles, ...workerProfiles })
      .filter(([, profile]) => profile.sealKeys)
      .map(([id]) => `vnpp-${code}-${id}`);
    expect(signers.sort()).toEqual(signing?.sealKeyArns.length ? sealProfiles.sort() : []);
    for (const [, fn] of functions) {
      const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      const rootsFile = variables?.SIGNING_TRUSTED_ROOTS_FILE;
      const name = fn.Properties?.FunctionName as string;
      if (signing && sealProfiles.includes(name)) {
        expect(rootsFile, name).toBe(`/var/task/trust/${basename(signing.trustedRootsFile)}`);
      } else expect(rootsFile, name).toBeUndefined();
    }
  });

  it('alarms on 5xx rate, p99 latency, throttles, errors, dead-letter depth and failed deliveries', () => {
    const { statelessJson, statefulJson, stateless } = sample(code);
    const deployment = deploymentOf(code);
    const alarms = resourcesOfType(statelessJson, 'AWS::CloudWatch::Alarm').map(
      ([, alarm]) => alarm.Properties!,
    );
    const [topicId] = resourcesOfType(statelessJson, 'AWS::SNS::Topic')[0]!;
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
    }
    const named = (suffix: string) => alarms.find((alarm) => alarm.AlarmName === `vnpp-${code}-${suffix}`);
    expect(named('api-5xx-rate')).toMatchObject({ Threshold: deployment.api.serverErrorPercent });
    expect(JSON.stringify(named('api-5xx-rate')?.Metrics)).toContain('5xx');
    expect(named('api-latency-p99')).toMatchObject({
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: deployment.api.p99LatencyMs,
    });
    for (const [fnId, fn] of resourcesOfType(statelessJson, 'AWS::Lambda::Function')) {
      for (const metric of ['Throttles', 'Errors']) {
        const found = alarms.filter(
          (alarm) =>
            alarm.MetricName === metric && JSON.stringify(alarm.Dimensions).includes(`"Ref":"${fnId}"`),
        );
        expect(found, `${metric} alarm of ${String(fn.Properties?.FunctionName)}`).toHaveLength(1);
      }
    }
    const queueAlarms = alarms.filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible');
    const queues = [
      ...resourcesOfType(statefulJson, 'AWS::SQS::Queue'),
      ...resourcesOfType(statelessJson, 'AWS::SQS::Queue'),
    ];
    expect(queueAlarms).toHaveLength(queues.length);
    for (const alarm of queueAlarms)
      expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    for (const [ruleId] of resourcesOfType(statelessJson, 'AWS::Events::Rule')) {
      expect(
        alarms.filter(
          (alarm) =>
            alarm.MetricName === 'FailedInvocations' &&
            JSON.stringify(alarm.Dimensions).includes(`"Ref":"${ruleId}"`),
        ),
      ).toHaveLength(1);
    }
    stateless.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: Match.objectLike({ 'Fn::GetStackOutput': Match.anyValue() }),
    });
    stateless.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: deployment.alarmEmail,
    });
    stateless.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: `vnpp-${code}-overview` });
  });
});

describe('isolation between provinces', () => {
  /** Account- or globally-scoped names that CloudFormation does not generate. */
  const NAME_PROPERTIES: Record<string, string> = {
    'AWS::Lambda::Function': 'FunctionName',
    'AWS::S3::Bucket': 'BucketName',
    'AWS::Events::EventBus': 'Name',
    'AWS::Events::Archive': 'ArchiveName',
    'AWS::KMS::Alias': 'AliasName',
    'AWS::SNS::Topic': 'TopicName',
    'AWS::CloudWatch::Alarm': 'AlarmName',
    'AWS::CloudWatch::Dashboard': 'DashboardName',
    'AWS::Cognito::UserPool': 'UserPoolName',
    'AWS::Logs::LogGroup': 'LogGroupName',
    'AWS::Backup::BackupVault': 'BackupVaultName',
    'AWS::ApiGatewayV2::Api': 'Name',
    'AWS::ApiGatewayV2::DomainName': 'DomainName',
  };

  const fixedNames = (code: string): string[] => {
    const names: string[] = [];
    for (const template of [sample(code).statefulJson, sample(code).statelessJson]) {
      for (const resource of Object.values(template.Resources)) {
        const property = NAME_PROPERTIES[resource.Type];
        const value = property ? resource.Properties?.[property] : undefined;
        if (typeof value === 'string') names.push(value);
      }
    }
    return names;
  };

  it('names every fixed-name resource after its province, and no name is shared', () => {
    const [first, second] = SAMPLE_PROVINCES;
    const a = fixedNames(first);
    const b = fixedNames(second);
    expect(a.length).toBeGreaterThan(20);
    expect(a.filter((name) => b.includes(name))).toEqual([]);
    for (const code of SAMPLE_PROVINCES) {
      const apiHost = deploymentOf(code).domain.api;
      for (const name of fixedNames(code).filter((name) => name !== apiHost)) {
        expect(name, `${name} belongs to ${code}`).toContain(code);
      }
    }
  });

  it('references only its own stateful stack, never another province, and exports nothing', () => {
    for (const code of SAMPLE_PROVINCES) {
      const references = crossStackReferences(sample(code).statelessJson);
      expect(references.length).toBeGreaterThan(0);
      for (const reference of references) {
        expect(reference.kind).toBe('Fn::GetStackOutput');
        expect(reference.target).toMatchObject({ StackName: stackNames({ code }).stateful });
      }
    }
  });

  it('deploys each province into its own account and region', () => {
    const manifest = JSON.parse(readFileSync(join(synthesis.outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    };
    for (const code of SAMPLE_PROVINCES) {
      const deployment = deploymentOf(code);
      for (const stackName of Object.values(stackNames({ code }))) {
        expect(manifest.artifacts[stackName]?.environment).toBe(
          `aws://${deployment.account}/${deployment.region}`,
        );
      }
    }
    expect(deploymentOf('vinh-phuc').account).not.toBe(deploymentOf('dong-nai').account);
  });
});
