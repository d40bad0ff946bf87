/**
 * Builds every function the CDK deploys (functions/routes.ts, functions/workers.ts) and the naive
 * reference handler with the CDK's own bundling options (infra/cdk/bundling.ts), translated to the
 * esbuild build API the way NodejsFunction translates them to esbuild's command line, plus a
 * metafile: the bytes each package contributes to the minified output.
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogLevel, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build, type LogLevel as EsbuildLogLevel, type Metafile } from 'esbuild';
import { apiFunctions } from '#functions/routes.ts';
import { workers } from '#functions/workers.ts';
import { LAMBDA_BUNDLING, LAMBDA_NODE_TARGET } from '#infra/cdk/bundling.ts';
import { REPO_ROOT } from '#infra/cdk/paths.ts';

export interface BundleTarget {
  readonly id: string;
  readonly kind: 'api' | 'worker' | 'reference';
  /** Relative to the repository root. */
  readonly entry: string;
  /**
   * `deployed` (default): the CDK's options, as every function deploys. `usual`: the same minus what
   * this project adds to esbuild's defaults, i.e. the module-first main fields (the SDK's ES builds)
   * and the credential alias; how the naive reference is built (1.2 MB minified).
   */
  readonly bundling?: 'deployed' | 'usual';
}

export interface Contributor {
  /** An npm package (`@smithy/core`) or a folder of this repository (`shared/http`). */
  readonly name: string;
  readonly bytes: number;
}

export interface BundleResult extends BundleTarget {
  /** Absolute path of the minified bundle. */
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly buildMs: number;
  /** Contributors to the minified output, by package, largest first. */
  readonly contributors: readonly Contributor[];
}

/**
 * What the bench builds, in this order: the naive reference (the issue's, bundled the usual way),
 * the same naive code with the deployed options, the SDK floor, then every deployed function.
 */
export function benchTargets(): BundleTarget[] {
  return [
    { id: 'naive-reference', kind: 'reference', entry: 'bench/fixtures/naive-handler.ts', bundling: 'usual' },
    { id: 'naive-our-options', kind: 'reference', entry: 'bench/fixtures/naive-handler.ts' },
    { id: 'sdk-floor', kind: 'reference', entry: 'bench/fixtures/sdk-floor-handler.ts' },
    ...apiFunctions.map((fn) => ({ id: fn.id, kind: 'api' as const, entry: fn.entry })),
    ...workers.map((worker) => ({ id: worker.id, kind: 'worker' as const, entry: worker.entry })),
  ];
}

const LOG_LEVELS: Record<LogLevel, EsbuildLogLevel> = {
  [LogLevel.VERBOSE]: 'verbose',
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARNING]: 'warning',
  [LogLevel.ERROR]: 'error',
  [LogLevel.SILENT]: 'silent',
};

const SOURCE_MAPS: Record<SourceMapMode, BuildOptions['sourcemap']> = {
  [SourceMapMode.DEFAULT]: true,
  [SourceMapMode.EXTERNAL]: 'external',
  [SourceMapMode.INLINE]: 'inline',
  [SourceMapMode.BOTH]: 'both',
};

/**
 * The esbuild options NodejsFunction derives from `bundling` (aws-lambda-nodejs Bundling's
 * esbuild arguments). Options that would change what is bundled and that this mapping does not
 * reproduce are refused rather than ignored. `commandHooks` only copy static files next to the
 * bundle (not part of the module graph) and are left out.
 */
export function esbuildOptionsOf(bundling: BundlingOptions): BuildOptions {
  const refused = (['preCompilation', 'nodeModules', 'inject', 'tsconfig'] as const).filter(
    (name) => bundling[name] !== undefined,
  );
  const { '--alias': aliases, ...otherArgs } = bundling.esbuildArgs ?? {};
  if (Object.keys(otherArgs).length) refused.push(...(Object.keys(otherArgs) as typeof refused));
  if (refused.length) throw new Error(`The bench cannot reproduce bundling options: ${refused.join(', ')}`);
  const alias = aliasesOf(aliases);
  if (bundling.externalModules === undefined) {
    throw new Error(
      'Set externalModules explicitly: the CDK default depends on the runtime and feature flags',
    );
  }
  const sourceMapMode = bundling.sourceMapMode ?? (bundling.sourceMap ? SourceMapMode.DEFAULT : undefined);
  return {
    bundle: true,
    platform: 'node',
    target: bundling.target ?? LAMBDA_NODE_TARGET,
    format: bundling.format === OutputFormat.ESM ? 'esm' : 'cjs',
    minify: bundling.minify ?? false,
    ...(sourceMapMode ? { sourcemap: SOURCE_MAPS[sourceMapMode] } : {}),
    sourcesContent: bundling.sourcesContent ?? true,
    external: [...bundling.externalModules],
    ...(bundling.loader ? { loader: bundling.loader as BuildOptions['loader'] } : {}),
    ...(bundling.define ? { define: bundling.define } : {}),
    ...(bundling.logLevel ? { logLevel: LOG_LEVELS[bundling.logLevel] } : {}),
    ...(bundling.keepNames ? { keepNames: true } : {}),
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
    ...(bundling.footer ? { footer: { js: bundling.footer } } : {}),
    ...(bundling.mainFields ? { mainFields: [...bundling.mainFields] } : {}),
    ...(alias ? { alias } : {}),
  };
}

/** `--alias` as NodejsFunction passes it (`--alias:from=to`, one per array item) → esbuild's `alias`. */
function aliasesOf(value: string | boolean | string[] | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  if (!items.length) throw new Error('--alias needs from=to');
  return Object.fromEntries(
    items.map((item) => {
      const at = item.indexOf('=');
      if (at <= 0) throw new Error(`--alias ${item}: expected from=to`);
      return [item.slice(0, at), item.slice(at + 1)];
    }),
  );
}

/** `node_modules/@smithy/core/dist-es/x.js` → `@smithy/core`; `shared/http/auth.ts` → `shared/http`. */
export function contributorOf(input: string): string {
  const packages = [...input.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
  const last = packages.at(-1);
  if (last?.[1]) return last[1];
  const parts = input.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
}

export function contributorsOf(metafile: Metafile, outputFile: string): Contributor[] {
  const output = metafile.outputs[outputFile];
  if (!output) throw new Error(`The metafile has no output ${outputFile}`);
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = contributorOf(input);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** esbuild's defaults where the deployed options depart from them for size (see BundleTarget.bundling). */
export function usualOptionsOf(options: BuildOptions): BuildOptions {
  const { mainFields: _mainFields, alias: _alias, ...usual } = options;
  return usual;
}

export async function buildBundle(target: BundleTarget, outDir: string): Promise<BundleResult> {
  const deployed = esbuildOptionsOf(LAMBDA_BUNDLING);
  const options = target.bundling === 'usual' ? usualOptionsOf(deployed) : deployed;
  const dir = join(outDir, target.id);
  const file = join(dir, options.format === 'esm' ? 'index.mjs' : 'index.js');
  const started = performance.now();
  const result = await build({
    ...options,
    absWorkingDir: REPO_ROOT,
    entryPoints: [target.entry],
    outfile: file,
    metafile: true,
    write: true,
  });
  const buildMs = performance.now() - started;
  const code = await readFile(file);
  return {
    ...target,
    file,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    buildMs,
    contributors: contributorsOf(result.metafile, relative(REPO_ROOT, file)),
  };
}
