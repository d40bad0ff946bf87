/**
 * The PAdES preparation as the Lambda bundles carry it: built with the deployed bundling options
 * (infra/cdk/bundling.ts), it reads PDFs with our reader (shared/pdf/reader.ts), bundles no PDF
 * library, and gives the same bytes as the source run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLING } from '#infra/cdk/bundling.ts';
import { preparePdf } from '#shared/signing/pades.ts';
import { samplePdf } from '#tests/support/signing.ts';
import { esbuildOptionsOf } from '../../bench/bundles.ts';

describe('PAdES preparation, bundled as deployed', () => {
  let dir: string;
  let bundled: typeof import('#shared/signing/pades.ts');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pades-bundle-'));
    const outfile = join(dir, 'pades.mjs');
    const result = await build({
      ...esbuildOptionsOf(LAMBDA_BUNDLING),
      entryPoints: ['shared/signing/pades.ts'],
      outfile,
      sourcemap: false,
      metafile: true,
      write: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('shared/pdf/reader.ts');
    expect(inputs.filter((input) => input.includes('node_modules/'))).toEqual([]);
    bundled = await import(pathToFileURL(outfile).href);
  }, 60_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([true, false])(
    'prepares the same bytes as the source (object streams: %s)',
    async (useObjectStreams) => {
      const pdf = await samplePdf('Quyết định số 45/QĐ-UBND', { useObjectStreams });
      const options = {
        reason: 'Phê duyệt',
        name: 'Nguyễn Văn Đức',
        signingTime: new Date('2026-11-22T03:00:00Z'),
        stamp: { lines: ['Ký bởi: Nguyễn Văn Đức', 'Sở Tư pháp'] },
      };
      const fromSource = await preparePdf(pdf, options);
      const fromBundle = await bundled.preparePdf(pdf, options);
      expect(Buffer.from(fromBundle.pdf).equals(Buffer.from(fromSource.pdf))).toBe(true);
      expect(fromBundle.byteRange).toEqual(fromSource.byteRange);
    },
  );

  it('refuses what is not a PDF with its own error, bundled too', async () => {
    const refusal = bundled.preparePdf(new TextEncoder().encode('not a pdf'), {
      reason: 'x',
      signingTime: new Date(),
    });
    await expect(refusal).rejects.toThrow(/not a PDF this service can sign/);
    await expect(refusal).rejects.toBeInstanceOf(bundled.PdfSignatureError);
  });
});
