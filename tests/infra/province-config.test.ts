/**
 * Province files: validated at synth time with errors that say what to fix, a registry that
 * names the known provinces, and a CDK entry point that refuses an unknown one.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireDeployment } from '#infra/cdk/naming.ts';
import { REPO_ROOT } from '#infra/cdk/paths.ts';
import dongNai from '#infra/provinces/dong-nai.ts';
import { findProvince, provinceCodes, provinces } from '#infra/provinces/index.ts';
import { defineProvince } from '#infra/provinces/province-config.ts';
import vinhPhuc from '#infra/provinces/vinh-phuc.ts';
import { AGENCY_CODE_PATTERN } from '#shared/agencies/agency.ts';

type ProvinceInput = Parameters<typeof defineProvince>[0];

const minimal: ProvinceInput = {
  code: 'thu-nghiem',
  name: 'Tỉnh Thử Nghiệm',
  levels: ['province'],
  agencies: [{ code: '000.00.00.H99', name: 'UBND tỉnh Thử Nghiệm', level: 'province', parentCode: null }],
  demoUsers: [],
};

const deployment = {
  account: '123456789012',
  region: 'ap-southeast-1',
  domain: { api: 'api.example.gov.vn' },
  corsOrigins: ['https://dichvucong.example.gov.vn'],
  alarmEmail: 'ops@example.gov.vn',
};

const problemsOf = (input: ProvinceInput): string => {
  try {
    defineProvince(input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the province to be refused');
};

describe('province registry', () => {
  it('knows both sample provinces, each with a deployment section', () => {
    expect(provinceCodes()).toEqual(['vinh-phuc', 'dong-nai']);
    for (const province of provinces) expect(requireDeployment(province).account).toMatch(/^\d{12}$/);
  });

  it('names the known provinces when asked for an unknown or missing one', () => {
    expect(findProvince('dong-nai')).toBe(dongNai);
    expect(() => findProvince('ha-noi')).toThrow(
      'Unknown province "ha-noi". Known provinces: vinh-phuc, dong-nai',
    );
    expect(() => findProvince(undefined)).toThrow(/-c province=<code>; known provinces: vinh-phuc, dong-nai/);
  });

  it('makes `cdk synth -c province=<unknown>` fail with the list of known provinces', () => {
    const run = spawnSync(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['infra/cdk/app.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ province: 'ha-noi' }) },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Unknown province "ha-noi". Known provinces: vinh-phuc, dong-nai');
  });

  it('keeps the provinces apart: own accounts, own secret names', () => {
    const [a, b] = [requireDeployment(vinhPhuc), requireDeployment(dongNai)];
    expect(a.account).not.toBe(b.account);
    for (const province of provinces) {
      for (const gateway of requireDeployment(province).paymentGateways) {
        expect(gateway.secretName.startsWith(`vnpp/${province.code}/payment/`)).toBe(true);
      }
    }
  });
});

describe('sample provinces', () => {
  it('Vĩnh Phúc keeps the three-level model and Đồng Nai the two-tier model of 1 July 2025', () => {
    expect(vinhPhuc.levels).toContain('district');
    expect(dongNai.levels).toEqual(['province', 'department', 'commune']);
    expect(
      dongNai.agencies
        .filter((agency) => agency.level === 'commune')
        .every((agency) => agency.parentCode === '000.00.00.H19'),
    ).toBe(true);
  });

  it('gives Đồng Nai agency codes of its own top-level group, in the Decision 20/2020 shape', () => {
    for (const agency of dongNai.agencies) {
      expect(agency.code).toMatch(AGENCY_CODE_PATTERN);
      expect(agency.code.endsWith('.H19')).toBe(true);
    }
    const vinhPhucCodes = new Set(vinhPhuc.agencies.map((agency) => agency.code));
    expect(dongNai.agencies.filter((agency) => vinhPhucCodes.has(agency.code))).toEqual([]);
  });

  it('fills deployment defaults the files leave out', () => {
    const province = defineProvince({ ...minimal, deployment });
    expect(province.deployment?.api).toEqual({
      rateLimit: 200,
      burstLimit: 400,
      p99LatencyMs: 3000,
      serverErrorPercent: 1,
    });
    expect(province.deployment?.retention.auditArchiveYears).toBe(10);
    expect(province.deployment?.paymentGateways).toEqual([]);
  });
});

describe('validation errors', () => {
  it('accepts a province without deployment (enough for the local runtime) but the CDK app refuses it', () => {
    const local = defineProvince(minimal);
    expect(local.deployment).toBeUndefined();
    expect(() => requireDeployment(local)).toThrow('add one in infra/provinces/thu-nghiem.ts');
  });

  it('lists every problem on its own line, with the path to fix', () => {
    const message = problemsOf({
      ...minimal,
      deployment: {
        ...deployment,
        account: '1234',
        region: 'Singapore',
        corsOrigins: ['https://dichvucong.example.gov.vn/'],
        alarmEmail: 'not an address',
        api: { rateLimit: 500, burstLimit: 100, p99LatencyMs: 3000, serverErrorPercent: 1 },
        retention: {
          logDays: 42,
          auditArchiveYears: 10,
          eventArchiveDays: 365,
          noncurrentFileVersionDays: 90,
          accessLogDays: 365,
          backupDays: 35,
        },
      },
    });
    expect(message).toContain('Province configuration "thu-nghiem" is not valid:');
    for (const expected of [
      '  - deployment.account: An AWS account id has 12 digits',
      '  - deployment.region: An AWS region such as ap-southeast-1',
      '  - deployment.corsOrigins.0: A CORS origin is https://host[:port], with no path or trailing slash',
      '  - deployment.alarmEmail:',
      '  - deployment.retention.logDays: CloudWatch Logs retention must be one of',
    ]) {
      expect(message).toContain(expected);
    }
  });

  it('refuses a rate above the burst, and a gateway secret outside the province', () => {
    const message = problemsOf({
      ...minimal,
      deployment: {
        ...deployment,
        api: { rateLimit: 500, burstLimit: 100, p99LatencyMs: 3000, serverErrorPercent: 1 },
        paymentGateways: [
          { id: 'vnpay', protocol: 'vnpay', secretName: 'vnpp/dong-nai/payment/vnpay', merchantCode: 'X' },
        ],
      },
    });
    expect(message).toContain(
      '  - deployment.api.burstLimit: The burst limit cannot be below the rate limit',
    );
    expect(message).toContain(
      '  - deployment.paymentGateways.0.secretName: Secret names of this province start with vnpp/thu-nghiem/payment/',
    );
  });

  it('validates the working-calendar overrides with the calendar’s own rules', () => {
    const message = problemsOf({
      ...minimal,
      calendar: { overrides: { '2026': { daysOff: [{ date: '2025-05-02' }] } } },
    });
    expect(message).toMatch(/calendar\.overrides\.2026/);
  });
});
