/**
 * Official documents end to end: agency A (Vĩnh Yên) drafts, approves, signs, issues and sends to
 * B (Tích Sơn) and C (Liên Bảo); B registers, assigns and completes; C rejects; A sees 06 and 02;
 * A recalls from B. Plus the refusals: secret documents, an unsigned "signed" file, wrong roles.
 */
import { describe, expect, it } from 'vitest';
import { call } from '#tests/support/http.ts';
import { A, act, B, C, type Draft, draft, drain, issued, leaderSignedFile, uploadDocumentFile } from '#tests/support/documents.ts';
import { samplePdf } from '#tests/support/signing.ts';

interface Incoming {
  id: string;
  status: string;
  version: number;
  incomingNumber?: number;
  source: { documentId: string; organId: string };
  pendingRequest?: { kind: string };
  dueDate?: string;
  overdue?: boolean;
  attachments: { fileId: string }[];
  history: { code?: string }[];
}
interface Detail {
  document: Draft & { numberNotation: string; signedDigitally: boolean };
  recipients: { recipientAgency: string; code: string | null; history: { code: string }[] }[];
}

/** The incoming copy of a document in an agency's inbox (by sender, then by source id). */
async function inboxCopy(agency: string, clerk: string, documentId: string): Promise<Incoming> {
  const list = await call<{ items: Incoming[] }>('GET', `/v1/agencies/${agency}/documents/incoming?sender=${A}&limit=100`, { as: clerk });
  expect(list.status, list.text).toBe(200);
  const copy = list.body.items.find((item) => item.source.documentId === documentId);
  expect(copy, `copy of ${documentId} in ${agency}`).toBeDefined();
  return copy!;
}

const actIn = async (id: string, as: string, body: Record<string, unknown>) => {
  const response = await call<Incoming>('POST', `/v1/incoming-documents/${id}/transitions`, { as, body });
  expect(response.status, response.text).toBe(200);
  return response.body;
};

const codesFor = (detail: Detail, agency: string) => detail.recipients.find((r) => r.recipientAgency === agency);

describe('official documents between agencies', () => {
  it('A issues and sends; B registers, assigns, completes; C rejects; A sees 06 and 02, then recalls from B', { timeout: 120_000 }, async () => {
    const { document } = await issued();
    expect(document.status).toBe('issued');
    expect(document.signedDigitally).toBe(true);
    expect(document.numberNotation).toBe(`${document.number}/KH-UBND`);

    const sent = await call<{ sentTo: string[] }>('POST', `/v1/documents/${document.id}/send`, { as: 'clerk.vinhyen' });
    expect(sent.status, sent.text).toBe(202);
    expect(sent.body.sentTo).toEqual([B, C]);
    await drain();

    // Both inboxes hold a copy (01 arrived), carrying the signed main text.
    const atB = await inboxCopy(B, 'clerk.tichson', document.id);
    const atC = await inboxCopy(C, 'clerk.lienbao', document.id);
    expect(atB.status).toBe('received');
    expect(atB.attachments[0]!.fileId).toBe(document.attachments[0]!.fileId);
    const link = await call<{ url: string }>('GET', `/v1/incoming-documents/${atB.id}/attachments/${atB.attachments[0]!.fileId}?redirect=false`, {
      as: 'clerk.tichson',
    });
    expect(link.status).toBe(200);

    // B: register (next số đến), assign with a deadline already past, start, complete.
    const registered = await actIn(atB.id, 'clerk.tichson', { action: 'register' });
    expect(registered.status).toBe('registered');
    expect(registered.incomingNumber).toBeGreaterThan(0);
    // Only a leader assigns.
    const wrongRole = await call('POST', `/v1/incoming-documents/${atB.id}/transitions`, {
      as: 'clerk.tichson',
      body: { action: 'assign', unit: 'Văn phòng' },
    });
    expect(wrongRole.status).toBe(403);
    await actIn(atB.id, 'leader.tichson', { action: 'assign', unit: 'Văn phòng', assignee: 'specialist.tichson', dueDate: '2020-01-02' });
    const overdue = await call<{ items: Incoming[] }>('GET', `/v1/agencies/${B}/documents/incoming?due=overdue&limit=100`, { as: 'clerk.tichson' });
    expect(overdue.body.items.map((item) => item.id)).toContain(atB.id);
    await actIn(atB.id, 'specialist.tichson', { action: 'start' });
    const completed = await actIn(atB.id, 'specialist.tichson', { action: 'complete', note: 'Đã triển khai' });
    expect(completed.status).toBe('completed');
    expect(completed.overdue).toBe(true);
    const afterCompletion = await call<{ items: Incoming[] }>('GET', `/v1/agencies/${B}/documents/incoming?due=overdue&limit=100`, { as: 'clerk.tichson' });
    expect(afterCompletion.body.items.map((item) => item.id)).not.toContain(atB.id);

    // C: reject on receipt, with the reason.
    const rejected = await actIn(atC.id, 'clerk.lienbao', { action: 'reject', reason: 'Không đúng thẩm quyền' });
    expect(rejected.status).toBe('rejected');
    await drain();

    const seen = await call<Detail>('GET', `/v1/documents/${document.id}`, { as: 'clerk.vinhyen' });
    expect(seen.status).toBe(200);
    expect(codesFor(seen.body, B)?.code).toBe('06');
    expect(codesFor(seen.body, B)?.history.map((h) => h.code)).toEqual(['01', '03', '04', '05', '06']);
    expect(codesFor(seen.body, C)?.code).toBe('02');
    expect(codesFor(seen.body, C)?.history.map((h) => h.code)).toEqual(['01', '02']);

    // A recalls from B (13); B accepts (15) and its copy is closed.
    const recall = await call('POST', `/v1/documents/${document.id}/recall`, {
      as: 'clerk.vinhyen',
      body: { reason: 'Sai thể thức', recipients: [B] },
    });
    expect(recall.status, recall.text).toBe(202);
    await drain();
    const asked = await call<{ document: Incoming }>('GET', `/v1/incoming-documents/${atB.id}`, { as: 'clerk.tichson' });
    expect(asked.body.document.pendingRequest?.kind).toBe('recall');
    const answered = await call<Incoming>('POST', `/v1/incoming-documents/${atB.id}/request-answer`, {
      as: 'clerk.tichson',
      body: { accept: true },
    });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.body.status).toBe('recalled');
    await drain();
    const final = await call<Detail>('GET', `/v1/documents/${document.id}`, { as: 'leader.vinhyen' });
    expect(codesFor(final.body, B)?.code).toBe('15');
    expect(codesFor(final.body, B)?.history.map((h) => h.code)).toEqual(['01', '03', '04', '05', '06', '13', '15']);
    expect(codesFor(final.body, C)?.code).toBe('02');

    // Boxes: A's outgoing box by status and by recipient; B's inbox by status.
    const out = await call<{ items: { id: string }[] }>('GET', `/v1/agencies/${A}/documents/outgoing?status=issued&type=KH&limit=100`, { as: 'clerk.vinhyen' });
    expect(out.body.items.map((item) => item.id)).toContain(document.id);
    const toC = await call<{ items: { id: string }[] }>('GET', `/v1/agencies/${A}/documents/outgoing?recipient=${C}&limit=100`, { as: 'clerk.vinhyen' });
    expect(toC.body.items.map((item) => item.id)).toContain(document.id);
    const recalled = await call<{ items: { id: string }[] }>('GET', `/v1/agencies/${B}/documents/incoming?status=recalled&limit=100`, { as: 'clerk.tichson' });
    expect(recalled.body.items.map((item) => item.id)).toContain(atB.id);
    const period = await call<{ items: { id: string }[] }>('GET', `/v1/agencies/${A}/documents/outgoing?from=2020-01-01&to=2020-12-31`, { as: 'clerk.vinhyen' });
    expect(period.body.items.map((item) => item.id)).not.toContain(document.id);
    // Another agency's box is not visible.
    const foreign = await call('GET', `/v1/agencies/${A}/documents/outgoing`, { as: 'clerk.tichson' });
    expect(foreign.status).toBe(403);
  });

  it('updates a sent document: the recipient accepts the new revision (15)', { timeout: 120_000 }, async () => {
    const { document } = await issued({ recipients: [B] });
    expect((await call('POST', `/v1/documents/${document.id}/send`, { as: 'clerk.vinhyen' })).status).toBe(202);
    await drain();
    const atB = await inboxCopy(B, 'clerk.tichson', document.id);
    const updated = await call<Draft & { revision: number }>('POST', `/v1/documents/${document.id}/update`, {
      as: 'leader.vinhyen',
      body: { reason: 'Đính chính trích yếu', subject: 'Kế hoạch chuyển đổi số (đính chính)' },
    });
    expect(updated.status, updated.text).toBe(202);
    expect(updated.body.revision).toBe(1);
    await drain();
    const answered = await call<Incoming & { subject: string }>('POST', `/v1/incoming-documents/${atB.id}/request-answer`, {
      as: 'leader.tichson',
      body: { accept: true },
    });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.body.subject).toBe('Kế hoạch chuyển đổi số (đính chính)');
    expect(answered.body.status).toBe('received');
    await drain();
    const seen = await call<Detail>('GET', `/v1/documents/${document.id}`, { as: 'clerk.vinhyen' });
    expect(codesFor(seen.body, B)?.code).toBe('15');
  });

  it('records and issues a secret document but refuses to send or export it electronically', { timeout: 60_000 }, async () => {
    const { document } = await issued({ confidentiality: 'secret' }, { paper: true });
    expect(document.status).toBe('issued');
    expect(document.signedDigitally).toBe(false);
    const sent = await call<{ detail: string; type: string }>('POST', `/v1/documents/${document.id}/send`, { as: 'clerk.vinhyen' });
    expect(sent.status).toBe(409);
    expect(sent.headers.get('content-type')).toContain('application/problem+json');
    expect(sent.body.detail).toMatch(/secret documents are never sent electronically/);
    const exported = await call('GET', `/v1/documents/${document.id}/edxml`, { as: 'clerk.vinhyen' });
    expect(exported.status).toBe(409);
    const seen = await call<Detail>('GET', `/v1/documents/${document.id}`, { as: 'clerk.vinhyen' });
    expect(seen.body.recipients).toEqual([]);
  });

  it('refuses a sign step with a file that is not the leader’s signature of the approved text', { timeout: 60_000 }, async () => {
    const { document, pdf } = await draft();
    await act(document.id, 'submit', 'specialist.vinhyen');
    // Not approved yet: 409.
    const early = await call('POST', `/v1/documents/${document.id}/sign`, { as: 'leader.vinhyen', body: { signedFileId: document.attachments[0]!.fileId } });
    expect(early.status).toBe(409);
    await act(document.id, 'approve', 'leader.vinhyen');
    const unsigned = await call<{ errors: { code: string }[] }>('POST', `/v1/documents/${document.id}/sign`, {
      as: 'leader.vinhyen',
      body: { signedFileId: document.attachments[0]!.fileId },
    });
    expect(unsigned.status).toBe(400);
    // A valid signature, but of another text.
    const otherSigned = await leaderSignedFile(await samplePdf('Van ban khac'));
    const other = await call<{ errors: { code: string }[] }>('POST', `/v1/documents/${document.id}/sign`, {
      as: 'leader.vinhyen',
      body: { signedFileId: otherSigned },
    });
    expect(other.status).toBe(400);
    expect(other.body.errors[0]!.code).toBe('text_changed');
    // Specialists do not sign.
    const bySpecialist = await call('POST', `/v1/documents/${document.id}/sign`, {
      as: 'specialist.vinhyen',
      body: { signedFileId: await leaderSignedFile(pdf) },
    });
    expect(bySpecialist.status).toBe(403);
  });

  it('validates drafts: recipients, attachments, a main PDF', async () => {
    const xmlFile = await uploadDocumentFile(Buffer.from('%PDF-1.4\n%test\n'), 'specialist.vinhyen', A);
    const bad = await call<{ errors: { path: string }[] }>('POST', '/v1/documents', {
      as: 'specialist.vinhyen',
      body: {
        type: 'CV',
        notation: 'UBND-VP',
        subject: 'Công văn',
        signer: { fullName: 'Vũ Văn Hải', position: 'Chủ tịch' },
        recipients: [A, '999.99.99.H99'],
        attachments: [{ fileId: xmlFile }],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e) => e.path)).toEqual(['body.recipients.0', 'body.recipients.1']);
    const noMain = await call<{ errors: { code: string }[] }>('POST', '/v1/documents', {
      as: 'specialist.vinhyen',
      body: {
        type: 'CV',
        notation: 'UBND-VP',
        subject: 'Công văn',
        signer: { fullName: 'Vũ Văn Hải', position: 'Chủ tịch' },
        recipients: [B],
        attachments: [{ fileId: xmlFile }],
      },
    });
    expect(noMain.status).toBe(400);
    expect(noMain.body.errors.map((e) => e.code)).toContain('main_required');
  });
});
