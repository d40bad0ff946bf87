/**
 * `npm ci` refuses a lock file that lacks an entry for any optional dependency, even one for another
 * platform. The registry these machines reach does not serve some platform builds (e.g. Biome's
 * macOS/Windows/musl binaries), so `npm install` here silently drops their entries and the next
 * fresh `npm ci` fails. This test catches that at once; to repair, re-add the entries (same
 * version, `optional: true`, their `os`/`cpu`/`libc`) as commit "npm ci works" did.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> };

describe('package-lock.json', () => {
  it('has an entry for every optional dependency, so npm ci works on a fresh clone', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const nested = `${path}/node_modules/${name}`;
        if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`])
          missing.push(`${name} (of ${path || 'root'})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
