/** Uploading a real file through the API (request → PUT to the presigned URL → confirm), for tests. */
import { expect } from 'vitest';
import { sha256Base64 } from './file-fixtures.ts';
import { call, unique } from './http.ts';

interface Ticket {
  id: string;
  upload: { url: string; method: string; headers: Record<string, string> };
}

export async function uploadFile(
  bytes: Buffer,
  options: { as: string; agencyCode: string; contentType?: string; purpose?: string; confirm?: boolean },
): Promise<string> {
  const requested = await call<Ticket>('POST', '/v1/files', {
    as: options.as,
    body: {
      purpose: options.purpose ?? 'dossier-attachment',
      fileName: `Giấy tờ ${unique()}.pdf`,
      contentType: options.contentType ?? 'application/pdf',
      size: bytes.length,
      sha256: sha256Base64(bytes),
      agencyCode: options.agencyCode,
    },
  });
  expect(requested.status, requested.text).toBe(201);
  const put = await fetch(requested.body.upload.url, {
    method: requested.body.upload.method,
    headers: requested.body.upload.headers,
    body: bytes,
  });
  expect(put.status).toBe(200);
  if (options.confirm !== false) {
    const confirmed = await call<{ status: string }>('POST', `/v1/files/${requested.body.id}/confirm`, {
      as: options.as,
    });
    expect(confirmed.body.status).toBe('confirmed');
  }
  return requested.body.id;
}
