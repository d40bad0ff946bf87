/**
 * File attachments through the local runtime: request an upload, PUT real bytes to the presigned
 * s3rver URL, confirm (size, magic bytes, SHA-256), download; rejections; access by owner and agency.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { outboxRecordsBetween } from '#shared/events/replay.ts';
import type { FileRecord, UploadTicket } from '#shared/files/file.ts';
import { fileKey } from '#shared/files/keys.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { tableName } from '#shared/platform/table.ts';
import { docx, jpeg, odt, pdf, png, sha256Base64, xlsx, xml } from '#tests/support/file-fixtures.ts';
import { type CallResult, call, tokenFor, unique } from '#tests/support/http.ts';

const PDF = 'application/pdf';
const CITIZEN = 'citizen.an';

interface Declared {
  purpose?: string;
  fileName?: string;
  contentType?: string;
  size?: number;
  sha256?: string;
  agencyCode?: string;
}

/** Declares `bytes` (fields override the true values) to Vĩnh Yên as a dossier attachment. */
function requestUpload(
  bytes: Buffer,
  fields: Declared = {},
  as = CITIZEN,
  headers: Record<string, string> = {},
) {
  return call<UploadTicket>('POST', '/v1/files', {
    as,
    headers,
    body: {
      purpose: 'dossier-attachment',
      fileName: `Đơn đề nghị ${unique()}.pdf`,
      contentType: PDF,
      size: bytes.length,
      sha256: sha256Base64(bytes),
      agencyCode: demoAgencies.vinhYen,
      ...fields,
    },
  });
}

async function upload(ticket: UploadTicket, bytes: Buffer): Promise<Response> {
  return fetch(ticket.upload.url, {
    method: ticket.upload.method,
    headers: ticket.upload.headers,
    body: bytes,
  });
}

const confirm = (id: string, as = CITIZEN) => call<FileRecord>('POST', `/v1/files/${id}/confirm`, { as });

/** Request, upload and confirm; returns the confirm response. */
async function uploadAndConfirm(
  bytes: Buffer,
  fields: Declared = {},
  as = CITIZEN,
): Promise<{ ticket: UploadTicket; confirmed: CallResult<FileRecord> }> {
  const requested = await requestUpload(bytes, fields, as);
  expect(requested.status, requested.text).toBe(201);
  const put = await upload(requested.body, bytes);
  expect(put.status, await put.text()).toBe(200);
  return { ticket: requested.body, confirmed: await confirm(requested.body.id, as) };
}

async function download(id: string, as = CITIZEN): Promise<Buffer> {
  const redirect = await fetch(`${inject('baseUrl')}/v1/files/${id}/download`, {
    headers: { authorization: `Bearer ${await tokenFor(as)}` },
    redirect: 'manual',
  });
  expect(redirect.status).toBe(302);
  expect(redirect.headers.get('cache-control')).toBe('no-store');
  const object = await fetch(redirect.headers.get('location')!);
  expect(object.status).toBe(200);
  return Buffer.from(await object.arrayBuffer());
}

/** The FileConfirmed events in the outbox for a file. */
async function confirmedEvents(file: FileRecord): Promise<{ data: unknown; recipients: string[] }[]> {
  // Every page: other tests fill the day's outbox partition at the same time (more than a 1 MB page).
  const records = await outboxRecordsBetween(new Date(file.createdAt), new Date(Date.now() + 60_000));
  return records
    .filter((record) => record.detailType === 'FileConfirmed')
    .map(
      (record) =>
        JSON.parse(record.detail) as { entity: { id: string }; data: unknown; recipients: string[] },
    )
    .filter((detail) => detail.entity.id === file.id);
}

describe('upload, confirm, download', () => {
  it('stores exactly the bytes a citizen uploaded and serves them back', async () => {
    const bytes = pdf('Tờ khai đăng ký khai sinh', 5000);
    const requested = await requestUpload(bytes, { fileName: 'Tờ khai (bản chính).pdf' });
    expect(requested.status, requested.text).toBe(201);
    const ticket = requested.body;
    expect(requested.headers.get('location')).toBe(`/v1/files/${ticket.id}`);
    expect(requested.headers.get('cache-control')).toBe('no-store');
    expect(ticket.file).toMatchObject({
      status: 'pending',
      agencyCode: demoAgencies.vinhYen,
      size: bytes.length,
      sha256: sha256Base64(bytes),
      fileName: 'Tờ khai (bản chính).pdf',
    });
    expect(Date.parse(ticket.file.confirmBy!) - Date.parse(ticket.file.createdAt)).toBe(24 * 3600 * 1000);
    // The presigned URL points at the local S3 engine (in AWS: the bucket's regional endpoint).
    expect(ticket.upload.url.startsWith(`${inject('platformEnv').AWS_ENDPOINT_URL_S3}/`)).toBe(true);
    const signed = new URL(ticket.upload.url).searchParams.get('X-Amz-SignedHeaders');
    expect(signed).toBe('content-length;content-type;host;x-amz-checksum-sha256');
    expect(ticket.upload.headers).toEqual({
      'content-type': PDF,
      'x-amz-checksum-sha256': sha256Base64(bytes),
    });

    expect((await upload(ticket, bytes)).status).toBe(200);
    const confirmed = await confirm(ticket.id);
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body).toMatchObject({ id: ticket.id, status: 'confirmed', version: 2 });
    expect(confirmed.body.confirmBy).toBeUndefined();

    // Confirming again answers the same.
    const again = await confirm(ticket.id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(confirmed.body);

    expect((await download(ticket.id)).equals(bytes)).toBe(true);
    const link = await call<{ url: string; expiresAt: string }>(
      'GET',
      `/v1/files/${ticket.id}/download?redirect=false`,
      { as: CITIZEN },
    );
    expect(link.status).toBe(200);
    const object = await fetch(link.body.url);
    expect(object.headers.get('content-type')).toBe(PDF);
    expect(object.headers.get('content-disposition')).toBe(
      `attachment; filename="To khai _ban chinh_.pdf"; filename*=UTF-8''T%E1%BB%9D%20khai%20%28b%E1%BA%A3n%20ch%C3%ADnh%29.pdf`,
    );

    const events = await confirmedEvents(confirmed.body);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      recipients: [demoAgencies.vinhYen],
      data: {
        file: {
          id: ticket.id,
          purpose: 'dossier-attachment',
          size: bytes.length,
          sha256: sha256Base64(bytes),
        },
      },
    });
    const audit = await call<{ items: { action: string; chain: string }[] }>(
      'GET',
      `/v1/audit?entityId=${ticket.id}`,
      { as: 'auditor.province' },
    );
    expect(audit.body.items.map((record) => [record.action, record.chain])).toEqual([
      ['file.upload-requested', demoAgencies.vinhYen],
      ['file.confirmed', demoAgencies.vinhYen],
    ]);
  });

  it('accepts every allowed type whose bytes match', async () => {
    const cases: [Buffer, string, string, string][] = [
      [png(), 'image/png', 'anh.png', 'dossier-attachment'],
      [jpeg(), 'image/jpeg', 'anh.jpg', 'dossier-attachment'],
      [
        docx(150_000),
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'to-trinh.docx',
        'document-attachment',
      ],
      [
        xlsx(),
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'bang-ke.xlsx',
        'document-attachment',
      ],
      [odt(), 'application/vnd.oasis.opendocument.text', 'cong-van.odt', 'document-attachment'],
      [xml(), 'application/xml', 'goi-tin.xml', 'document-attachment'],
    ];
    for (const [bytes, contentType, fileName, purpose] of cases) {
      const { confirmed } = await uploadAndConfirm(
        bytes,
        { contentType, fileName, purpose, agencyCode: undefined },
        'specialist.vinhyen',
      );
      expect(confirmed.body, fileName).toMatchObject({
        status: 'confirmed',
        agencyCode: demoAgencies.vinhYen,
      });
      expect((await download(confirmed.body.id, 'leader.vinhyen')).equals(bytes), fileName).toBe(true);
    }
  });

  it('replays an upload request with the same Idempotency-Key', async () => {
    const bytes = pdf();
    const key = `files-${unique()}`;
    const fields = { fileName: 'Giấy tờ.pdf' };
    const first = await requestUpload(bytes, fields, CITIZEN, { 'idempotency-key': key });
    const second = await requestUpload(bytes, fields, CITIZEN, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
  });
});

/** The stored item's TTL (`expiresAt`, epoch seconds), or undefined. */
async function ttlOf(id: string): Promise<number | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: fileKey(id) }));
  return Item?.expiresAt as number | undefined;
}

describe('pending files and concurrent confirmations', () => {
  it('expires pending files (TTL at the confirmation deadline), keeps confirmed ones', async () => {
    const bytes = pdf();
    const requested = await requestUpload(bytes);
    expect(await ttlOf(requested.body.id)).toBe(
      Math.floor(Date.parse(requested.body.file.confirmBy!) / 1000),
    );
    await upload(requested.body, bytes);
    expect((await confirm(requested.body.id)).body.status).toBe('confirmed');
    expect(await ttlOf(requested.body.id)).toBeUndefined();
  });

  it('rejects a confirmation after the deadline, even when the bytes are fine', async () => {
    const bytes = pdf();
    const requested = await requestUpload(bytes);
    await upload(requested.body, bytes);
    // DynamoDB deletes expired items lazily (within days): the deadline is checked, not the TTL.
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: fileKey(requested.body.id),
        UpdateExpression: 'SET confirmBy = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    const late = await confirm(requested.body.id);
    expect(late.body.status).toBe('rejected');
    expect(late.body.rejection?.reason).toBe('expired');
    const ttl = await ttlOf(requested.body.id);
    expect(ttl! - Date.now() / 1000).toBeGreaterThan(6 * 24 * 3600); // kept a week, then gone
  });

  it('settles a file once when confirmations race, with one FileConfirmed event', async () => {
    const bytes = jpeg(50_000);
    const requested = await requestUpload(bytes, { contentType: 'image/jpeg', fileName: 'cccd.jpg' });
    await upload(requested.body, bytes);
    const answers = await Promise.all([1, 2, 3, 4].map(() => confirm(requested.body.id)));
    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body).toMatchObject({ status: 'confirmed', version: 2 });
    }
    expect(await confirmedEvents(answers[0]!.body)).toHaveLength(1);
    expect((await download(requested.body.id)).equals(bytes)).toBe(true);
  });
});

describe('rejections', () => {
  it('rejects a PNG declared as a PDF at confirmation, deletes it, and answers the same again', async () => {
    const { ticket, confirmed } = await uploadAndConfirm(png());
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('rejected');
    expect(confirmed.body.rejection).toMatchObject({
      reason: 'type-mismatch',
      detail: 'The content does not match the declared type (PDF): it looks like a PNG image',
    });
    expect((await confirm(ticket.id)).body).toEqual(confirmed.body);
    expect((await call('GET', `/v1/files/${ticket.id}/download`, { as: CITIZEN })).status).toBe(409);
    // The upload is gone from S3.
    const leftover = await fetch(ticket.upload.url.replace(/\?.*$/, ''));
    expect(leftover.status).toBe(404);
  });

  it('rejects a Word package declared as an Excel workbook', async () => {
    const { confirmed } = await uploadAndConfirm(
      docx(),
      {
        purpose: 'document-attachment',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        fileName: 'bang-ke.xlsx',
        agencyCode: undefined,
      },
      'clerk.vinhyen',
    );
    expect(confirmed.body.rejection?.reason).toBe('type-mismatch');
    expect(confirmed.body.rejection?.detail).toContain('it is a Word document');
  });

  it('rejects bytes whose SHA-256 differs from the declared one', async () => {
    const declared = pdf('Bản khai A');
    const sent = pdf('Bản khai B');
    expect(sent.length).toBe(declared.length);
    const requested = await requestUpload(declared);
    const put = await upload(requested.body, sent);
    // AWS refuses the PUT itself (400 BadDigest: the checksum header is signed); s3rver does not check.
    if (put.ok) {
      const confirmed = await confirm(requested.body.id);
      expect(confirmed.body.status).toBe('rejected');
      expect(confirmed.body.rejection?.reason).toBe('checksum-mismatch');
    } else {
      expect(put.status).toBe(400);
    }
  });

  it('refuses an upload of more bytes than declared (by S3, or at confirmation)', async () => {
    const declared = pdf();
    const requested = await requestUpload(declared);
    const put = await upload(requested.body, Buffer.concat([declared, Buffer.from('% appended\n')]));
    // AWS refuses the PUT (Content-Length is signed); s3rver stores it, and confirmation rejects it.
    if (put.ok) {
      const confirmed = await confirm(requested.body.id);
      expect(confirmed.body.status).toBe('rejected');
      expect(confirmed.body.rejection).toMatchObject({
        reason: 'size-mismatch',
        detail: `The upload has ${declared.length + 11} bytes; ${declared.length} were declared`,
      });
    } else {
      expect(put.status).toBeGreaterThanOrEqual(400);
    }
  });

  it('refuses at request time a declared size over the purpose’s limit, a type it does not allow, a bad checksum', async () => {
    const bytes = pdf();
    const tooBig = await requestUpload(bytes, { size: 20 * 1024 * 1024 + 1 });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toMatchObject({ errors: [{ path: 'body.size', code: 'too_big' }] });

    const xmlForDossier = await requestUpload(bytes, { contentType: 'application/xml', fileName: 'a.xml' });
    expect(xmlForDossier.status).toBe(400);
    expect(xmlForDossier.body).toMatchObject({ errors: [{ path: 'body.contentType' }] });

    const hex = await requestUpload(bytes, { sha256: 'ab'.repeat(32) });
    expect(hex.status).toBe(400);
    expect(hex.body).toMatchObject({ errors: [{ path: 'body.sha256' }] });

    const wrongExtension = await requestUpload(bytes, { fileName: 'scan.png' });
    expect(wrongExtension.status).toBe(400);
  });
});

describe('who may do what', () => {
  it('shows a citizen’s file to its owner and the agency tree, and to nobody else (404)', async () => {
    const { ticket } = await uploadAndConfirm(pdf());
    for (const user of [CITIZEN, 'clerk.vinhyen', 'leader.province']) {
      expect((await call('GET', `/v1/files/${ticket.id}`, { as: user })).status, user).toBe(200);
    }
    for (const user of ['citizen.binh', 'clerk.phucyen', 'clerk.tichson']) {
      expect((await call('GET', `/v1/files/${ticket.id}`, { as: user })).status, user).toBe(404);
      expect((await call('GET', `/v1/files/${ticket.id}/download`, { as: user })).status, user).toBe(404);
      expect((await call('POST', `/v1/files/${ticket.id}/confirm`, { as: user })).status, user).toBe(404);
    }
    expect((await call('GET', `/v1/files/${ticket.id}`, { as: 'admin.vinhyen' })).status).toBe(403);
    expect((await call('GET', `/v1/files/${randomUUID()}`, { as: CITIZEN })).status).toBe(404);
  });

  it('does not serve a pending file, nor confirm one before its bytes arrive', async () => {
    const requested = await requestUpload(pdf());
    const id = requested.body.id;
    expect((await call('GET', `/v1/files/${id}/download`, { as: CITIZEN })).status).toBe(409);
    const early = await confirm(id);
    expect(early.status).toBe(409);
    expect((await call<FileRecord>('GET', `/v1/files/${id}`, { as: CITIZEN })).body.status).toBe('pending');
  });

  it('needs an existing agency from citizens, keeps staff to their agency, documents to staff', async () => {
    const bytes = pdf();
    const noAgency = await requestUpload(bytes, { agencyCode: undefined });
    expect(noAgency.status).toBe(400);
    expect(noAgency.body).toMatchObject({ errors: [{ path: 'body.agencyCode', code: 'required' }] });
    const unknown = await requestUpload(bytes, { agencyCode: '123.456.78.T90' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ errors: [{ path: 'body.agencyCode', code: 'agency_not_found' }] });

    expect((await requestUpload(bytes, { agencyCode: demoAgencies.phucYen }, 'clerk.vinhyen')).status).toBe(
      403,
    );
    const own = await requestUpload(bytes, { agencyCode: undefined }, 'clerk.tichson');
    expect(own.status).toBe(201);
    expect(own.body.file.agencyCode).toBe(demoAgencies.tichSon);

    expect((await requestUpload(bytes, { purpose: 'document-attachment' })).status).toBe(403);
    expect((await requestUpload(bytes, {}, 'auditor.province')).status).toBe(403);
  });
});
