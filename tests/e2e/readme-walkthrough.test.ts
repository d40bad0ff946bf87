/**
 * Issue 11 acceptance: the README's walkthrough is true. The bash blocks of "Try it with curl" and
 * "A dossier from submission to returned result" are extracted from README.md and run, as a
 * newcomer would paste them, against the test platform on its free port (the commune it creates gets a
 * test code: the platform is shared, and the demo tree stays as seeded); their output is checked
 * (token → agency tree → problem details; submit → receive → … → return → report).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, testAgencyCode } from '#tests/support/http.ts';

const run = promisify(execFile);
let readme: string;
let dir: string;

beforeAll(async () => {
  readme = await readFile('README.md', 'utf8');
  dir = await mkdtemp(join(tmpdir(), 'vnpp-readme-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The ```bash blocks of one `### heading` section, in order. */
function bashBlocks(heading: string): string[] {
  const start = readme.indexOf(`### ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "### ${heading}"`);
  const next = readme.slice(start + 4).search(/\n#{2,3} /);
  const section = readme.slice(start, next < 0 ? undefined : start + 4 + next);
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** The commune the walkthrough creates: the platform is shared, the demo tree stays as seeded. */
const README_COMMUNE = '000.05.21.H62';
const commune = testAgencyCode();

async function runBlock(script: string): Promise<string> {
  expect(script).toContain('U=http://localhost:3000');
  const pointed = script
    .replaceAll('U=http://localhost:3000', `U=${baseUrl()}`)
    .replaceAll(README_COMMUNE, commune);
  const { stdout } = await run('bash', ['-c', `set -e -o pipefail\n${pointed}`], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

describe('README walkthrough, executed', () => {
  it('"Try it with curl": health, demo users, token, agency tree, create + update, problem details', async () => {
    const [block] = bashBlocks('Try it with curl');
    const out = await runBlock(block!);
    expect(out).toContain('"status":"ok"');
    expect(out).toContain('"username":"admin.province"');
    expect(out).toMatch(/"code":"000\.00\.21\.H62"/); // a district
    expect(out).toMatch(/HTTP\/1\.1 201/);
    expect(out).toMatch(/HTTP\/1\.1 200/);
    expect(out).toContain('Phường Đống Đa, TP Vĩnh Yên');
    expect(out).toContain('/problems/validation-error');
    expect(out).not.toMatch(/HTTP\/1\.1 5\d\d/);
  }, 150_000);

  it('"A dossier from submission to returned result": every step, then the report in JSON and CSV', async () => {
    const [block] = bashBlocks('A dossier from submission to returned result');
    const started = performance.now();
    const out = await runBlock(block!);
    const lines = out.split('\n').filter(Boolean);
    const steps = lines
      .slice(0, 6)
      .map((line) => JSON.parse(line) as { status: string; code?: string; outcome?: string });
    expect(steps.map((step) => step.status)).toEqual([
      'received',
      'processing',
      'processing',
      'approved',
      'released',
      'returned',
    ]);
    expect(steps[0]!.code).toMatch(/\S/);
    expect(['early', 'on-time', 'late']).toContain(steps[5]!.outcome);
    const detail = JSON.parse(lines[6]!) as { dossier: { status: string }; history: unknown[] };
    expect(detail.dossier.status).toBe('returned');
    expect(detail.history.length).toBeGreaterThanOrEqual(7);

    console.log(lines.slice(7).join('\n'));
    const report = JSON.parse(lines[7]!) as { rows?: unknown[]; total?: Record<string, unknown> };
    const text = JSON.stringify(report);
    expect(text, text).toMatch(/"returned\w*":\s*[1-9]/i);
    expect(lines.slice(8).join('\n')).toMatch(/,/); // CSV header and a row
    // A newcomer's budget is 10 minutes; the commands themselves take seconds.
    expect(performance.now() - started).toBeLessThan(120_000);
  }, 150_000);
});
