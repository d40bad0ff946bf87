/** Authentication (401 matrix) and authorization (403 / scope) through the local runtime. */
import { readFile } from 'node:fs/promises';
import { type CryptoKey, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_AUDIENCE, subjectOf } from '#infra/local/issuer.ts';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { baseUrl, call, createTestAgency, tokenFor } from '#tests/support/http.ts';

type Claims = Record<string, unknown>;
let realKey: CryptoKey;
let kid: string;

const clerkClaims = (): Claims => ({
  'cognito:username': 'clerk.vinhyen',
  'cognito:groups': ['clerk'],
  'custom:agency_code': demoAgencies.vinhYen,
  token_use: 'id',
});

async function sign(
  claims: Claims,
  options: { key?: CryptoKey; issuer?: string; audience?: string; expiresAt?: number; kid?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? kid })
    .setIssuer(options.issuer ?? `${baseUrl()}/local`)
    .setAudience(options.audience ?? LOCAL_AUDIENCE)
    .setSubject(subjectOf('clerk.vinhyen'))
    .setIssuedAt(now - 10)
    .setExpirationTime(options.expiresAt ?? now + 600)
    .sign(options.key ?? realKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  realKey = await importPKCS8(await readFile(inject('issuerKeyFile'), 'utf8'), 'RS256');
  const jwks = (await (await fetch(`${baseUrl()}/local/.well-known/jwks.json`)).json()) as {
    keys: { kid: string }[];
  };
  kid = jwks.keys[0]!.kid;
});

describe('401 for every bad token', () => {
  it('accepts a well-formed token signed by the issuer (control)', async () => {
    expect((await call('GET', '/v1/agencies?limit=1', { token: await sign(clerkClaims()) })).status).toBe(
      200,
    );
  });

  const cases: [string, () => Promise<string | undefined>][] = [
    ['missing', async () => undefined],
    ['not a JWT', async () => 'not-a-token'],
    ['expired', async () => sign(clerkClaims(), { expiresAt: Math.floor(Date.now() / 1000) - 60 })],
    [
      'forged (signed by another key, same kid)',
      async () => sign(clerkClaims(), { key: (await generateKeyPair('RS256')).privateKey }),
    ],
    [
      'unknown key id',
      async () => sign(clerkClaims(), { key: (await generateKeyPair('RS256')).privateKey, kid: 'other-kid' }),
    ],
    ['wrong issuer', async () => sign(clerkClaims(), { issuer: 'https://evil.example/local' })],
    ['wrong audience', async () => sign(clerkClaims(), { audience: 'another-client' })],
    [
      'alg: none',
      async () =>
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...clerkClaims(), iss: `${baseUrl()}/local`, aud: LOCAL_AUDIENCE, exp: 9999999999 })}.`,
    ],
    [
      'payload altered after signing',
      async () => {
        const [header, , signature] = (await sign(clerkClaims())).split('.');
        return `${header}.${b64({ ...clerkClaims(), 'cognito:groups': ['province-admin'], iss: `${baseUrl()}/local`, aud: LOCAL_AUDIENCE, exp: 9999999999 })}.${signature}`;
      },
    ],
  ];

  it.each(cases)('%s → 401 problem with WWW-Authenticate', async (_name, makeToken) => {
    const token = await makeToken();
    const response = await call<{ type: string }>('GET', '/v1/agencies', token ? { token } : {});
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.type).toBe('/problems/unauthorized');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses a Basic authorization header', async () => {
    const response = await call('GET', '/v1/agencies', {
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    });
    expect(response.status).toBe(401);
  });

  it('leaves public routes open', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    expect((await call('GET', '/health', { token: 'garbage' })).status).toBe(200);
  });
});

describe('403 for a wrong role or another agency', () => {
  it('refuses a role the route does not admit', async () => {
    const response = await call<{ type: string }>('POST', '/v1/agencies', {
      as: 'clerk.vinhyen',
      body: { code: '100.100.10.T10', name: 'X', level: 'commune', parentCode: demoAgencies.vinhYen },
    });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('/problems/forbidden');
  });

  it("lets an agency admin change their own agency, not another agency's", async () => {
    const own = await call('PATCH', `/v1/agencies/${demoAgencies.vinhYen}`, {
      as: 'admin.vinhyen',
      body: { website: 'https://vinhyen.vinhphuc.gov.vn' },
    });
    expect(own.status).toBe(200);
    const other = await call('PATCH', `/v1/agencies/${demoAgencies.phucYen}`, {
      as: 'admin.vinhyen',
      body: { website: 'https://evil.example' },
    });
    expect(other.status).toBe(403);
    const phucYen = await call<{ website?: string }>('GET', `/v1/agencies/${demoAgencies.phucYen}`, {
      as: 'admin.vinhyen',
    });
    expect(phucYen.body.website).toBeUndefined();
  });

  it('ignores roles it does not know, even when correctly signed', async () => {
    const token = await sign({ ...clerkClaims(), 'cognito:groups': ['superuser', 'admin'] });
    expect((await call('GET', '/v1/agencies', { token })).status).toBe(403);
  });
});

describe('local token endpoints', () => {
  it('lists demo users with their roles and agencies, and mints tokens only for them', async () => {
    const users = (await (await fetch(`${baseUrl()}/local/users`)).json()) as {
      items: { username: string; roles: string[] }[];
    };
    const roles = new Set(users.items.flatMap((user) => user.roles));
    for (const role of [
      'citizen',
      'clerk',
      'specialist',
      'leader',
      'agency-admin',
      'province-admin',
      'auditor',
      'integration',
    ]) {
      expect(roles, role).toContain(role);
    }
    await expect(tokenFor('nobody.here')).rejects.toThrow(/404/);
  });

  it('is not part of the API description (never deployed)', async () => {
    const document = (await call<{ paths: Record<string, unknown> }>('GET', '/openapi.json')).body;
    expect(Object.keys(document.paths).some((path) => path.startsWith('/local'))).toBe(false);
  });
});

describe('agency scope with created data', () => {
  it('an agency admin cannot edit a sibling created a moment ago', async () => {
    const sibling = await createTestAgency(demoAgencies.vinhYen);
    const response = await call('PATCH', `/v1/agencies/${sibling}`, {
      as: 'admin.vinhyen',
      body: { name: 'renamed' },
    });
    expect(response.status).toBe(403);
  });
});
