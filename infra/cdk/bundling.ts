/**
 * How every Lambda function is bundled (NodejsFunction → esbuild), in one place: DomainFunction
 * deploys with these options and `npm run bench` builds the same bundles to measure their size and
 * cold init, so what is measured is what is deployed.
 */
import { type BundlingOptions, LogLevel, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';

/** Stack traces point at the TypeScript sources through the bundled source maps. */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/** Matches the runtime DomainFunction deploys (nodejs22.x). */
export const LAMBDA_NODE_TARGET = 'node22';

/**
 * Bundled in place of the AWS SDK's default credential chain (see the module). Relative to the
 * repository root, esbuild's working directory in CDK and in the bench.
 */
export const LAMBDA_CREDENTIALS_MODULE = './shared/platform/lambda-credentials.ts';

/**
 * Packages bundled as a smaller module of ours (each module says why it is equivalent, and a unit
 * test checks it): the import on the left, the module on the right. Code run from source (tests, the
 * local runtime) loads the packages themselves.
 */
export const LAMBDA_ALIASES = {
  // Lambda gives credentials in the environment: the SDK's full default chain is not bundled.
  '@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS_MODULE,
} as const;

export const LAMBDA_BUNDLING = {
  format: OutputFormat.ESM,
  target: LAMBDA_NODE_TARGET,
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.EXTERNAL,
  sourcesContent: false,
  // The AWS SDK is bundled, not taken from the runtime: the version tested is the one deployed.
  externalModules: [],
  // Some dependencies are CommonJS and call require(); an ESM bundle has no require of its own.
  banner:
    "import { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);",
  logLevel: LogLevel.ERROR,
  // Code that runs differently in a bundle tests `typeof LAMBDA_BUNDLE` (esbuild drops the other branch).
  define: { LAMBDA_BUNDLE: 'true' },
  esbuildArgs: {
    '--alias': Object.entries(LAMBDA_ALIASES).map(([from, to]) => `${from}=${to}`),
  },
} satisfies BundlingOptions;
