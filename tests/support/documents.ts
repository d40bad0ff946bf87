/** Helpers for official-document tests: attachments, drafts, the leader's signature, event delivery. */
import { expect } from 'vitest';
import vinhPhuc, { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { baseUrl, call, unique } from './http.ts';
import { samplePdf } from './signing.ts';
import { uploadFile } from './uploads.ts';

export const A = demoAgencies.vinhYen;
export const B = demoAgencies.tichSon;
export const C = demoAgencies.lienBao;

/** Waits until every event in flight was delivered (the exchange runs on events). */
export async function drain(): Promise<void> {
  const response = await fetch(`${baseUrl()}/local/events/drain`, { method: 'POST' });
  expect(response.status).toBe(204);
}

export async function uploadDocumentFile(bytes: Uint8Array, as: string, agencyCode: string): Promise<string> {
  return uploadFile(Buffer.from(bytes), { as, agencyCode, purpose: 'document-attachment' });
}

export interface Draft {
  id: string;
  status: string;
  version: number;
  attachments: { fileId: string; main: boolean; fileName: string; sha256: string }[];
  [key: string]: unknown;
}

/** Uploads a main PDF (and returns its bytes) and drafts a document from agency A. */
export async function draft(
  fields: Record<string, unknown> = {},
  mainPdf?: Uint8Array,
  annexIds: readonly string[] = [],
) {
  const pdf = mainPdf ?? (await samplePdf(`Ke hoach ${unique()}`));
  const fileId = await uploadDocumentFile(pdf, 'specialist.vinhyen', A);
  const response = await call<Draft>('POST', '/v1/documents', {
    as: 'specialist.vinhyen',
    body: {
      type: 'KH',
      notation: 'KH-UBND',
      subject: `Kế hoạch chuyển đổi số ${unique()}`,
      signer: { fullName: 'Vũ Văn Hải', position: 'Chủ tịch', competence: 'TM.' },
      recipients: [B, C],
      replyDueDate: '2030-12-31',
      attachments: [{ fileId, main: true }, ...annexIds.map((annex) => ({ fileId: annex }))],
      ...fields,
    },
  });
  expect(response.status, response.text).toBe(201);
  return { document: response.body, pdf };
}

export async function act(id: string, action: string, as: string, extra: Record<string, unknown> = {}) {
  const response = await call<Draft>('POST', `/v1/documents/${id}/transitions`, {
    as,
    body: { action, ...extra },
  });
  expect(response.status, response.text).toBe(200);
  return response.body;
}

/**
 * The leader signs the approved main text with the personal signing API: POST /v1/signatures (the
 * data to sign) → the local stand-in for the leader's token signs it → POST /v1/signatures/{id}/complete,
 * which stores the signed PDF as a file. Answers that file's id. `pdf` is uploaded first when it is
 * not already a stored file.
 */
export async function leaderSignedFile(
  pdf: Uint8Array | string,
  username = 'leader.vinhyen',
): Promise<string> {
  const user = vinhPhuc.demoUsers.find((candidate) => candidate.username === username)!;
  const fileId = typeof pdf === 'string' ? pdf : await uploadDocumentFile(pdf, username, user.agencyCode!);
  const session = await call<{ id: string; dataToSign: string }>('POST', '/v1/signatures', {
    as: username,
    body: { fileId, reason: 'Ký ban hành văn bản' },
  });
  expect(session.status, session.text).toBe(201);
  const signed = await call<{ signatureValue: string }>('POST', '/local/signing/sign', {
    body: { username, dataToSign: session.body.dataToSign },
  });
  expect(signed.status, signed.text).toBe(200);
  const completed = await call<{ signedFileId: string }>(
    'POST',
    `/v1/signatures/${session.body.id}/complete`,
    {
      as: username,
      body: { signatureValue: signed.body.signatureValue },
    },
  );
  expect(completed.status, completed.text).toBe(200);
  return completed.body.signedFileId;
}

/** A document of A taken to `issued` (signed digitally unless `paper`). */
export async function issued(
  fields: Record<string, unknown> = {},
  options: { paper?: boolean; book?: string; annexIds?: readonly string[] } = {},
) {
  const { document, pdf } = await draft(fields, undefined, options.annexIds);
  await act(document.id, 'submit', 'specialist.vinhyen');
  await act(document.id, 'approve', 'leader.vinhyen');
  if (!options.paper) {
    const signedFileId = await leaderSignedFile(document.attachments.find((a) => a.main)!.fileId);
    const signed = await call<Draft>('POST', `/v1/documents/${document.id}/sign`, {
      as: 'leader.vinhyen',
      body: { signedFileId },
    });
    expect(signed.status, signed.text).toBe(200);
  }
  const response = await call<
    Draft & { number: number; numberNotation: string; sealed?: boolean; signedDigitally: boolean }
  >('POST', `/v1/documents/${document.id}/issue`, {
    as: 'clerk.vinhyen',
    body: options.book ? { book: options.book } : {},
  });
  expect(response.status, response.text).toBe(200);
  return { document: response.body, pdf };
}
