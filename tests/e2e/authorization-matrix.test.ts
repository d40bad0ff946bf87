/**
 * The authorization matrix, generated from the route table: every non-public route refuses a
 * missing, expired or forged token with 401, and every role it does not admit with 403, before it
 * looks at anything else. Public routes never ask for a token. A new route is covered as soon as it exists.
 * (Scope checks against real resources — own / other / parent agency, owner / other citizen — are
 * shown per domain in the e2e tests.)
 */

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type CryptoKey, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { allRoutes } from '#functions/routes.ts';
import { LOCAL_AUDIENCE } from '#infra/local/issuer.ts';
import vinhPhuc from '#infra/provinces/vinh-phuc.ts';
import { isPublic, ROLES, type Role } from '#shared/http/route.ts';
import { baseUrl, call } from '#tests/support/http.ts';

/** A syntactically valid value for each path parameter name. */
const PARAM_VALUES: Record<string, () => string> = {
  code: () => '000.00.21.H62',
  id: () => randomUUID(),
  fileId: () => randomUUID(),
  file: () => 'init.js',
  gateway: () => 'vnpay',
  date: () => '2026-11-21',
};

const pathOf = (path: string) =>
  path.replace(/\{(\w+)\+?\}/g, (_, name: string) => {
    const value = PARAM_VALUES[name];
    if (!value) throw new Error(`Add a sample value for path parameter "${name}" to the matrix`);
    return value();
  });

const userWithRole = (role: Role) =>
  vinhPhuc.demoUsers.find((user) => user.roles.length === 1 && user.roles[0] === role);

let realKey: CryptoKey;
let kid: string;
async function badToken(kind: 'expired' | 'forged'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ 'cognito:groups': [...ROLES], 'custom:agency_code': '000.00.00.H62', token_use: 'id' })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(`${baseUrl()}/local`)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject('matrix')
    .setIssuedAt(now - 7200)
    .setExpirationTime(kind === 'expired' ? now - 3600 : now + 3600)
    .sign(kind === 'forged' ? (await generateKeyPair('RS256')).privateKey : realKey);
}

beforeAll(async () => {
  realKey = await importPKCS8(await readFile(inject('issuerKeyFile'), 'utf8'), 'RS256');
  const jwks = (await (await fetch(`${baseUrl()}/local/.well-known/jwks.json`)).json()) as {
    keys: { kid: string }[];
  };
  kid = jwks.keys[0]!.kid;
});

const protectedRoutes = allRoutes.filter((entry) => !isPublic(entry.route.access));
const publicRoutes = allRoutes.filter((entry) => isPublic(entry.route.access));

describe('authorization matrix', () => {
  it('has a demo user for every role', () => {
    for (const role of ROLES) expect(userWithRole(role), role).toBeDefined();
  });

  it.each(protectedRoutes.map((entry) => [entry.operationId, entry] as const))(
    '%s: 401 without a valid token, 403 for every role it does not admit',
    async (_id, { route }) => {
      const path = pathOf(route.path);
      const body = route.request?.body ? {} : undefined;
      for (const token of [undefined, await badToken('expired'), await badToken('forged')]) {
        const response = await call(route.method, path, {
          ...(token ? { token } : {}),
          ...(body ? { body } : {}),
        });
        expect(response.status, `${route.method} ${path} with ${token ? 'a bad' : 'no'} token`).toBe(401);
      }
      const admitted = 'roles' in route.access ? Object.keys(route.access.roles) : [];
      for (const role of ROLES.filter((candidate) => !admitted.includes(candidate))) {
        const response = await call(route.method, path, {
          as: userWithRole(role)!.username,
          ...(body ? { body } : {}),
        });
        expect(response.status, `${route.method} ${path} as ${role}`).toBe(403);
      }
    },
  );

  it.each(publicRoutes.map((entry) => [entry.operationId, entry] as const))(
    '%s: public, asks for no token',
    async (_id, { route }) => {
      const response = await call(route.method, pathOf(route.path));
      expect([401, 403]).not.toContain(response.status);
      expect(response.status).toBeLessThan(500);
    },
  );
});
