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
