/**
 * `npm run audit:verify`: recomputes every agency's audit chain and compares it with the head item
 * and the archived digests; prints the first broken link per chain and exits 1 if any is broken.
 */
import { verifyAllChains } from '#shared/audit/repository.ts';
import { loadRuntimeEnv } from './runtime-env.ts';

try {
  const source = await loadRuntimeEnv();
  const reports = await verifyAllChains();
  const broken = reports.filter((report) => !report.ok);
  console.log(`Audit chains (${source}): ${reports.length} verified, ${broken.length} broken`);
  for (const report of broken) {
    console.log(
      `  ✗ ${report.chain}: record ${report.firstBreak?.seq} ${report.firstBreak?.kind} — ${report.firstBreak?.detail}`,
    );
  }
  process.exit(broken.length ? 1 : 0);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
