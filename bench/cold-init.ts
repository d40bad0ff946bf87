/**
 * Cold init of a bundle: a fresh `node` process per sample imports it once and reports the time
 * spent in `await import(bundle)` (what Lambda's init phase spends on our code). The environment
 * is what a deployed function gets, with dummy values that point only at loopback; no handler
 * is invoked, so nothing is sent anywhere.
 */
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAMBDA_NODE_OPTIONS } from '#infra/cdk/bundling.ts';
import { type Summary, summarize } from './stats.ts';

/**
 * Prints the import time of the module named by the first argument, as JSON, and exits: wall-clock
 * and the CPU time the process spent meanwhile (user + system, all threads), which moves much less
 * than wall-clock when other processes share the cores.
 */
const PROBE = `
const cpu = process.cpuUsage();
const started = performance.now();
await import(process.argv[1]);
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000 }));
process.exit(0);
`;

const UNREACHABLE = 'http://127.0.0.1:9';

/** A deployed function's environment (infra/cdk/stateless-stack.ts), with loopback dummies. */
export function lambdaLikeEnvironment(functionId: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
    AWS_REGION: 'ap-southeast-1',
    AWS_DEFAULT_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL: UNREACHABLE,
    AWS_LAMBDA_FUNCTION_NAME: `bench-${functionId}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME: 'bench-main',
    FILES_BUCKET: 'bench-files',
    AUDIT_BUCKET: 'bench-audit',
    PROVINCE_CODE: 'bench',
    AUTH_MODE: 'cognito',
    COGNITO_USER_POOL_ID: 'ap-southeast-1_bench',
    COGNITO_CLIENT_ID: 'bench',
    EVENT_BUS_NAME: 'bench-bus',
    POWERTOOLS_SERVICE_NAME: functionId,
    POWERTOOLS_METRICS_NAMESPACE: 'Bench',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}

interface ImportTime {
  ms: number;
  cpuMs: number;
}

function importOnce(file: string, env: NodeJS.ProcessEnv): Promise<ImportTime> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', PROBE, pathToFileURL(file).href],
      { env, cwd: dirname(file), timeout: 30_000, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`Importing ${file} failed: ${error.message}\n${stderr}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout) as ImportTime);
        } catch {
          reject(new Error(`Importing ${file} printed no timing: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/**
 * `samples` fresh processes per bundle, one after another (concurrent ones would share the cores),
 * in rounds over all bundles so that load changes on the machine touch every bundle alike.
 */
export async function measureColdInits(
  bundles: readonly { id: string; file: string }[],
  samples: number,
): Promise<Map<string, ColdInit>> {
  const times = new Map<string, ImportTime[]>(bundles.map((bundle) => [bundle.id, []]));
  // Round 0 warms the file cache and is not counted.
  for (let round = 0; round <= samples; round += 1) {
    for (const bundle of bundles) {
      const time = await importOnce(bundle.file, lambdaLikeEnvironment(bundle.id));
      if (round > 0) times.get(bundle.id)!.push(time);
    }
  }
  return new Map(
    [...times].map(([id, values]) => [
      id,
      {
        ...summarize(values.map((time) => time.ms)),
        samples: values.map((time) => round1(time.ms)),
        cpu: summarize(values.map((time) => time.cpuMs)),
      },
    ]),
  );
}

/** Wall-clock import time (the judged figure), and the CPU time of the same imports. */
export type ColdInit = Summary & { samples: number[]; cpu: Summary };

const round1 = (value: number) => Math.round(value * 10) / 10;
