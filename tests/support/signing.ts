/** Helpers for signature tests: sample PDFs, the external tools (pdfsig, openssl) and a temporary local PKI. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { findSignatures, rangeParts } from '#shared/signing/pades.ts';

const run = promisify(execFile);

export async function samplePdf(
  title = 'Công văn số 123/UBND-VP',
  options: { useObjectStreams?: boolean } = {},
) {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  const page = document.addPage([595, 842]);
  page.drawText(
    title
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[đĐ]/g, 'd'),
    {
      x: 72,
      y: 760,
      size: 14,
      font,
    },
  );
  return document.save({ useObjectStreams: options.useObjectStreams ?? true });
}

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface ToolResult {
  readonly code: number;
  readonly output: string;
}

async function tool(command: string, args: readonly string[]): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`,
    };
  }
}

/** poppler's pdfsig on the PDF (with an NSS database holding the trusted root when given). */
export async function pdfsig(dir: string, pdf: Uint8Array, nssDir?: string): Promise<ToolResult> {
  const path = join(dir, `check-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  await writeFile(path, pdf);
  return tool('pdfsig', [...(nssDir ? ['-nssdir', `sql:${nssDir}`] : []), path]);
}

/** `openssl cms -verify` of the n-th signature of a PDF against the root (PEM). */
export async function opensslVerifyPdfSignature(
  dir: string,
  pdf: Uint8Array,
  index: number,
  rootPem: string,
): Promise<ToolResult> {
  const found = findSignatures(pdf)[index];
  if (!found) throw new Error(`No signature ${index}`);
  const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const signature = join(dir, `sig-${id}.der`);
  const content = join(dir, `content-${id}.bin`);
  const root = join(dir, `root-${id}.pem`);
  await Promise.all([
    writeFile(signature, found.cms),
    writeFile(content, Buffer.concat(rangeParts(pdf, found.byteRange))),
    writeFile(root, rootPem),
  ]);
  return tool('openssl', [
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    signature,
    '-content',
    content,
    '-CAfile',
    root,
    '-purpose',
    'any',
    '-out',
    '/dev/null',
  ]);
}

/** `openssl cms -verify` of a detached CMS over a file. */
export async function opensslVerifyDetached(
  dir: string,
  content: Uint8Array,
  signature: Uint8Array,
  rootPem: string,
): Promise<ToolResult> {
  const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const paths = [
    join(dir, `d-sig-${id}.der`),
    join(dir, `d-content-${id}.bin`),
    join(dir, `d-root-${id}.pem`),
  ] as const;
  await Promise.all([
    writeFile(paths[0], signature),
    writeFile(paths[1], content),
    writeFile(paths[2], rootPem),
  ]);
  return tool('openssl', [
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    paths[0],
    '-content',
    paths[1],
    '-CAfile',
    paths[2],
    '-purpose',
    'any',
    '-out',
    '/dev/null',
  ]);
}

/** Flips one byte inside the signed content of the first signature (never inside /Contents). */
export function alterSignedByte(pdf: Uint8Array): Uint8Array {
  const altered = new Uint8Array(pdf);
  const at = Buffer.from(pdf).indexOf('Td'); // inside the page's content stream text or any early byte
  const index = at > 0 ? at - 3 : 200;
  altered[index] = altered[index]! ^ 0x01;
  return altered;
}

/** A fresh NSS database trusting `rootPem` as a CA (certutil from libnss3-tools), for pdfsig -nssdir. */
export async function nssDatabaseTrusting(dir: string, rootPem: string): Promise<string> {
  const nss = join(dir, `nss-${Date.now()}`);
  const root = join(dir, `nss-root-${Date.now()}.pem`);
  await writeFile(root, rootPem);
  await mkdir(nss, { recursive: true });
  for (const args of [
    ['-N', '-d', `sql:${nss}`, '--empty-password'],
    ['-A', '-d', `sql:${nss}`, '-n', 'vnpp-local-root', '-t', 'CT,C,C', '-i', root],
  ]) {
    const result = await tool('certutil', args);
    if (result.code !== 0) throw new Error(`certutil ${args[0]}: ${result.output}`);
  }
  return nss;
}
