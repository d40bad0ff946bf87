/**
 * The import path: legacy records (dossiers, documents, payments from the province's previous
 * systems) feed the SAME facts as live events (./dossier-facts.ts, ./document-facts.ts,
 * ./payment-facts.ts), summed in memory per family, agency and day and written as the import's
 * own aggregate items (source `import#<importId>`). Legacy records are immutable history: the
 * importer does not copy them into the table (1.7 million items for one province); the source file
 * stays the record, and importing it again rewrites the same totals.
 *
 * Library entry point for the ops CLI: `importRecords({ importId, kind, rows })` takes any row
 * stream (parsed objects; `ndjsonRows(stream)` reads NDJSON), validates each row, reports progress,
 * and emits a resumable checkpoint every `checkpointEvery` rows (the rows read and the sums so far;
 * every item changed since the last checkpoint is written first, with PUT, so resuming from any
 * checkpoint, or running the whole import again, gives the same aggregates).
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import * as z from 'zod/mini';
import { ValidationError } from '../http/errors.ts';
import { Accumulator, type Fact } from './cells.ts';
import { DocumentRecord, documentRecordFacts } from './document-facts.ts';
import { DossierRecord, dossierRecordFacts } from './dossier-facts.ts';
import { PaymentRecord, paymentRecordFacts } from './payment-facts.ts';
import { putAggregates } from './repository.ts';

export const IMPORT_KINDS = {
  dossiers: { schema: DossierRecord, facts: dossierRecordFacts },
  documents: { schema: DocumentRecord, facts: documentRecordFacts },
  payments: { schema: PaymentRecord, facts: paymentRecordFacts },
} as const;
export type ImportKind = keyof typeof IMPORT_KINDS;

export const importIdSchema = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{2,63}$/, 'A lowercase slug, e.g. vp-2021-dossiers'));

export interface ImportCheckpoint {
  readonly importId: string;
  readonly kind: ImportKind;
  /** Rows consumed from the start of the stream (valid or not). */
  readonly rowsRead: number;
  readonly rowsImported: number;
  readonly rowsRejected: number;
  /** The sums so far (Accumulator JSON). */
  readonly state: unknown;
}

export interface ImportProgress {
  readonly rowsRead: number;
  readonly rowsImported: number;
  readonly rowsRejected: number;
}

export interface RowError {
  /** 1-based row number in the stream. */
  readonly row: number;
  readonly message: string;
}

export interface ImportOptions {
  readonly importId: string;
  readonly kind: ImportKind;
  readonly rows: AsyncIterable<unknown> | Iterable<unknown>;
  /** Resume: the last checkpoint of an interrupted run over the same stream. */
  readonly resumeFrom?: ImportCheckpoint;
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (checkpoint: ImportCheckpoint) => Promise<void> | void;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Row errors kept in the result (all are counted). */
  readonly maxErrors?: number;
  /** Write the aggregates (default true; false = validate and sum only, a dry run). */
  readonly write?: boolean;
}

export interface ImportResult extends ImportProgress {
  readonly importId: string;
  readonly kind: ImportKind;
  readonly source: string;
  readonly itemsWritten: number;
  readonly errors: readonly RowError[];
  readonly accumulator: Accumulator;
}

export const importSource = (importId: string): string => `import#${importId}`;

/** Items of `all` whose keys are in `dirty`. */
function only(all: Accumulator, dirty: Set<string>): Accumulator {
  const part = new Accumulator();
  for (const key of dirty) {
    const item = all.items.get(key);
    if (item) part.items.set(key, item);
  }
  return part;
}

export async function importRecords(options: ImportOptions): Promise<ImportResult> {
  const parsedId = importIdSchema.safeParse(options.importId);
  if (!parsedId.success) {
    throw new ValidationError([
      { path: 'importId', message: parsedId.error.issues[0]!.message, code: 'invalid_format' },
    ]);
  }
  const { schema, facts: factsOf } = IMPORT_KINDS[options.kind];
  const resume = options.resumeFrom;
  if (resume && (resume.importId !== options.importId || resume.kind !== options.kind)) {
    throw new ValidationError([
      { path: 'resumeFrom', message: 'The checkpoint belongs to another import', code: 'invalid' },
    ]);
  }
  const accumulator = resume ? Accumulator.fromJSON(resume.state) : new Accumulator();
  const source = importSource(options.importId);
  const every = options.checkpointEvery ?? 100_000;
  const maxErrors = options.maxErrors ?? 100;
  const write = options.write ?? true;
  const errors: RowError[] = [];
  let rowsRead = 0;
  let rowsImported = resume?.rowsImported ?? 0;
  let rowsRejected = resume?.rowsRejected ?? 0;
  let itemsWritten = 0;
  let dirty = new Set<string>();

  const progress = (): ImportProgress => ({ rowsRead, rowsImported, rowsRejected });
  const checkpoint = async () => {
    if (write && dirty.size > 0) itemsWritten += await putAggregates(only(accumulator, dirty), source);
    dirty = new Set();
    await options.onCheckpoint?.({
      importId: options.importId,
      kind: options.kind,
      ...progress(),
      state: accumulator.toJSON(),
    });
    options.onProgress?.(progress());
  };

  const skip = resume?.rowsRead ?? 0;
  for await (const row of options.rows as AsyncIterable<unknown>) {
    rowsRead += 1;
    if (rowsRead <= skip) continue;
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      rowsRejected += 1;
      if (errors.length < maxErrors) {
        const issue = parsed.error.issues[0]!;
        errors.push({ row: rowsRead, message: `${issue.path.join('.') || 'row'}: ${issue.message}` });
      }
    } else {
      rowsImported += 1;
      for (const fact of factsOf(parsed.data as never) as Fact[]) {
        accumulator.add(fact);
        dirty.add(`${fact.family}|${fact.agency}|${fact.day}`);
      }
    }
    if (rowsRead % every === 0) await checkpoint();
  }
  await checkpoint();
  return {
    importId: options.importId,
    kind: options.kind,
    source,
    ...progress(),
    itemsWritten,
    errors,
    accumulator,
  };
}

/** Rows of an NDJSON stream (one JSON object a line; blank lines skipped; a bad line yields its text). */
export async function* ndjsonRows(input: Readable): AsyncGenerator<unknown> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line);
    } catch {
      yield line; // rejected by the row schema with its row number
    }
  }
}
