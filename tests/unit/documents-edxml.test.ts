/** edXML packages: build → sign → verify → read reproduces everything; any change after signing is refused. */
import { describe, expect, it } from 'vitest';
import { buildEdxml, EdxmlError, type EdxmlPackage, readEdxml } from '#shared/documents/edxml.ts';
import { signEdxml, verifyEdxml } from '#shared/documents/edxml-signature.ts';
import { createTestPki } from '#tests/support/test-seal-key.ts';

const pdfBytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256))]);

const sample: EdxmlPackage = {
  from: { organId: '000.21.00.H62', organName: 'UBND thành phố Vĩnh Yên', email: 'vinhyen@example.vn' },
  to: [{ organId: '000.21.01.H62', organName: 'UBND phường Tích Sơn' }],
  documentId: '000.21.00.H62,2026/11/22,12/KH-UBND',
  code: { number: 12, notation: 'KH-UBND' },
  promulgation: { place: 'Vĩnh Yên', date: '2026-11-22' },
  documentType: { type: 2, typeDetail: 'KH', typeName: 'Kế hoạch' },
  subject: 'Kế hoạch chuyển đổi số năm 2027 — "thử" <nghiệm> & ký tự đặc biệt',
  signer: { competence: 'KT.', position: 'Phó Chủ tịch', fullName: 'Trần Văn Bình' },
  dueDate: '2026-12-01',
  toPlaces: ['UBND phường Tích Sơn'],
  priority: 1,
  steeringType: 0,
  trace: [{ organId: '000.21.00.H62', timestamp: '2026-11-22T03:00:00.000Z' }],
  business: { docType: 0 },
  attachments: [
    { contentId: 'cid:1', fileName: 'Kế hoạch.pdf', contentType: 'application/pdf', bytes: pdfBytes },
    { contentId: 'cid:2', fileName: 'Phụ lục.xml', contentType: 'application/xml', bytes: Buffer.from('<a>phụ lục</a>') },
  ],
};

describe.each(['RSASSA_PKCS1_V1_5_SHA_256', 'ECDSA_SHA_256'] as const)('edXML signed with %s', (algorithm) => {
  it('round-trips metadata and attachments byte for byte', { timeout: 60_000 }, async () => {
    const pki = createTestPki({ algorithm });
    const signed = await signEdxml(buildEdxml(sample), pki.sealKey);
    expect(signed).toContain('http://www.mic.gov.vn/TBT/QCVN_102_2016');
    expect(signed).toContain('http://www.w3.org/2001/04/xmlenc#sha256');
    const { pkg, signer } = await verifyEdxml(signed, [pki.rootPem]);
    expect(signer.commonName).toBe('UBND thành phố Vĩnh Yên');
    expect({ ...pkg, attachments: [] }).toEqual({
      ...sample,
      attachments: [],
      content: undefined,
      responseFor: undefined,
      from: { ...sample.from, organInCharge: undefined, organAdd: undefined, telephone: undefined, website: undefined },
      to: [{ ...sample.to[0], organInCharge: undefined, organAdd: undefined, email: undefined, telephone: undefined, website: undefined }],
      business: { docType: 0, reason: undefined },
    });
    expect(pkg.attachments.map((a) => Buffer.from(a.bytes))).toEqual(sample.attachments.map((a) => Buffer.from(a.bytes)));
    expect(pkg.attachments.map((a) => a.fileName)).toEqual(['Kế hoạch.pdf', 'Phụ lục.xml']);
  });

  it('refuses a package changed after signing (subject, attachment) or signed by an untrusted key', { timeout: 60_000 }, async () => {
    const pki = createTestPki({ algorithm });
    const other = createTestPki({ algorithm });
    const signed = await signEdxml(buildEdxml(sample), pki.sealKey);
    const tamperedSubject = signed.replace('Kế hoạch chuyển đổi số', 'Kế hoạch chuyển đổi SỐ');
    await expect(verifyEdxml(tamperedSubject, [pki.rootPem])).rejects.toThrow(/does not verify/);
    const base64 = Buffer.from(pdfBytes).toString('base64');
    const changedPdf = Buffer.from(pdfBytes);
    changedPdf[100] = (changedPdf[100]! + 1) % 256;
    const tamperedAttachment = signed.replace(base64, changedPdf.toString('base64'));
    expect(tamperedAttachment).not.toBe(signed);
    await expect(verifyEdxml(tamperedAttachment, [pki.rootPem])).rejects.toThrow(/does not verify/);
    await expect(verifyEdxml(signed, [other.rootPem])).rejects.toThrow(/trusted root/);
  });
});

describe('edXML structure', () => {
  it('refuses an unsigned package, malformed XML, a DOCTYPE and missing fields', { timeout: 60_000 }, async () => {
    const pki = createTestPki();
    await expect(verifyEdxml(buildEdxml(sample), [pki.rootPem])).rejects.toThrow(/not signed/);
    await expect(verifyEdxml('<edXML:edXMLEnvelope', [pki.rootPem])).rejects.toThrow(EdxmlError);
    expect(() => readEdxml('<!DOCTYPE x [<!ENTITY a "b">]><x/>')).toThrow(/DOCTYPE/);
    const noSubject = buildEdxml(sample).replace(/<edXML:Subject>.*?<\/edXML:Subject>/s, '');
    try {
      readEdxml(noSubject);
      expect.unreachable();
    } catch (error) {
      expect((error as EdxmlError).issues).toContainEqual({ path: '/edXMLHeader/MessageHeader/Subject', message: 'is missing' });
    }
  });
});
