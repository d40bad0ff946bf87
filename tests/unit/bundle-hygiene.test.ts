/**
 * Keeps Lambda bundles small (issue 10): code bundled into functions (functions/, shared/,
 * events/) must not use a dynamic `import()`. Inside a single-file bundle it defers nothing worth
 * having (the code is in the file anyway), and esbuild wraps the imported module graph in lazy
 * initialisers it cannot tree-shake: one such import in the API-call meter pulled the whole
 * DynamoDB client (every command's schema, ~45 KB) into every API function, two in the signing
 * capability ~120 KB into the signing functions. `npm run bench:sizes` shows the bytes.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#infra/cdk/paths.ts';

/** Dynamic imports that esbuild removes from bundles, each with the reason. */
const ALLOWED = new Map([
  [
    'functions/platform/api.ts',
    'the OpenAPI generator, only when running from source: the branch is dead in bundles (LAMBDA_BUNDLE)',
  ],
]);

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(REPO_ROOT, join(entry.parentPath, entry.name)));
}

/** `import(` used as an expression: not `import('x').Type` in a type position, not in a comment. */
const DYNAMIC_IMPORT = /(?<![\w.])(?:await\s+)?import\s*\(\s*['"`][^'"`]+['"`]\s*\)(?!\s*\.\s*[A-Z])/;

describe('bundled code', () => {
  it('uses no dynamic import() (it defeats tree shaking in a single-file bundle)', async () => {
    const files = (await Promise.all(['functions', 'shared', 'events'].map(sourceFiles))).flat();
    expect(files.length).toBeGreaterThan(50);
    const offenders: string[] = [];
    for (const file of files) {
      const lines = (await readFile(join(REPO_ROOT, file), 'utf8')).split('\n');
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '').trim();
        if (code.startsWith('*') || code.startsWith('/*')) return;
        if (DYNAMIC_IMPORT.test(code) && !ALLOWED.has(file)) offenders.push(`${file}:${i + 1}: ${code}`);
      });
    }
    expect(offenders, 'import statically; see the comment at the top of this test').toEqual([]);
  });

  it('recognises a dynamic import and leaves type positions alone', () => {
    expect(DYNAMIC_IMPORT.test("const { x } = await import('./increment.ts');")).toBe(true);
    expect(DYNAMIC_IMPORT.test("void import('pdf-lib').then(use);")).toBe(true);
    expect(DYNAMIC_IMPORT.test("key: import('node:crypto').KeyLike,")).toBe(false);
  });
});
