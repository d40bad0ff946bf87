/**
 * The stateless half of a province: functions, the HTTP API, event wiring, alarms. It can be
 * destroyed and recreated at any time; everything it uses comes from the same province's
 * stateful stack (ProvinceData), never from another province.
 *
 * The API is built from the route table (functions/routes.ts): one function per entry of
 * `apiFunctions`, one route per operation, the Cognito JWT authorizer on every route except the
 * ones the route table declares public, with their reason.
 */
import { basename, dirname, join } from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { type EventPattern, Schedule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { eventRules as declaredEventRules, type EventRule } from '#events/routing/rules.ts';
import { type ApiFunction, apiFunctions as declaredApiFunctions } from '#functions/routes.ts';
import { workers as declaredWorkers, type Worker } from '#functions/workers.ts';
import { isPublic } from '#shared/http/route.ts';
import { NATIONAL_PORTAL_ENV } from '#shared/national-portal/config.ts';
import { ENV } from '#shared/platform/env.ts';
import { SIGNING_ENV } from '#shared/signing/index.ts';
import type { ProvinceConfig, ProvinceDeployment } from '../provinces/province-config.ts';
import { buckets, mainTable, tables } from '../resources.ts';
import { DomainFunction, type Invocation } from './constructs/domain-function.ts';
import { EventRuleTarget } from './constructs/event-rule-target.ts';
import { Monitoring, type WatchedQueue, type WatchedRule } from './constructs/monitoring.ts';
import { StreamConsumer } from './constructs/stream-consumer.ts';
import {
  apiFunctionProfiles,
  workerProfiles as declaredWorkerProfiles,
  type FunctionProfile,
  profileFor,
} from './function-profiles.ts';
import { acknowledge } from './nag.ts';
import { provincePrefix } from './naming.ts';
import { LAMBDA_TASK_ROOT, REPO_ROOT } from './paths.ts';
import { bucketName, type ProvinceData } from './stateful-stack.ts';

/** Folder of the trusted-roots file inside the signing functions' bundles. */
const TRUST_DIR = 'trust';

/** The worker that pushes to the National Public Service Portal (functions/workers.ts). */
const NATIONAL_PORTAL_SYNC = 'national-portal-sync';

export interface StatelessStackProps extends StackProps {
  readonly province: ProvinceConfig;
  readonly deployment: ProvinceDeployment;
  readonly data: ProvinceData;
  /** @default the route table's functions (functions/routes.ts) */
  readonly apiFunctions?: readonly ApiFunction[];
  /** @default infra/cdk/function-profiles.ts */
  readonly apiFunctionProfiles?: Readonly<Record<string, FunctionProfile>>;
  /** @default stream processors, event consumers and scheduled jobs (functions/workers.ts) */
  readonly workers?: readonly Worker[];
  /** @default infra/cdk/function-profiles.ts */
  readonly workerProfiles?: Readonly<Record<string, FunctionProfile>>;
  /** @default the province bus's rules (events/routing/rules.ts) */
  readonly eventRules?: readonly EventRule[];
}

/** Headers the API reads or returns beyond the CORS-safelisted ones (shared/http). */
const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'if-match', 'x-request-id'];
const CORS_EXPOSE_HEADERS = ['etag', 'location', 'idempotent-replayed', 'retry-after', 'x-request-id'];

/** One JSON line per request; `sub` ties a request to a user without logging personal data. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    method: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    sub: '$context.authorizer.claims.sub',
  }),
);

/**
 * The rule table's patterns are EventBridge JSON (the local bus applies them as they are); CDK's
 * EventPattern spells the same top-level fields in camelCase and renders them back.
 */
export function toCdkEventPattern(pattern: EventRule['pattern']): EventPattern {
  const fields: Record<string, string> = {
    source: 'source',
    'detail-type': 'detailType',
    detail: 'detail',
    account: 'account',
    region: 'region',
    resources: 'resources',
    id: 'id',
    time: 'time',
    version: 'version',
  };
  const converted: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(pattern)) {
    const name = fields[field];
    if (!name) throw new Error(`Event pattern field "${field}" is not an EventBridge envelope field`);
    converted[name] = value;
  }
  return converted as EventPattern;
}

function retentionDays(days: number): RetentionDays {
  const match = Object.values(RetentionDays).find((value) => value === days);
  if (typeof match !== 'number') throw new Error(`${days} days is not a CloudWatch Logs retention period`);
  return match;
}

export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly functions = new Map<string, DomainFunction>();
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { province, deployment, data } = props;
    const prefix = provincePrefix(province);
    const apiFunctions = props.apiFunctions ?? declaredApiFunctions;
    const profiles = props.apiFunctionProfiles ?? apiFunctionProfiles;
    const workers = props.workers ?? declaredWorkers;
    const workerProfiles = props.workerProfiles ?? declaredWorkerProfiles;
    const eventRules = props.eventRules ?? declaredEventRules;
    const logRetention = retentionDays(deployment.retention.logDays);

    const knownFunctions = [...apiFunctions.map((fn) => fn.id), ...workers.map((worker) => worker.id)];
    const duplicate = knownFunctions.find((id, index) => knownFunctions.indexOf(id) !== index);
    if (duplicate)
      throw new Error(`Function id "${duplicate}" is used twice (functions/routes.ts, functions/workers.ts)`);
    for (const functionId of Object.keys(deployment.reservedConcurrency)) {
      if (!knownFunctions.includes(functionId)) {
        throw new Error(
          `deployment.reservedConcurrency of ${province.code} names unknown function "${functionId}"; ` +
            `functions: ${knownFunctions.join(', ')}`,
        );
      }
    }

    // Names, not secrets: every function gets the same view of the province's resources and IAM
    // decides what it may do with them.
    const baseEnvironment: Record<string, string> = {
      [ENV.provinceCode]: province.code,
      [ENV.authMode]: 'cognito',
      [ENV.cognitoUserPoolId]: data.userPool.userPoolId,
      [ENV.cognitoClientId]: data.userPoolClient.userPoolClientId,
      POWERTOOLS_METRICS_NAMESPACE: 'VnProvincePlatform',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // The province's yearly calendar decisions, for due dates (shared/dossiers/deadline.ts).
      ...(province.calendar ? { [ENV.calendarConfig]: JSON.stringify(province.calendar) } : {}),
    };
    for (const definition of tables)
      baseEnvironment[definition.env] = this.tableOf(data, definition.id).tableName;
    // Buckets by their fixed names (stateful-stack.ts bucketName): literal ARNs in the grants.
    const bucketRefs = new Map(
      buckets.map((definition) => [
        definition.id,
        Bucket.fromBucketName(
          this,
          `Bucket-${definition.id}`,
          bucketName(prefix, definition, deployment.account),
        ),
      ]),
    );
    for (const definition of buckets)
      baseEnvironment[definition.env] = bucketRefs.get(definition.id)!.bucketName;

    const buildFunction = (
      functionId: string,
      entry: string,
      description: string,
      profile: FunctionProfile,
      invocation: Invocation,
    ): DomainFunction => {
      const environment: Record<string, string> = {
        ...baseEnvironment,
        POWERTOOLS_SERVICE_NAME: functionId,
        ...profile.environment,
      };
      if (profile.publishEvents) environment[ENV.eventBusName] = data.bus.eventBusName;
      const portal = functionId === NATIONAL_PORTAL_SYNC ? province.nationalPortal : undefined;
      if (functionId === NATIONAL_PORTAL_SYNC) {
        environment[NATIONAL_PORTAL_ENV.config] = JSON.stringify(portal ?? {});
        // With an endpoint configured the worker pushes to the real portal; otherwise it only records.
        environment[NATIONAL_PORTAL_ENV.mode] = portal?.http ? 'http' : 'local';
      }
      if (profile.paymentGatewaySecrets) {
        environment.PAYMENT_GATEWAYS = JSON.stringify(deployment.paymentGateways);
      }
      const signing = profile.sealKeys ? deployment.signing : undefined;
      const bundleFiles = [profile.bundleFiles ?? []].flat();
      if (signing) {
        // The trusted roots (Government CA) travel beside the bundle; the signing code reads the file.
        const rootsPath = join(REPO_ROOT, signing.trustedRootsFile);
        bundleFiles.push({ fromDir: dirname(rootsPath), files: [basename(rootsPath)], toDir: TRUST_DIR });
        environment[SIGNING_ENV.trustedRootsFile] = `${LAMBDA_TASK_ROOT}/${TRUST_DIR}/${basename(rootsPath)}`;
      }
      const fn = new DomainFunction(this, functionId, {
        functionName: `${prefix}-${functionId}`,
        entry,
        description,
        environment,
        logKey: data.opsKey,
        logRetention,
        invocation,
        ...(profile.memorySize === undefined ? {} : { memorySize: profile.memorySize }),
        ...(profile.timeoutSeconds === undefined
          ? {}
          : { timeout: Duration.seconds(profile.timeoutSeconds) }),
        ...(deployment.reservedConcurrency[functionId] === undefined
          ? {}
          : { reservedConcurrency: deployment.reservedConcurrency[functionId] }),
        ...(bundleFiles.length > 0 ? { bundleFiles } : {}),
        ...(portal?.http?.credentials.source === 'secret' ||
        (profile.paymentGatewaySecrets && deployment.paymentGateways.length > 0)
          ? { secretsExtension: true }
          : {}),
      });
      if (portal?.http?.credentials.source === 'secret') {
        const secretName = portal.http.credentials.secretName;
        fn.grantSecretRead(
          Secret.fromSecretNameV2(this, `Secret-${functionId}-portal`, secretName),
          data.dataKey,
        );
      }
      for (const [tableId, access] of Object.entries(profile.tables ?? {})) {
        const definition = tables.find((table) => table.id === tableId)!;
        fn.grantTable(this.tableOf(data, tableId), definition, access, data.dataKey);
      }
      for (const [bucketId, access] of Object.entries(profile.buckets ?? {})) {
        fn.grantBucket(bucketRefs.get(bucketId)!, access, data.dataKey);
      }
      if (profile.publishEvents) fn.grantPutEvents(data.bus);
      if (signing && signing.sealKeyArns.length > 0) {
        // Exactly the seal keys the province declared: signing only, never key management.
        fn.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['kms:Sign'], resources: [...signing.sealKeyArns] }),
        );
      }
      if (profile.paymentGatewaySecrets) {
        for (const gateway of deployment.paymentGateways) {
          // Ops create the secret (docs/deploy.md) encrypted with the province's data key.
          const secret = Secret.fromSecretNameV2(
            this,
            `Secret-${functionId}-${gateway.id}`,
            gateway.secretName,
          );
          fn.grantSecretRead(secret, data.dataKey);
        }
      }
      this.functions.set(functionId, fn);
      return fn;
    };

    // --- HTTP API -------------------------------------------------------------------------------
    const authorizer = new HttpUserPoolAuthorizer('Cognito', data.userPool, {
      authorizerName: 'cognito',
      userPoolClients: [data.userPoolClient],
    });
    this.api = new HttpApi(this, 'Api', {
      apiName: `${prefix}-api`,
      description: `REST API of ${province.name}`,
      createDefaultStage: false,
      // Every route gets the authorizer unless it is declared public: forgetting is safe.
      defaultAuthorizer: authorizer,
      corsPreflight: {
        allowOrigins: [...deployment.corsOrigins],
        allowMethods: [
          CorsHttpMethod.GET,
          CorsHttpMethod.POST,
          CorsHttpMethod.PUT,
          CorsHttpMethod.PATCH,
          CorsHttpMethod.DELETE,
          CorsHttpMethod.OPTIONS,
        ],
        allowHeaders: CORS_ALLOW_HEADERS,
        exposeHeaders: CORS_EXPOSE_HEADERS,
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      logGroupName: `/aws/http-api/${prefix}-api`,
      retention: logRetention,
      encryptionKey: data.opsKey,
    });
    const customDomain = deployment.domain.certificateArn
      ? new DomainName(this, 'ApiDomain', {
          domainName: deployment.domain.api,
          certificate: Certificate.fromCertificateArn(
            this,
            'ApiCertificate',
            deployment.domain.certificateArn,
          ),
          securityPolicy: SecurityPolicy.TLS_1_2,
        })
      : undefined;
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: deployment.api.rateLimit, burstLimit: deployment.api.burstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
      ...(customDomain ? { domainMapping: { domainName: customDomain } } : {}),
    });

    for (const apiFunction of apiFunctions) {
      const fn = buildFunction(
        apiFunction.id,
        apiFunction.entry,
        apiFunction.description,
        profileFor(apiFunction.id, profiles),
        { kind: 'api' },
      );
      const integration = new HttpLambdaIntegration(`${apiFunction.id}-integration`, fn.function);
      for (const [operationId, route] of Object.entries(apiFunction.routes)) {
        const httpRoute = new HttpRoute(this, `Route-${operationId}`, {
          httpApi: this.api,
          routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
          integration,
          authorizer: isPublic(route.access) ? new HttpNoneAuthorizer() : authorizer,
        });
        if (isPublic(route.access)) {
          acknowledge(
            httpRoute,
            'AwsSolutions-APIG4',
            `Public by design (route table, ${operationId}): ${route.access.public}`,
          );
        }
      }
    }

    // --- Workers: stream processors, event consumers, scheduled jobs ----------------------------
    const queues: WatchedQueue[] = [{ name: 'event-bus', queue: data.busDeadLetterQueue }];
    const watchedRules: WatchedRule[] = [];
    const workerFunctions = new Map<string, DomainFunction>();
    for (const worker of workers) {
      const trigger = worker.trigger;
      const fn = buildFunction(
        worker.id,
        worker.entry,
        worker.description,
        profileFor(worker.id, workerProfiles),
        trigger.kind === 'table-stream' ? { kind: 'stream' } : { kind: 'event', deadLetterKey: data.dataKey },
      );
      workerFunctions.set(worker.id, fn);
      if (fn.deadLetterQueue) queues.push({ name: worker.id, queue: fn.deadLetterQueue });
      if (trigger.kind === 'table-stream') {
        const consumer = new StreamConsumer(this, `Stream-${worker.id}`, {
          table: this.tableOf(data, mainTable.id),
          consumer: fn,
          key: data.dataKey,
          // Only new items of the worker's entity types invoke it (e.g. outbox records).
          filters: [
            FilterCriteria.filter({
              eventName: FilterRule.isEqual('INSERT'),
              dynamodb: { NewImage: { entityType: { S: [...trigger.entityTypes] } } },
            }),
          ],
        });
        queues.push({ name: `${worker.id}-on-failure`, queue: consumer.onFailureQueue });
      }
      if (trigger.kind === 'schedule') {
        const scheduled = new EventRuleTarget(this, `Schedule-${worker.id}`, {
          description: worker.description,
          schedule: Schedule.expression(trigger.expression),
          target: fn,
          deadLetterKey: data.dataKey,
        });
        queues.push({ name: `schedule-${worker.id}`, queue: scheduled.deadLetterQueue });
        watchedRules.push({ name: `schedule-${worker.id}`, rule: scheduled.rule });
      }
    }
    for (const eventRule of eventRules) {
      const worker = workers.find((candidate) => candidate.id === eventRule.workerId);
      const target = workerFunctions.get(eventRule.workerId);
      if (!worker || !target || worker.trigger.kind !== 'event-rule') {
        throw new Error(
          `Event rule "${eventRule.id}" targets "${eventRule.workerId}", which is not a worker with an ` +
            "'event-rule' trigger in functions/workers.ts",
        );
      }
      const ruleTarget = new EventRuleTarget(this, `Rule-${eventRule.id}`, {
        description: eventRule.description,
        bus: data.bus,
        eventPattern: toCdkEventPattern(eventRule.pattern),
        target,
        deadLetterKey: data.dataKey,
      });
      queues.push({ name: `rule-${eventRule.id}`, queue: ruleTarget.deadLetterQueue });
      watchedRules.push({ name: eventRule.id, rule: ruleTarget.rule, eventBusName: data.bus.eventBusName });
    }

    // --- Monitoring -----------------------------------------------------------------------------
    this.monitoring = new Monitoring(this, 'Monitoring', {
      prefix,
      api: this.api,
      functions: [...this.functions.values()],
      queues,
      rules: watchedRules,
      alarmEmail: deployment.alarmEmail,
      topicKey: data.opsKey,
      p99LatencyMs: deployment.api.p99LatencyMs,
      serverErrorPercent: deployment.api.serverErrorPercent,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'execute-api URL of the API' });
    if (customDomain) {
      new CfnOutput(this, 'ApiDomainTarget', {
        value: customDomain.regionalDomainName,
        description: `DNS: CNAME ${deployment.domain.api} to this name`,
      });
    }
  }

  private tableOf(data: ProvinceData, id: string) {
    const entry = [...data.tables].find(([definition]) => definition.id === id);
    if (!entry) throw new Error(`The stateful stack has no table "${id}"`);
    return entry[1];
  }
}
