/** The national-portal configuration (shared/national-portal/config.ts): defaults, validation, environment. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  NATIONAL_PORTAL_ENV,
  NationalPortalConfig,
  nationalPortalSettingsFromEnv,
  parseNationalPortalConfig,
} from '#shared/national-portal/config.ts';
import { ConfigurationError } from '#shared/platform/env.ts';

const http = {
  baseUrl: 'https://lgsp.vinhphuc.gov.vn',
  path: '/dvcqg/v1/integration',
  unitCode: '000.00.00.H62',
  credentials: { source: 'secret', secretName: 'vnpp/vinh-phuc/national-portal' },
};

describe('NationalPortalConfig', () => {
  it('defaults to the standard table, no code maps, pushing submissions, no real portal', () => {
    expect(NationalPortalConfig.parse({})).toEqual({
      statusCodes: {},
      procedureCodes: {},
      fieldCodes: {},
      syncOnSubmit: true,
    });
  });

  it('takes the real portal with a 10 s timeout by default', () => {
    expect(NationalPortalConfig.parse({ http }).http).toEqual({ ...http, timeoutMs: 10_000 });
  });

  it.each([
    ['an unknown local status', { statusCodes: { paused: '5' } }, 'statusCodes'],
    ['a code that is not a number', { statusCodes: { returned: 'done' } }, 'statusCodes.returned'],
    ['a plain-http portal', { http: { ...http, baseUrl: 'http://lgsp.vinhphuc.gov.vn' } }, 'http.baseUrl'],
    [
      'a base URL with a path',
      { http: { ...http, baseUrl: 'https://lgsp.vinhphuc.gov.vn/api' } },
      'http.baseUrl',
    ],
    [
      'a credential inline',
      { http: { ...http, credentials: { source: 'inline', token: 'x' } } },
      'http.credentials.source',
    ],
    ['a bad unit code', { http: { ...http, unitCode: 'H62' } }, 'http.unitCode'],
    ['a timeout beyond 30 s', { http: { ...http, timeoutMs: 60_000 } }, 'http.timeoutMs'],
    ['an unknown field', { mode: 'http' }, ''],
  ])('refuses %s', (_what, input, path) => {
    expect(() => parseNationalPortalConfig(input)).toThrow(ConfigurationError);
    const result = NationalPortalConfig.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('allows plain http only to a loopback test portal', () => {
    expect(
      NationalPortalConfig.safeParse({ http: { ...http, baseUrl: 'http://127.0.0.1:8443' } }).success,
    ).toBe(true);
  });
});

describe('settings from the environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('runs the local stand-in when nothing is set', () => {
    delete process.env[NATIONAL_PORTAL_ENV.mode];
    delete process.env[NATIONAL_PORTAL_ENV.config];
    expect(nationalPortalSettingsFromEnv()).toMatchObject({ mode: 'local', config: { syncOnSubmit: true } });
  });

  it('reads the configuration as JSON and fails fast on a bad one', () => {
    process.env[NATIONAL_PORTAL_ENV.config] = JSON.stringify({ statusCodes: { denied: '3' } });
    expect(nationalPortalSettingsFromEnv().config.statusCodes).toEqual({ denied: '3' });
    process.env[NATIONAL_PORTAL_ENV.config] = '{not json';
    expect(() => nationalPortalSettingsFromEnv()).toThrow(/not JSON/);
  });

  it('refuses an unknown mode, and http mode without the portal configured', () => {
    process.env[NATIONAL_PORTAL_ENV.mode] = 'mock';
    expect(() => nationalPortalSettingsFromEnv()).toThrow(/local or http/);
    process.env[NATIONAL_PORTAL_ENV.mode] = 'http';
    process.env[NATIONAL_PORTAL_ENV.config] = '{}';
    expect(() => nationalPortalSettingsFromEnv()).toThrow(/needs "http"/);
    process.env[NATIONAL_PORTAL_ENV.config] = JSON.stringify({ http });
    expect(nationalPortalSettingsFromEnv()).toMatchObject({ mode: 'http', config: { http } });
  });
});
