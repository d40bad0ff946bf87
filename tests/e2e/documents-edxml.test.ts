/**
 * edXML through the API: A exports an issued, signed document as a sealed QCVN 102:2016 package;
 * B imports it and gets the same metadata and attachments byte for byte. Tampered, unsigned and
 * malformed packages are refused with a problem response and nothing is stored.
 */
import { describe, expect, it } from 'vitest';
import { call } from '#tests/support/http.ts';
import { A, B, issued, uploadDocumentFile } from '#tests/support/documents.ts';
import { samplePdf } from '#tests/support/signing.ts';

interface Incoming {
  id: string;
  status: string;
  subject: string;
  numberNotation: string;
  number: number;
  notation: string;
  type: string;
  urgency: string;
  issuedDate: string;
  replyDueDate?: string;
  signer: Record<string, string>;
  source: { channel: string; organId: string; documentId: string };
  attachments: { fileId: string; fileName: string; sha256: string; size: number; contentType: string }[];
}

const inboxFromA = async () =>
  (await call<{ items: Incoming[] }>('GET', `/v1/agencies/${B}/documents/incoming?sender=${A}&limit=100`, { as: 'clerk.tichson' })).body.items.filter(
    (item) => item.source.channel === 'edxml',
  ).length;

const importXml = (edxml: string) => call<Incoming & { errors?: { path: string; message: string }[]; detail?: string }>('POST', '/v1/documents/import', { as: 'clerk.tichson', body: { edxml } });

describe('edXML exchange', () => {
  it('exports a sealed package that another agency imports with identical metadata and attachments', { timeout: 180_000 }, async () => {
    const annex = await samplePdf('Phu luc kem theo');
    const annexId = await uploadDocumentFile(annex, 'specialist.vinhyen', A);
    const { document } = await issued(
      { urgency: 'urgent', recipients: [B], subject: 'Kế hoạch "chuyển đổi số" <2027> & triển khai' },
      { annexIds: [annexId] },
    );
    expect(document.attachments).toHaveLength(2);
    const exported = await call('GET', `/v1/documents/${document.id}/edxml`, { as: 'clerk.vinhyen' });
    expect(exported.status, exported.text).toBe(200);
    expect(exported.headers.get('content-type')).toContain('application/xml');
    const xml = exported.text;
    expect(xml).toContain('xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"');
    expect(xml).toContain('<edXML:TraceHeaderList>');
    expect(xml).toContain('http://www.w3.org/2001/04/xmlenc#sha256');
    expect(xml).toContain(`<edXML:DocumentId>${A},`);

    const before = await inboxFromA();
    // Tampered: the subject changed after sealing.
    const tampered = await importXml(xml.replace('chuyển đổi số', 'chuyển đổi SỐ'));
    expect(tampered.status).toBe(400);
    expect(tampered.headers.get('content-type')).toContain('application/problem+json');
    expect(tampered.body.detail).toMatch(/does not verify/);
    // Unsigned, malformed, not an edXML envelope.
    const unsigned = await importXml(xml.replace(/<Signature[\s\S]*<\/Signature>/, ''));
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.detail).toMatch(/not signed/);
    expect((await importXml(xml.slice(0, 500))).status).toBe(400);
    expect((await importXml('<a>not edxml</a>')).status).toBe(400);
    expect(await inboxFromA()).toBe(before);
    // Not addressed to the importing agency.
    const wrongAgency = await call('POST', '/v1/documents/import', { as: 'clerk.lienbao', body: { edxml: xml } });
    expect(wrongAgency.status).toBe(400);

    const imported = await importXml(xml);
    expect(imported.status, imported.text).toBe(201);
    const copy = imported.body;
    expect(copy).toMatchObject({
      status: 'received',
      subject: document.subject,
      number: document.number,
      notation: 'KH-UBND',
      numberNotation: document.numberNotation,
      type: 'KH',
      urgency: 'urgent',
      issuedDate: document.issuedDate,
      replyDueDate: '2030-12-31',
      signer: { fullName: 'Vũ Văn Hải', position: 'Chủ tịch', competence: 'TM.' },
      source: { channel: 'edxml', organId: A },
    });
    expect(copy.attachments.map(({ fileName, sha256, size, contentType }) => ({ fileName, sha256, size, contentType }))).toEqual(
      (document.attachments as unknown as Incoming['attachments']).map(({ fileName, sha256, size, contentType }) => ({ fileName, sha256, size, contentType })),
    );
    // Byte for byte: download the imported attachment and the original.
    for (const [i, attachment] of copy.attachments.entries()) {
      const link = await call<{ url: string }>('GET', `/v1/incoming-documents/${copy.id}/attachments/${attachment.fileId}?redirect=false`, { as: 'clerk.tichson' });
      const original = await call<{ url: string }>('GET', `/v1/documents/${document.id}/attachments/${document.attachments[i]!.fileId}?redirect=false`, { as: 'clerk.vinhyen' });
      const [a, b] = await Promise.all([fetch(link.body.url), fetch(original.body.url)]);
      expect(Buffer.from(await a.arrayBuffer()).equals(Buffer.from(await b.arrayBuffer()))).toBe(true);
    }
    expect(await inboxFromA()).toBe(before + 1);
    // The same package again: already received.
    expect((await importXml(xml)).status).toBe(409);
  });
});
