/** Helpers for official-document tests: attachments, drafts, the leader's signature, event delivery. */
import { expect, inject } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import vinhPhuc from '#infra/provinces/vinh-phuc.ts';
import { LocalPki, localKey } from '#shared/signing/local-pki.ts';
import { signPdfWithKey } from '#shared/signing/seal.ts';
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
export async function draft(fields: Record<string, unknown> = {}, mainPdf?: Uint8Array, annexIds: readonly string[] = []) {
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
  const response = await call<Draft>('POST', `/v1/documents/${id}/transitions`, { as, body: { action, ...extra } });
  expect(response.status, response.text).toBe(200);
  return response.body;
}

/**
 * What the personal signing API (POST /v1/signatures → …/complete) produces: the leader's PAdES
 * signature over the approved main text, stored as a file of the agency. Made here with the leader's
 * key from the local test PKI of the running platform.
 */
export async function leaderSignedFile(pdf: Uint8Array, username = 'leader.vinhyen'): Promise<string> {
  const user = vinhPhuc.demoUsers.find((candidate) => candidate.username === username)!;
  const pki = new LocalPki(inject('platformEnv').LOCAL_PKI_DIR!);
  const root = await pki.root();
  const entry = await pki.personal({ username, fullName: user.fullName, agencyCode: user.agencyCode! });
  const signed = await signPdfWithKey(localKey(entry, [root.certificatePem]), pdf, {
    reason: 'Ký ban hành',
    signingTime: new Date(),
  });
  return uploadDocumentFile(signed, username, user.agencyCode!);
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
    const signedFileId = await leaderSignedFile(pdf);
    const signed = await call<Draft>('POST', `/v1/documents/${document.id}/sign`, {
      as: 'leader.vinhyen',
      body: { signedFileId },
    });
    expect(signed.status, signed.text).toBe(200);
  }
  const response = await call<Draft & { number: number; numberNotation: string }>('POST', `/v1/documents/${document.id}/issue`, {
    as: 'clerk.vinhyen',
    body: options.book ? { book: options.book } : {},
  });
  expect(response.status, response.text).toBe(200);
  return { document: response.body, pdf };
}
