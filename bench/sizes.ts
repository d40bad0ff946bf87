/**
 * `npm run bench:sizes [-- <function id>…] [--init]`: the bundle step of the benchmark alone, for
 * a developer whose function grew. Builds the named functions (all by default) and the naive
 * reference with the CDK's bundling options and prints each one's minified size and largest
 * contributors (all of them when functions are named); `--init` adds the median cold init of 5
 * fresh processes. Nothing is started, nothing is written outside bench-results/.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '#infra/cdk/paths.ts';
import { benchTargets, buildBundle } from './bundles.ts';
import { measureColdInits } from './cold-init.ts';
import { TARGETS } from './report.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { init: { type: 'boolean', default: false } },
});
const all = benchTargets();
const unknown = positionals.filter((id) => !all.some((target) => target.id === id));
if (unknown.length) {
  console.error(`Unknown function(s): ${unknown.join(', ')}. Known: ${all.map((t) => t.id).join(', ')}`);
  process.exit(2);
}
const targets = positionals.length
  ? all.filter((target) => target.kind === 'reference' || positionals.includes(target.id))
  : all;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const results = [];
for (const target of targets)
  results.push(await buildBundle(target, join(REPO_ROOT, 'bench-results', 'bundles')));
const inits = values.init ? await measureColdInits(results, 5) : undefined;
const naiveInit = inits?.get('naive-reference')?.p50;
for (const result of results) {
  const over = result.kind !== 'reference' && result.bytes > TARGETS.bundleBytes;
  const init = inits?.get(result.id);
  const initText =
    init && naiveInit ? ` init ${init.p50.toFixed(1)} ms (${(init.p50 / naiveInit).toFixed(2)}×)` : '';
  const shown = positionals.length ? result.contributors : result.contributors.slice(0, 5);
  console.log(
    `${over ? 'OVER' : '    '} ${result.id.padEnd(22)} ${kb(result.bytes).padStart(10)}${initText}  ${shown
      .map((c) => `${c.name} ${kb(c.bytes)}`)
      .join(', ')}`,
  );
}
