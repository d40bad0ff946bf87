/**
 * Issue 11 acceptance: the CLI imports a 10,000-row CSV of legacy dossiers with a progress bar,
 * is killed mid-way (SIGKILL, no chance to clean up), resumes from its checkpoint, and the table
 * then holds exactly 10,000 records, no duplicates. Plus: bad rows are named by line and nothing
 * is written; --dry-run writes nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { legacyDossierPartition } from '#infra/cli/targets/legacy.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { tableName } from '#shared/platform/table.ts';
import { call, createTestAgency, testAgencyCode } from '#tests/support/http.ts';

const ROWS = 10_000;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vnpp-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** The CLI in its own process, reaching the test platform through the environment (as in AWS). */
function cli(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/cli/main.ts', ...args], {
    env: {
      ...process.env,
      ...inject('platformEnv'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<Awaited<Run['done']>>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

function legacyCsv(agency: string, rows: number): string {
  const lines = [
    'code,agencyCode,procedureCode,procedureName,field,applicantKind,applicantName,channel,status,receivedAt,dueAt,returnedAt',
  ];
  for (let i = 1; i <= rows; i += 1) {
    const day = String((i % 28) + 1).padStart(2, '0');
    const late = i % 10 === 0;
    lines.push(
      [
        `HS-2020-${String(i).padStart(6, '0')}`,
        agency,
        '1.001234',
        '"Chứng thực bản sao từ bản chính"',
        'Chứng thực',
        i % 7 === 0 ? 'business' : 'citizen',
        `"Nguyễn Văn ${i}"`,
        i % 3 === 0 ? 'online' : 'counter',
        'returned',
        `2020-03-${day}T08:00:00+07:00`,
        `2020-04-${day}T17:00:00+07:00`,
        late ? `2020-05-${day}T10:00:00+07:00` : `2020-04-${day}T09:00:00+07:00`,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

async function importedCodes(agency: string): Promise<string[]> {
  const codes: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': legacyDossierPartition(agency) },
        ProjectionExpression: 'code',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    codes.push(...(page.Items ?? []).map((item) => item.code as string));
    start = page.LastEvaluatedKey;
  } while (start);
  return codes;
}

async function checkpointDone(file: string): Promise<number> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { done: number }).done;
  } catch {
    return 0;
  }
}

describe('npm run cli -- import legacy-dossiers', () => {
  it('imports 10,000 rows with progress, survives a kill, resumes, and leaves exactly 10,000 records', async () => {
    // A registered agency, so its report can be read back.
    const agency = await createTestAgency('000.00.00.H62');
    const file = join(dir, 'legacy-10k.csv');
    const checkpoint = `${file}.checkpoint.json`;
    await writeFile(file, legacyCsv(agency, ROWS));

    // First run, throttled so it is surely mid-way when killed.
    const first = cli(['import', 'legacy-dossiers', file, '--max-rate', '1500']);
    const deadline = Date.now() + 60_000;
    while ((await checkpointDone(checkpoint)) < 2_000 && Date.now() < deadline) await sleep(50);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const doneAtKill = await checkpointDone(checkpoint);
    expect(doneAtKill).toBeGreaterThanOrEqual(2_000);
    expect(doneAtKill).toBeLessThan(ROWS);
    // Progress was shown while it ran.
    expect(killed.stderr).toMatch(/legacy-dossiers \|[█░]+\| \d+\/10000 rows \| \d+%/);
    const partial = await importedCodes(agency);
    expect(partial.length).toBeGreaterThanOrEqual(doneAtKill);
    expect(partial.length).toBeLessThan(ROWS);

    // Second run resumes after the checkpoint.
    const second = await cli(['import', 'legacy-dossiers', file]).done;
    expect(second.stderr + second.stdout, second.stderr).toMatch(
      new RegExp(`resuming after row ${doneAtKill} of 10000`),
    );
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/legacy-dossiers: 10000 rows — \d+ created/);
    expect(second.stdout).toContain(`resumed after row ${doneAtKill}`);

    const codes = await importedCodes(agency);
    expect(codes.length).toBe(ROWS);
    expect(new Set(codes).size).toBe(ROWS);
    const status = JSON.parse(await readFile(checkpoint, 'utf8')) as { done: number; completedAt?: string };
    expect(status.done).toBe(ROWS);
    expect(status.completedAt).toBeTruthy();

    // Counted once into the reports (issue #9's import library), whatever the interruption.
    expect(second.stdout).toMatch(/reports: 10000 legacy dossiers counted into the reports/);
    const report = await call<{ total: { received: number; handled: number; returnedLate: number } }>(
      'GET',
      `/v1/reports/dossiers?agency=${agency}&from=2020-03-01&to=2020-05-31`,
      { as: 'admin.province' },
    );
    expect(report.status, report.text).toBe(200);
    expect(report.body.total.received).toBe(ROWS);
    expect(report.body.total.handled).toBe(ROWS);
    expect(report.body.total.returnedLate).toBe(ROWS / 10);

    // A third run is a no-op.
    const third = await cli(['import', 'legacy-dossiers', file]).done;
    expect(third.code).toBe(0);
    expect(third.stderr).toContain('was imported completely');
    expect((await importedCodes(agency)).length).toBe(ROWS);
  }, 240_000);

  it('names every bad row by line, writes nothing, and --dry-run writes nothing either', async () => {
    const agency = testAgencyCode();
    const good = legacyCsv(agency, 5).trim().split('\n');
    const bad = [
      ...good,
      `HS-X1,${agency},1.001234,,,citizen,An,online,returned,2020-03-01T08:00:00+07:00,2020-04-01T17:00:00+07:00,`,
      `HS-X2,${agency},1.001234,,,robot,An,online,processing,2020-03-01T08:00:00+07:00,2020-04-01T17:00:00+07:00,`,
      `HS-X3,${agency},1.001234,,,citizen,An,fax,processing,yesterday,2020-04-01T17:00:00+07:00,`,
      good[1]!,
    ];
    const file = join(dir, 'bad.csv');
    await writeFile(file, `${bad.join('\n')}\n`);
    const result = await cli(['import', 'legacy-dossiers', file]).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 7: returnedAt: a returned dossier needs returnedAt');
    expect(result.stderr).toMatch(/line 8: applicantKind: /);
    expect(result.stderr).toMatch(/line 9: channel: .*; receivedAt: /);
    expect(result.stderr).toMatch(/line 10: .*HS-2020-000001 repeats line 2/);
    expect(result.stderr).toContain('4 bad row(s) of 9; nothing was imported');
    expect(await importedCodes(agency)).toEqual([]);

    const goodFile = join(dir, 'good.csv');
    await writeFile(goodFile, `${good.join('\n')}\n`);
    const dry = await cli(['import', 'legacy-dossiers', goodFile, '--dry-run']).done;
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('legacy-dossiers: 5 rows are valid (dry run, nothing written)');
    expect(await importedCodes(agency)).toEqual([]);
  }, 120_000);
});
