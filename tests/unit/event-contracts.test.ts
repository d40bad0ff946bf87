/** Event contracts: examples are valid, published versions never break, the catalog page is current. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { AgencyCreatedV1 } from '#events/agencies/agency-changed.v1.ts';
import { eventCatalog } from '#events/catalog.ts';
import { breakingChanges } from '#events/compatibility.ts';
import { catalogMarkdown, detailJsonSchema, snapshotPath } from '#events/documentation.ts';
import { contractId, defineEvent, detailSchema } from '#events/envelope.ts';

const published = async (path: string) =>
  JSON.parse(await readFile(path, 'utf8')) as {
    id: string;
    schema: Record<string, unknown>;
    example: unknown;
  };

describe('event catalog', () => {
  it('has one contract per source, detail-type and version', () => {
    const ids = eventCatalog.map(contractId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(eventCatalog.map((c) => [contractId(c), c] as const))(
    '%s: its example is a valid detail',
    (_id, contract) => {
      expect(() => detailSchema(contract).parse(contract.example)).not.toThrow();
    },
  );

  it.each(eventCatalog.map((c) => [contractId(c), c] as const))(
    '%s: is published and compatible with its published schema',
    async (_id, contract) => {
      const snapshot = await published(snapshotPath(contract)).catch(() => {
        throw new Error(
          `${contractId(contract)} is not published: run npm run events:catalog and commit the snapshot`,
        );
      });
      expect(breakingChanges(snapshot.schema, detailJsonSchema(contract))).toEqual([]);
      // Old events stay readable: the published example still parses.
      expect(() => detailSchema(contract).parse(snapshot.example)).not.toThrow();
    },
  );

  it('docs/events.md is generated from the current catalog', async () => {
    expect(await readFile('docs/events.md', 'utf8')).toBe(catalogMarkdown());
  });
});

describe('breaking-change detection', () => {
  const variant = (data: z.ZodMiniType) =>
    detailJsonSchema(defineEvent({ ...AgencyCreatedV1, data, example: AgencyCreatedV1.example as never }));
  const base = z.object({
    agency: z.object({ code: z.string(), name: z.string(), level: z.enum(['a', 'b']) }),
  });
  const baseSchema = variant(base);

  it('accepts an added optional field', () => {
    const added = z.object({
      agency: z.object({
        code: z.string(),
        name: z.string(),
        level: z.enum(['a', 'b']),
        note: z.optional(z.string()),
      }),
    });
    expect(breakingChanges(baseSchema, variant(added))).toEqual([]);
  });

  it.each([
    [
      'a removed field',
      z.object({ agency: z.object({ code: z.string(), level: z.enum(['a', 'b']) }) }),
      'removed',
    ],
    [
      'a changed type',
      z.object({ agency: z.object({ code: z.number(), name: z.string(), level: z.enum(['a', 'b']) }) }),
      '"type"',
    ],
    [
      'a new required field',
      z.object({
        agency: z.object({ code: z.string(), name: z.string(), level: z.enum(['a', 'b']), x: z.string() }),
      }),
      'became required',
    ],
    [
      'a field made optional',
      z.object({
        agency: z.object({ code: z.string(), name: z.optional(z.string()), level: z.enum(['a', 'b']) }),
      }),
      'no longer required',
    ],
    [
      'a changed enum',
      z.object({ agency: z.object({ code: z.string(), name: z.string(), level: z.enum(['a', 'b', 'c']) }) }),
      '"enum"',
    ],
  ])('flags %s', (_name, changed, message) => {
    const problems = breakingChanges(baseSchema, variant(changed));
    expect(problems.join('\n')).toContain(message);
  });
});
