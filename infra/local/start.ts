/**
 * `npm start`: the whole platform locally, seeded with the demo province.
 *   PORT=3000 (default)   --persist   keep data under .local-data/ (git-ignored)
 *   --external            use the endpoints/credentials in the environment (LocalStack, AWS) instead of
 *                         starting DynamoDB Local and s3rver
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import vinhPhuc from '../provinces/vinh-phuc.ts';
import { RUNTIME_FILE } from '../scripts/runtime-env.ts';
import { withLocalUsers } from './local-users.ts';
import { startLocalPlatform } from './platform.ts';

// Lambdas run on Node 22; the SDK's notice about Node 20 support ending is not for local users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    persist: { type: 'boolean', default: false },
    external: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('Usage: npm start [-- --persist] [-- --external]\n  PORT=3000 by default.');
  process.exit(0);
}

const port = Number(process.env.PORT ?? 3000);
const started = performance.now();
try {
  const platform = await startLocalPlatform({
    port,
    host: process.env.HOST ?? '127.0.0.1',
    engines: values.external ? 'external' : 'local',
    // Users added with `npm run cli -- users create` (.local-data/users.json), next to the demo users.
    province: await withLocalUsers(vinhPhuc),
    ...(values.persist ? { persistDir: '.local-data' } : {}),
  });
  // Ops scripts (npm run audit:verify, events:replay …) find the running engines through this file.
  await mkdir('.local-data', { recursive: true });
  await writeFile(RUNTIME_FILE, JSON.stringify({ ...platform.env, VNPP_API_URL: platform.baseUrl }, null, 2));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const url = platform.baseUrl.replace('127.0.0.1', 'localhost');
  console.log(`
${platform.province.name}: demo platform ready in ${seconds} s

  API         ${url}/v1/agencies
  Docs        ${url}/docs
  OpenAPI     ${url}/openapi.json
  Health      ${url}/health
  Demo users  ${url}/local/users

  Get a demo token and call the API:
    TOKEN=$(curl -s -X POST ${url}/local/token -H 'content-type: application/json' \\
      -d '{"username":"clerk.vinhyen"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
    curl -s ${url}/v1/agencies?level=district -H "authorization: Bearer $TOKEN"

  Engines     ${platform.endpoints.dynamodb ? `DynamoDB Local ${platform.endpoints.dynamodb}, S3 (s3rver) ${platform.endpoints.s3}` : 'external (from the environment)'}
  Data        ${values.persist ? 'kept under .local-data/' : 'in memory (npm start -- --persist keeps it)'}

Press Ctrl-C to stop.`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the engines…`);
    await rm(RUNTIME_FILE, { force: true });
    await platform.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  console.error(`\nThe platform could not start: ${error instanceof Error ? error.message : String(error)}`);
  console.error('See README.md § Troubleshooting.');
  process.exit(1);
}
