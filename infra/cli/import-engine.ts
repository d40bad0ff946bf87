/**
 * Bulk import with a progress bar and a resumable checkpoint.
 *
 * 1. Validation pass: every row is parsed; bad rows are reported with their line number and
 *    nothing is written (a file is imported whole or not at all). `--dry-run` stops here.
 * 2. Import pass: rows are written in batches by the target; after each batch the checkpoint file
 *    records how many rows are done (written atomically: temp file + rename). Interrupted, the
 *    next run skips the rows already done. Targets write with deterministic keys (re-writing a row
 *    leaves one record), so the batch that was in flight when the process died is harmless.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Presets, SingleBar } from 'cli-progress';
import { type FileFormat, type Row, RowError, readRows, UsageError } from './rows.ts';

export interface WriteResult {
  /** New records. */
  created: number;
  /** Rows already present (a re-run, or a seed that was there). */
  kept: number;
}

export interface ImportTarget<T> {
  /** Shown in the progress bar and the checkpoint, e.g. `legacy-dossiers`. */
  readonly name: string;
  /** Rows per write. */
  readonly batchSize: number;
  /** Turns a raw row (CSV cells or a JSON object) into the target's record; throws RowError. */
  parse(row: Row): T;
  /** The record's identity: two rows of one file with the same key are an error. */
  keyOf(record: T): string;
  /** Writes a batch. Must be idempotent: writing a record twice leaves one. */
  write(records: readonly T[]): Promise<WriteResult>;
}

export interface ImportOptions {
  file: string;
  format: FileFormat;
  dryRun?: boolean;
  /** Where progress is kept; `<file>.checkpoint.json` by default. */
  checkpointFile?: string;
  /** Ignore an existing checkpoint and start from the first row. */
  restart?: boolean;
  /** Rows per second at most (protects a table's provisioned capacity); unlimited by default. */
  maxRate?: number;
  /** Override the target's batch size. */
  batchSize?: number;
  /** Where the progress bar and messages go (stderr by default). */
  output?: NodeJS.WritableStream;
  /** How many row errors to list (all are counted). */
  maxErrorsShown?: number;
}

export interface ImportReport {
  target: string;
  rows: number;
  created: number;
  kept: number;
  /** Rows skipped because the checkpoint says they were done by an earlier run. */
  resumedFrom: number;
  errors: RowError[];
  errorCount: number;
  dryRun: boolean;
  durationMs: number;
}

interface Checkpoint {
  target: string;
  file: string;
  sha256: string;
  rows: number;
  done: number;
  created: number;
  kept: number;
  updatedAt: string;
  completedAt?: string;
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readCheckpoint(file: string): Promise<Checkpoint | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Checkpoint;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`The checkpoint ${file} is unreadable (${(error as Error).message}): use --restart`);
  }
}

async function saveCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
  const temp = `${file}.tmp`;
  await writeFile(temp, JSON.stringify(checkpoint, null, 2));
  await rename(temp, file);
}

export async function runImport<T>(target: ImportTarget<T>, options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const output = options.output ?? process.stderr;
  const maxShown = options.maxErrorsShown ?? 50;

  // 1. Validation pass.
  const errors: RowError[] = [];
  let errorCount = 0;
  let rows = 0;
  const seen = new Map<string, number>();
  const fail = (error: RowError) => {
    errorCount += 1;
    if (errors.length < maxShown) errors.push(error);
  };
  try {
    for await (const row of readRows(options.file, options.format)) {
      rows += 1;
      try {
        const key = target.keyOf(target.parse(row));
        const first = seen.get(key);
        if (first !== undefined) fail(new RowError(row.line, `${key} repeats line ${first}`));
        else seen.set(key, row.line);
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        fail(error);
      }
    }
  } catch (error) {
    if (error instanceof RowError) fail(error);
    else if ((error as { code?: string }).code?.startsWith('CSV_')) {
      const csv = error as Error & { lines?: number };
      fail(new RowError(csv.lines ?? 0, csv.message));
    } else throw error;
  }
  seen.clear();
  const report: ImportReport = {
    target: target.name,
    rows,
    created: 0,
    kept: 0,
    resumedFrom: 0,
    errors,
    errorCount,
    dryRun: Boolean(options.dryRun),
    durationMs: 0,
  };
  const finish = () => ({ ...report, durationMs: Math.round(performance.now() - started) });
  if (errorCount > 0 || options.dryRun) return finish();

  // 2. Import pass, from the checkpoint.
  const checkpointFile = options.checkpointFile ?? `${options.file}.checkpoint.json`;
  const sha256 = await fileDigest(options.file);
  let checkpoint = options.restart ? undefined : await readCheckpoint(checkpointFile);
  if (checkpoint && (checkpoint.sha256 !== sha256 || checkpoint.target !== target.name)) {
    throw new UsageError(
      `The checkpoint ${checkpointFile} belongs to another file or target (${checkpoint.target}, ${checkpoint.file}). ` +
        'Use --restart to start over, or --checkpoint <file> for another one.',
    );
  }
  checkpoint ??= {
    target: target.name,
    file: options.file,
    sha256,
    rows,
    done: 0,
    created: 0,
    kept: 0,
    updatedAt: new Date().toISOString(),
  };
  report.resumedFrom = checkpoint.done;
  if (checkpoint.completedAt) {
    output.write(`${target.name}: ${options.file} was imported completely at ${checkpoint.completedAt}\n`);
    return finish();
  }
  if (checkpoint.done > 0) output.write(`${target.name}: resuming after row ${checkpoint.done} of ${rows}\n`);

  const bar = new SingleBar(
    {
      format: `${target.name} |{bar}| {value}/{total} rows | {percentage}% | ETA {eta_formatted}`,
      stream: output,
      noTTYOutput: true,
      notTTYSchedule: 250,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(rows, checkpoint.done);
  const batchSize = options.batchSize ?? target.batchSize;
  const passStarted = performance.now();
  let written = 0;
  let batch: T[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await target.write(batch);
    checkpoint.done += batch.length;
    checkpoint.created += result.created;
    checkpoint.kept += result.kept;
    checkpoint.updatedAt = new Date().toISOString();
    await saveCheckpoint(checkpointFile, checkpoint);
    written += batch.length;
    batch = [];
    bar.update(checkpoint.done);
    if (options.maxRate) {
      const due = (written / options.maxRate) * 1000 - (performance.now() - passStarted);
      if (due > 0) await sleep(due);
    }
  };
  try {
    for await (const row of readRows(options.file, options.format)) {
      if (row.index < report.resumedFrom) continue;
      batch.push(target.parse(row));
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    bar.stop();
  }
  checkpoint.completedAt = new Date().toISOString();
  await saveCheckpoint(checkpointFile, checkpoint);
  report.created = checkpoint.created;
  report.kept = checkpoint.kept;
  return finish();
}
