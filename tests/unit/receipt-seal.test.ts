/**
 * The sealed receipt (shared/payments/seal.ts): written with its signature field and signed with the
 * agency's seal key in one revision, no PDF library involved. Checked with our verifier, poppler's
 * pdfsig (with the local root trusted) and pdftotext; and without a seal key, an unsealed receipt
 * without the field.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '#shared/payments/payment.ts';
import { sealedReceipt } from '#shared/payments/seal.ts';
import { signingCapability } from '#shared/signing/index.ts';
import { LocalPki } from '#shared/signing/local-pki.ts';
import { installLocalPki } from '#shared/signing/local-provider.ts';
import { registerSealKeyProvider } from '#shared/signing/sealing.ts';
import { nssDatabaseTrusting, pdfsig, tempDir } from '#tests/support/signing.ts';

const payment = {
  id: 'pay-1',
  code: 'TT-H62.05-2611-000042',
  agencyCode: 'H62.05',
  dossierId: 'd-1',
  dossierCode: 'H62.05-261122-0007',
  procedureName: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
  procedureCode: '1.009994',
  payer: { name: 'Nguyễn Thị Ánh Tuyết' },
  lines: [
    { kind: 'fee', name: 'Thẩm định hồ sơ', amount: 50_000 },
    { kind: 'charge', name: 'Cấp giấy phép', amount: 8_000 },
  ],
  amount: 58_000,
  status: 'paid',
  paidAt: '2026-11-22T02:15:00.000Z',
  updatedAt: '2026-11-22T02:15:00.000Z',
  gatewayTransactionId: 'VNP14600001',
} as unknown as Payment;

const input = { payment, agencyName: 'UBND xã Tân Lập', gatewayName: 'cổng thanh toán VNPAY' };
const text = (pdf: Uint8Array) => execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8');
const saved = { ...process.env };
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('receipt-seal-'));
  Object.assign(process.env, { SIGNING_PROVIDER: 'local', LOCAL_PKI_DIR: dir });
  installLocalPki();
});

afterAll(async () => {
  process.env = saved;
  await cleanup();
});

describe('the sealed receipt', () => {
  it('is one revision, signed by the agency seal over the whole file; our verifier and pdfsig agree', async () => {
    const { pdf, sealed } = await sealedReceipt(input);
    expect(sealed).toBe(true);
    expect(Buffer.from(pdf).toString('latin1').match(/%%EOF/g)).toHaveLength(1);
    const report = await signingCapability().verifyPdf(pdf);
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.signatures).toHaveLength(1);
    expect(report.signatures[0]).toMatchObject({
      coversWholeDocument: true,
      integrity: true,
      chainTrusted: true,
      signer: { kind: 'organization', commonName: 'Cơ quan H62.05' },
    });
    const nss = await nssDatabaseTrusting(dir, (await new LocalPki(dir).root()).certificatePem);
    const tool = await pdfsig(dir, pdf, nss);
    expect(tool.output).toContain('Signature is Valid.');
    expect(tool.output).toContain('Certificate is Trusted.');
    expect(tool.output).toContain('Signature Type: ETSI.CAdES.detached');
    expect(tool.output).toContain('Signed Ranges: [0 - ');
    expect(tool.output).toMatch(/Total document signed/);
    const content = text(pdf);
    expect(content).toContain('BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ');
    expect(content).toContain('Người nộp: Nguyễn Thị Ánh Tuyết');
    expect(content).toContain('Tổng cộng: 58.000 đồng');
  });

  it('a changed byte breaks the seal', async () => {
    const { pdf } = await sealedReceipt(input);
    const altered = new Uint8Array(pdf);
    const at = Buffer.from(pdf).indexOf('/Title');
    altered[at + 8] = altered[at + 8]! ^ 0x01;
    expect((await signingCapability().verifyPdf(altered)).indication).toBe('TOTAL_FAILED');
  });

  it('without a seal key: unsealed, without a signature field, and still the whole receipt', async () => {
    registerSealKeyProvider('no-seal-keys', () => ({
      sealKey: async (agencyId) => {
        throw new Error(`Agency ${agencyId} has no seal key`);
      },
      trustAnchors: async () => ({ rootsPem: [] }),
    }));
    process.env.SIGNING_PROVIDER = 'no-seal-keys';
    try {
      const { pdf, sealed } = await sealedReceipt(input);
      expect(sealed).toBe(false);
      const raw = Buffer.from(pdf).toString('latin1');
      expect(raw).not.toContain('/AcroForm');
      expect(raw).not.toContain('/ByteRange');
      expect(text(pdf)).toContain('Tổng cộng: 58.000 đồng');
    } finally {
      process.env.SIGNING_PROVIDER = 'local';
    }
  });
});
