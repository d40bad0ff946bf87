/** HTTP helpers for e2e tests against the local runtime. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

export const baseUrl = (): string => inject('baseUrl');

const tokens = new Map<string, string>();

/** A demo user's token from the local issuer (cached per worker). */
export async function tokenFor(username: string): Promise<string> {
  const cached = tokens.get(username);
  if (cached) return cached;
  const response = await fetch(`${baseUrl()}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) throw new Error(`token for ${username}: ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  tokens.set(username, token);
  return token;
}

export interface CallOptions {
  as?: string;
  token?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Calls the API; `as` names a demo user whose token is sent. */
export async function call<T = unknown>(
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token ?? (options.as ? await tokenFor(options.as) : undefined);
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | Buffer | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl()}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** A unique suffix for test data. */
export const unique = (): string => randomUUID().slice(0, 8);

const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

/** A random, valid agency code outside the demo province's H62 group (test data only). */
export const testAgencyCode = (): string => `${digits(3)}.${digits(3)}.${digits(2)}.T${digits(2)}`;

export const PROVINCE_ADMIN = 'admin.province';

/** Creates an agency as the province admin and returns its code. */
export async function createTestAgency(
  parentCode: string | null,
  fields: Record<string, unknown> = {},
): Promise<string> {
  const code = testAgencyCode();
  const response = await call('POST', '/v1/agencies', {
    as: PROVINCE_ADMIN,
    body: {
      code,
      name: `Test agency ${code}`,
      level: parentCode ? 'commune' : 'province',
      parentCode,
      ...fields,
    },
  });
  if (response.status !== 201) throw new Error(`create agency: ${response.status} ${response.text}`);
  return code;
}
