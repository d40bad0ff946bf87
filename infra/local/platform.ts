/**
 * The whole platform on one machine: engines → table and buckets (infra/resources.ts) → demo
 * province seed → HTTP server invoking the deployed handlers. Used by `npm start` and the tests.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { EventSubscriber } from '#events/routing/subscriber.ts';
import { apiFunctions } from '#functions/routes.ts';
import { resetTokenVerifier } from '#shared/http/auth.ts';
import { resetAwsClients } from '#shared/platform/aws-clients.ts';
import { ENV } from '#shared/platform/env.ts';
import { seedProcedures } from '#shared/procedures/seed.ts';
import { installLocalPki } from '#shared/signing/local-provider.ts';
import type { ProvinceConfig } from '../provinces/province-config.ts';
import vinhPhuc from '../provinces/vinh-phuc.ts';
import { vinhPhucProcedures } from '../provinces/vinh-phuc-procedures.ts';
import { buckets, localName, mainTable } from '../resources.ts';
import { type Engine, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal, startS3rver } from './engines.ts';
import { type LocalEvents, startLocalEvents } from './events.ts';
import { createLocalIssuer, LOCAL_AUDIENCE, type LocalIssuer } from './issuer.ts';
import { localPaymentGateways } from './payment-gateways.ts';
import { ensureBucket, ensureTable } from './provision.ts';
import { seedAgencies } from './seed.ts';
import { createLocalServer } from './server.ts';
import { seedLocalPki } from './signing.ts';

export interface LocalPlatformOptions {
  /** HTTP port; 0 picks a free one. */
  port?: number;
  host?: string;
  /** Keep data under this folder instead of in memory. */
  persistDir?: string;
  /**
   * `local` starts DynamoDB Local and s3rver; `external` uses the endpoints and credentials already
   * in the environment (AWS_ENDPOINT_URL…, AWS_PROFILE…): LocalStack or a real account.
   */
  engines?: 'local' | 'external';
  province?: ProvinceConfig;
  /** Prefix of table and bucket names. */
  prefix?: string;
  logLevel?: string;
  /** Where the local issuer keeps its signing key (PKCS#8); by default under persistDir, else in memory. */
  issuerKeyFile?: string;
  /** Run scheduled workers on timers (default); tests turn this off and run them on demand. */
  runSchedules?: boolean;
  /** Vendors' event subscribers (events/routing/subscriber.ts) to route on the local bus. */
  subscribers?: readonly EventSubscriber[];
}

export interface LocalPlatform {
  readonly baseUrl: string;
  readonly province: ProvinceConfig;
  readonly issuer: LocalIssuer;
  readonly endpoints: { dynamodb?: string; s3?: string };
  readonly env: Record<string, string>;
  readonly timings: Record<string, number>;
  /** The event path: stream poller → publisher → in-process bus → workers. */
  readonly events: LocalEvents;
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} is busy. Stop what uses it or start with PORT=<another port> npm start`)
          : error,
      ),
    );
    server.listen(port, host, () => resolvePort((server.address() as AddressInfo).port));
  });
}

export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const mark = (name: string) => {
    timings[name] = Math.round(performance.now() - started);
  };
  // The handlers run in this process and seal with the local test PKI (SIGNING_PROVIDER=local).
  installLocalPki();
  const province = options.province ?? vinhPhuc;
  const prefix = options.prefix ?? `${province.code}-local`;
  const host = options.host ?? '127.0.0.1';
  const engines: Engine[] = [];
  let tempDir: string | undefined;
  let pkiTempDir: string | undefined;
  let issuer: LocalIssuer | undefined;
  let events: LocalEvents | undefined;

  const server = createLocalServer({
    functions: apiFunctions,
    users: province.demoUsers,
    issuer: () => {
      if (!issuer) throw new Error('The issuer is not ready yet');
      return issuer;
    },
    drainEvents: async () => events?.drain(),
    runWorker: async (id) => {
      if (!events) throw new Error('The event path is not ready yet');
      return events.runWorker(id);
    },
  });
  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
    await events?.stop();
    await Promise.all(engines.map((engine) => engine.stop()));
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    if (pkiTempDir) await rm(pkiTempDir, { recursive: true, force: true });
  };

  try {
    const port = await listen(server, options.port ?? 3000, host);
    const baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    mark('http');

    const endpoints: LocalPlatform['endpoints'] = {};
    const env: Record<string, string> = {};
    if ((options.engines ?? 'local') === 'local') {
      const persist = options.persistDir ? resolve(options.persistDir) : undefined;
      if (!persist) tempDir = await mkdtemp(join(tmpdir(), 'vnpp-s3-'));
      const [dynamo, s3] = await Promise.all([
        startDynamoDbLocal(persist ? { dbPath: join(persist, 'dynamodb') } : {}),
        startS3rver({ directory: persist ? join(persist, 's3') : tempDir!, reset: !persist }),
      ]);
      engines.push(dynamo, s3);
      endpoints.dynamodb = dynamo.endpoint;
      endpoints.s3 = s3.endpoint;
      Object.assign(env, {
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamo.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        [ENV.s3ForcePathStyle]: 'true',
      });
      mark('engines');
    }

    const issuerUrl = `${baseUrl}/local`;
    const keyFile =
      options.issuerKeyFile ??
      (options.persistDir ? join(resolve(options.persistDir), 'issuer-key.pem') : undefined);
    issuer = await createLocalIssuer(issuerUrl, keyFile);
    // The local test PKI (signatures): keys under persistDir/pki, else in a temporary folder.
    if (!options.persistDir) pkiTempDir = await mkdtemp(join(tmpdir(), 'vnpp-pki-'));
    const pkiDir = options.persistDir ? join(resolve(options.persistDir), 'pki') : pkiTempDir!;
    const names = Object.fromEntries(buckets.map((bucket) => [bucket.env, localName(prefix, bucket.id)]));
    Object.assign(env, {
      [mainTable.env]: localName(prefix, mainTable.id),
      ...names,
      [ENV.provinceCode]: province.code,
      ...(province.calendar ? { [ENV.calendarConfig]: JSON.stringify(province.calendar) } : {}),
      // The local runtime never pushes to the real portal: the stand-in records what would be sent.
      NATIONAL_PORTAL_MODE: 'local',
      NATIONAL_PORTAL_CONFIG: JSON.stringify({ ...province.nationalPortal, http: undefined }),
      [ENV.authMode]: 'local',
      [ENV.jwtIssuer]: issuerUrl,
      [ENV.jwtAudience]: LOCAL_AUDIENCE,
      [ENV.jwksUri]: `${issuerUrl}/.well-known/jwks.json`,
      POWERTOOLS_SERVICE_NAME: 'vn-province-platform',
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      // Local receivers of webhooks listen on loopback; never set in AWS.
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      // Local payment gateways with local test secrets, and the sandbox gateway's page.
      PAYMENT_GATEWAYS: JSON.stringify(localPaymentGateways(baseUrl)),
      PAYMENT_SANDBOX: 'enabled',
      SIGNING_PROVIDER: 'local',
      LOCAL_PKI_DIR: pkiDir,
    });
    Object.assign(process.env, env);
    // Handlers run in this process: drop clients and caches configured for another environment.
    resetAwsClients();
    resetTokenVerifier();

    const dynamo = new DynamoDBClient({});
    const s3 = new S3Client({ forcePathStyle: env[ENV.s3ForcePathStyle] === 'true' });
    try {
      await Promise.all([
        ensureTable(dynamo, mainTable, env[mainTable.env]!),
        ...Object.values(names).map((bucket) => ensureBucket(s3, bucket)),
      ]);
      mark('provision');
      // Events start before the seed, so the seed's events take the same path as every other.
      events = await startLocalEvents({
        prefix,
        tableName: env[mainTable.env]!,
        ...(options.persistDir
          ? { checkpointFile: join(resolve(options.persistDir), 'stream-checkpoints.json') }
          : {}),
        runSchedules: options.runSchedules ?? true,
        ...(options.subscribers ? { subscribers: options.subscribers } : {}),
      });
      Object.assign(env, events.env);
      mark('events');
      await seedAgencies(province);
      await seedProcedures(province, province.code === vinhPhuc.code ? vinhPhucProcedures : []);
      await seedLocalPki(province);
      mark('seed');
    } finally {
      dynamo.destroy();
      s3.destroy();
    }
    return { baseUrl, province, issuer, endpoints, env, timings, events, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
