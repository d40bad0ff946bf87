/**
 * pdf-lib's core as the Lambda bundles carry it (shared/signing/pdf-core.ts): the two packages it
 * imports are replaced by modules of ours in the bundle (LAMBDA_ALIASES, infra/cdk/bundling.ts).
 * Each replacement is compared with the package, and the PAdES preparation is built with the
 * deployed bundling options and must give the same bytes as the source run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FontNames } from '@pdf-lib/standard-fonts';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_ALIASES, LAMBDA_BUNDLING } from '#infra/cdk/bundling.ts';
import * as ourPako from '#shared/platform/pdf-lib-pako.ts';
import { FontNames as OurFontNames } from '#shared/platform/pdf-lib-standard-fonts.ts';
import { preparePdf } from '#shared/signing/pades.ts';
import { samplePdf } from '#tests/support/signing.ts';
import { esbuildOptionsOf } from '../../bench/bundles.ts';

/** pdf-lib's own pako (1.x, untyped), as the package resolves it. */
const pako = createRequire(createRequire(import.meta.url).resolve('pdf-lib'))('pako') as {
  deflate(data: Uint8Array | string): Uint8Array;
  inflate(data: Uint8Array, options?: { to: 'string' }): Uint8Array & string;
};

describe('the replacements bundled for pdf-lib core', () => {
  it('names the 14 standard fonts as @pdf-lib/standard-fonts does', () => {
    expect({ ...OurFontNames }).toEqual({ ...FontNames });
  });

  it('deflates what pako inflates, and inflates what pako deflates', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        expect(pako.inflate(ourPako.deflate(bytes))).toEqual(bytes);
        expect(ourPako.inflate(pako.deflate(bytes))).toEqual(new Uint8Array(bytes));
      }),
      { numRuns: 200 },
    );
    expect(pako.inflate(ourPako.deflate('Tiếng Việt'), { to: 'string' })).toBe('Tiếng Việt');
  });

  it('is what the deployed bundling options alias', () => {
    expect(LAMBDA_BUNDLING.esbuildArgs['--alias']).toEqual(
      Object.entries(LAMBDA_ALIASES).map(([from, to]) => `${from}=${to}`),
    );
    expect(Object.keys(LAMBDA_ALIASES)).toEqual(expect.arrayContaining(['@pdf-lib/standard-fonts', 'pako']));
  });
});

describe('PAdES preparation, bundled as deployed', () => {
  let dir: string;
  let bundled: typeof import('#shared/signing/pades.ts');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pdf-core-'));
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
    // The replacements are in the bundle and the packages are not.
    expect(inputs).toContain('shared/platform/pdf-lib-standard-fonts.ts');
    expect(inputs).toContain('shared/platform/pdf-lib-pako.ts');
    expect(inputs.filter((input) => /node_modules\/(pako|@pdf-lib\/standard-fonts)\//.test(input))).toEqual(
      [],
    );
    expect(inputs.filter((input) => /node_modules\/pdf-lib\/(es|cjs)\/api\//.test(input))).toEqual([]);
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
    await expect(
      bundled.preparePdf(new TextEncoder().encode('not a pdf'), { reason: 'x', signingTime: new Date() }),
    ).rejects.toThrow(/not a PDF this service can sign|startxref/);
  });
});
