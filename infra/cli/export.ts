/**
 * Exports through the HTTP API (so access rules apply to ops as to everyone): an agency's dossiers
 * with the typed client (clients/typescript), and the dossier report of the reports engine. CSV
 * (nested fields flattened to dotted columns, csv-stringify) or JSON.
 */
import { writeFile } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import { createPlatformClient, unwrap } from '../../clients/typescript/src/index.ts';
import { UsageError } from './rows.ts';

export interface ApiAccess {
  baseUrl: string;
  token: string;
}

/** The API and a token: --api / VNPP_API_URL (npm start writes it to runtime.json) and --token / VNPP_TOKEN, or --as <demo user> locally. */
export async function apiAccess(options: { api?: string; token?: string; as?: string }): Promise<ApiAccess> {
  const baseUrl = options.api ?? process.env.VNPP_API_URL;
  if (!baseUrl)
    throw new UsageError('Name the API with --api <url> or VNPP_API_URL (npm start sets it for the CLI)');
  let token = options.token ?? process.env.VNPP_TOKEN;
  if (!token && options.as) {
    const response = await fetch(`${baseUrl}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: options.as }),
    });
    if (!response.ok)
      throw new UsageError(
        `No local token for ${options.as}: HTTP ${response.status} ${await response.text()}`,
      );
    token = ((await response.json()) as { token: string }).token;
  }
  if (!token)
    throw new UsageError('Give a bearer token with --token or VNPP_TOKEN (locally: --as <demo user>)');
  return { baseUrl, token };
}

/** `{ a: { b: 1 }, c: [x] }` → `{ 'a.b': 1, c: '[x]' }` (arrays as JSON). */
export function flatten(value: Record<string, unknown>, prefix = '', into: Record<string, unknown> = {}) {
  for (const [key, inner] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (inner && typeof inner === 'object' && !Array.isArray(inner))
      flatten(inner as Record<string, unknown>, name, into);
    else into[name] = Array.isArray(inner) ? JSON.stringify(inner) : inner;
  }
  return into;
}

export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const flat = rows.map((row) => flatten(row));
  const columns = [...new Set(flat.flatMap((row) => Object.keys(row)))];
  return stringify(flat, { header: true, columns, bom: true });
}

export async function writeOutput(
  rows: readonly Record<string, unknown>[],
  format: 'csv' | 'json',
  out?: string,
) {
  const text = format === 'csv' ? toCsv(rows) : `${JSON.stringify(rows, null, 2)}\n`;
  if (out) await writeFile(out, text);
  else process.stdout.write(text);
}

/** Every page of an agency's queue in one status. */
export async function exportDossiers(access: ApiAccess, agency: string, status: string) {
  const api = createPlatformClient(access);
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(
      api.GET('/v1/agencies/{code}/dossiers', {
        params: {
          path: { code: agency },
          query: { status: status as 'received', limit: 100, ...(cursor ? { cursor } : {}) },
        },
      }),
    );
    items.push(...(page.items as Record<string, unknown>[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/**
 * The dossier report (`GET /v1/reports/dossiers`, issue #9): its query parameters are passed as
 * given (e.g. from, to, agency, groupBy); the rows are the response's `rows` or `items`.
 */
export async function exportReport(access: ApiAccess, query: Record<string, string>) {
  const url = new URL('/v1/reports/dossiers', access.baseUrl);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const response = await fetch(url, { headers: { authorization: `Bearer ${access.token}` } });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url.pathname}: HTTP ${response.status} ${text}`);
  const body = JSON.parse(text) as { rows?: unknown[]; items?: unknown[] } | unknown[];
  const rows = Array.isArray(body) ? body : (body.rows ?? body.items ?? [body]);
  return rows as Record<string, unknown>[];
}
