/**
 * Issue 11: vendors add a procedure with its own form and workflow as data only
 * (examples/procedures), and ops seed agencies and users from CSV (examples/agencies,
 * examples/users) with the CLI; the platform then runs a dossier on the new procedure.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseUrl, call, testAgencyCode } from '#tests/support/http.ts';

let dir: string;
/**
 * The example CSVs with the two wards' codes replaced by test codes: the platform is shared, and
 * the demo tree stays as seeded (tests/e2e/agencies.test.ts counts it).
 */
const wards = { '000.20.21.H62': testAgencyCode(), '000.21.21.H62': testAgencyCode() };
const KHAI_QUANG = wards['000.20.21.H62'];
let wardsCsv: string;
let staffCsv: string;
async function withTestCodes(example: string, copy: string): Promise<string> {
  let text = await readFile(example, 'utf8');
  for (const [code, test] of Object.entries(wards)) text = text.replaceAll(code, test);
  const path = join(dir, copy);
  await writeFile(path, text);
  return path;
}
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vnpp-cli-catalog-'));
  wardsCsv = await withTestCodes('examples/agencies/new-wards.csv', 'new-wards.csv');
  staffCsv = await withTestCodes('examples/users/staff.csv', 'staff.csv');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
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
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('CLI seeding and the data-only procedure example', () => {
  it('imports the example agencies from CSV, then keeps them on a re-run', async () => {
    const checkpoint = join(dir, 'agencies.checkpoint.json');
    const first = await cli(['import', 'agencies', wardsCsv, '--checkpoint', checkpoint]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/agencies: 2 rows — \d created, \d already there/);
    const ward = await call<{ name: string; parentCode: string }>('GET', `/v1/agencies/${KHAI_QUANG}`, {
      as: 'admin.province',
    });
    expect(ward.status).toBe(200);
    expect(ward.body).toMatchObject({ name: 'UBND phường Khai Quang', parentCode: '000.00.21.H62' });

    const again = await cli(['import', 'agencies', wardsCsv, '--checkpoint', checkpoint, '--restart']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('agencies: 2 rows — 0 created, 2 already there');
  }, 120_000);

  it('creates users from CSV into the local users file, refusing unknown roles by line', async () => {
    const usersFile = join(dir, 'users.json');
    await cli(['import', 'agencies', wardsCsv, '--checkpoint', join(dir, 'a2.json')]);
    const created = await cli([
      'users',
      'create',
      staffCsv,
      '--users-file',
      usersFile,
      '--checkpoint',
      join(dir, 'users.checkpoint.json'),
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('users: 2 rows — 2 created');
    const users = JSON.parse(await readFile(usersFile, 'utf8')) as { username: string; roles: string[] }[];
    expect(users.map((u) => [u.username, u.roles])).toEqual([
      ['clerk.khaiquang', ['clerk']],
      ['leader.khaiquang', ['leader', 'specialist']],
    ]);

    const bad = join(dir, 'bad-users.csv');
    await writeFile(
      bad,
      `username,fullName,roles,agencyCode\nok.user,An,clerk,${KHAI_QUANG}\nBad User,Bình,king,${KHAI_QUANG}\n`,
    );
    const refused = await cli(['users', 'create', bad, '--users-file', usersFile, '--dry-run']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/line 3: username: .*; roles\.0: /);
  }, 120_000);

  it('adds the example procedure (form + workflow as JSON) and runs a dossier through its workflow', async () => {
    const imported = await cli([
      'import',
      'procedures',
      'examples/procedures/cai-chinh-ho-tich.json',
      '--checkpoint',
      join(dir, 'procedures.checkpoint.json'),
    ]);
    expect(imported.code, imported.stderr + imported.stdout).toBe(0);
    expect(imported.stdout).toMatch(/procedures: 1 rows — [01] created/);

    const procedure = await call<{ workflow: { id: string }[]; fees: { amount: number }[] }>(
      'GET',
      '/v1/procedures/VP-cai-chinh-ho-tich',
      { as: 'clerk.tichson' },
    );
    expect(procedure.status).toBe(200);
    expect(
      procedure.body.workflow.map((step) => step.id),
      JSON.stringify(procedure.body.workflow),
    ).toEqual(['tiep-nhan', 'tham-tra', 'ky-trich-luc']);

    const submission = (form: Record<string, unknown>) => ({
      procedureCode: 'VP-cai-chinh-ho-tich',
      agencyCode: '000.01.21.H62',
      applicant: {
        kind: 'citizen',
        fullName: 'Phạm Thị Lan',
        identity: { idType: 'citizen-id', idNumber: '026195004321' },
      },
      form,
      delivery: { method: 'counter' },
    });
    // The form is checked against the procedure's JSON Schema.
    const wrong = await call<{ errors: { path: string }[] }>('POST', '/v1/dossiers', {
      as: 'citizen.binh',
      body: submission({
        applicant: { fullName: 'Phạm Thị Lan' },
        kind: 'doi-ten-tuy-thich',
        record: 'Giấy khai sinh số 12, ngày 20/02/1995, UBND phường Tích Sơn',
        change: 'Cải chính ngày sinh',
        reason: 'Ghi sai khi đăng ký',
      }),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors.map((e) => e.path).join(' ')).toContain('kind');

    const submitted = await call<{ id: string }>('POST', '/v1/dossiers', {
      as: 'citizen.binh',
      body: submission({
        applicant: {
          fullName: 'Phạm Thị Lan',
          idNumber: '026195004321',
          dateOfBirth: '1995-02-14',
          residence: 'Phường Tích Sơn, TP Vĩnh Yên',
        },
        kind: 'cai-chinh',
        record: 'Giấy khai sinh số 12, ngày 20/02/1995, UBND phường Tích Sơn',
        change: 'Cải chính ngày sinh từ 15/02/1995 thành 14/02/1995',
        reason: 'Ghi sai khi đăng ký khai sinh',
      }),
    });
    expect(submitted.status, submitted.text).toBe(201);
    let status = '';
    for (const [as, action] of [
      ['clerk.tichson', 'receive'],
      ['clerk.tichson', 'forward'],
      ['specialist.tichson', 'forward'],
      ['leader.tichson', 'approve'],
      ['clerk.tichson', 'release'],
      ['clerk.tichson', 'return'],
    ] as const) {
      const moved = await call<{ status: string }>('POST', `/v1/dossiers/${submitted.body.id}/transitions`, {
        as,
        body: { action },
      });
      expect(moved.status, `${action}: ${moved.text}`).toBe(200);
      status = moved.body.status;
    }
    expect(status).toBe('returned');

    // Exports through the API: the agency's returned dossiers (CSV) and the dossier report (JSON).
    const csvFile = join(dir, 'returned.csv');
    const exported = await cli([
      'export',
      'dossiers',
      '--agency',
      '000.01.21.H62',
      '--status',
      'returned',
      '--as',
      'clerk.tichson',
      '--api',
      baseUrl(),
      '--out',
      csvFile,
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const csv = await readFile(csvFile, 'utf8');
    expect(csv.split('\n')[0]).toContain('procedure.code');
    expect(csv).toContain(submitted.body.id);

    await fetch(`${baseUrl()}/local/events/drain`, { method: 'POST' });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const reportFile = join(dir, 'report.json');
    const report = await cli([
      'export',
      'report',
      '--query',
      `from=${today}`,
      '--query',
      `to=${today}`,
      '--query',
      'agency=000.01.21.H62',
      '--as',
      'leader.tichson',
      '--api',
      baseUrl(),
      '--format',
      'json',
      '--out',
      reportFile,
    ]);
    expect(report.code, report.stderr).toBe(0);
    const rows = JSON.parse(await readFile(reportFile, 'utf8')) as {
      key: string;
      indicators: { received: number };
    }[];
    expect(rows.find((row) => row.key === '000.01.21.H62')?.indicators.received).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
