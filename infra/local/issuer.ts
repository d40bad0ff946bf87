/**
 * The local token issuer: an RS256 key, its JWKS, and tokens shaped like Cognito ID tokens
 * (`cognito:groups` = roles, `custom:agency_code`, `token_use: id`), so the handlers verify local
 * tokens with the same code (aws-jwt-verify) and read the same claims as in AWS. Local only.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import {
  type CryptoKey,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  type JWK,
  SignJWT,
} from 'jose';
import type { DemoUser } from '../provinces/province-config.ts';

export const LOCAL_AUDIENCE = 'local-client';

export interface LocalIssuer {
  readonly issuer: string;
  readonly jwks: { keys: JWK[] };
  mint(user: DemoUser, options?: { expiresInSeconds?: number }): Promise<string>;
}

/** A stable subject per username, like Cognito's immutable `sub`. */
export const subjectOf = (username: string): string => {
  const hex = createHash('sha256').update(`local-user:${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

async function loadOrCreateKey(keyFile: string | undefined): Promise<CryptoKey> {
  if (keyFile) {
    try {
      return await importPKCS8(await readFile(keyFile, 'utf8'), 'RS256', { extractable: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  if (keyFile) await writeFile(keyFile, await exportPKCS8(privateKey), { mode: 0o600 });
  return privateKey;
}

export async function createLocalIssuer(issuer: string, keyFile?: string): Promise<LocalIssuer> {
  const privateKey = await loadOrCreateKey(keyFile);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = await exportJWK(privateKey);
  const kid = createHash('sha256')
    .update(publicJwk.n ?? '')
    .digest('base64url')
    .slice(0, 16);
  const jwk: JWK = { ...publicJwk, kid, alg: 'RS256', use: 'sig' };
  return {
    issuer,
    jwks: { keys: [jwk] },
    async mint(user, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        'cognito:username': user.username,
        'cognito:groups': user.roles,
        ...(user.agencyCode ? { 'custom:agency_code': user.agencyCode } : {}),
        name: user.fullName,
        token_use: 'id',
        auth_time: now,
      })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(LOCAL_AUDIENCE)
        .setSubject(subjectOf(user.username))
        .setJti(randomUUID())
        .setIssuedAt(now)
        .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
        .sign(privateKey);
    },
  };
}
