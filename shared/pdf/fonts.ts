/**
 * The DejaVu fonts of the PDFs the platform writes. In Lambda the files ship beside the bundle and an
 * environment variable names one of them (infra/cdk/function-profiles.ts); the others are looked up
 * in its folder. Run from source, they come from the dejavu-fonts-ttf package. Each file is read and
 * parsed once per process; a failed read is tried again by the next document.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { optionalEnv } from '../platform/env.ts';
import { TrueTypeFont } from './truetype.ts';

const loaded = new Map<string, Promise<TrueTypeFont>>();

/** DejaVu's `file` (e.g. DejaVuSans.ttf), in the folder of the file the variable `env` names. */
export function dejavuFont(env: string, file: string): Promise<TrueTypeFont> {
  const configured = optionalEnv(env);
  const dir = configured
    ? dirname(configured)
    : join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const path = join(dir, file);
  let font = loaded.get(path);
  if (!font) {
    font = readFile(path).then((bytes) => new TrueTypeFont(bytes));
    font.catch(() => loaded.delete(path));
    loaded.set(path, font);
  }
  return font;
}
