/**
 * Rows of an import file with their line numbers, so every error names the line to fix.
 * CSV (header row, UTF-8, comma-separated; csv-parse) or JSON (an array of objects, or JSON Lines).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse';
import type * as z from 'zod/mini';

export interface Row {
  /** 1-based line in the file where the row starts (CSV: the header is line 1). */
  readonly line: number;
  /** 0-based position among the data rows; checkpoints count these. */
  readonly index: number;
  readonly value: Record<string, unknown>;
}

export type FileFormat = 'csv' | 'json' | 'jsonl';

export function formatOf(file: string, override?: string): FileFormat {
  const format = (override ?? extname(file).slice(1)).toLowerCase();
  if (format === 'csv' || format === 'json' || format === 'jsonl') return format;
  if (format === 'ndjson') return 'jsonl';
  throw new UsageError(`Cannot tell the format of ${file}: use a .csv, .json or .jsonl file, or --format`);
}

/** A mistake in how the CLI was called (exit code 2). */
export class UsageError extends Error {}

/** Streams the rows of a file; a CSV of any size is read without holding it in memory. */
export async function* readRows(file: string, format: FileFormat): AsyncGenerator<Row> {
  if (format === 'csv') {
    const parser = createReadStream(file).pipe(
      parse({ columns: true, bom: true, skip_empty_lines: true, trim: true, info: true }),
    );
    let index = 0;
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      yield { line: info.lines, index: index++, value: record };
    }
    return;
  }
  const text = await readFile(file, 'utf8');
  if (format === 'jsonl') {
    let index = 0;
    for (const [i, raw] of text.split('\n').entries()) {
      if (!raw.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        throw new RowError(i + 1, `not valid JSON (${(error as Error).message})`);
      }
      yield { line: i + 1, index: index++, value: value as Record<string, unknown> };
    }
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new UsageError(`${file} must hold a JSON array of objects`);
  // Line of each element: where its opening brace is, found by a light scan of top-level items.
  const lines = elementLines(text);
  for (const [index, value] of parsed.entries()) {
    yield { line: lines[index] ?? 1, index, value: value as Record<string, unknown> };
  }
}

/** The line on which each top-level array element starts (strings and nesting are skipped). */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] ?? '';
    if (c === '\n') line += 1;
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectElement && !/[\s,\]]/.test(c)) {
      lines.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth += 1;
      if (depth === 1) expectElement = true;
    } else if (c === ']' || c === '}') depth -= 1;
    else if (c === ',' && depth === 1) expectElement = true;
  }
  return lines;
}

/** A bad row: the line and what is wrong with it. */
export class RowError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

/** Parses a row with a zod schema; every issue is named by its field. */
export function parseRow<S extends z.ZodMiniType>(schema: S, row: Row, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(row)';
    const given = issue.path.reduce<unknown>(
      (at, key) => (at && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined),
      value,
    );
    if (issue.code === 'invalid_type' && given === undefined) return `${field}: is required`;
    return issue.code === 'unrecognized_keys'
      ? `${field === '(row)' ? '' : `${field}: `}unknown column(s) ${issue.keys.join(', ')}`
      : `${field}: ${issue.message}`;
  });
  throw new RowError(row.line, problems.join('; '));
}

/** CSV cells: empty means absent; a JSON row is taken as it is. */
export const cell = (value: unknown): string | undefined =>
  typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : undefined;

/** Keeps only the defined properties (CSV rows become objects without empty columns). */
export const defined = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
