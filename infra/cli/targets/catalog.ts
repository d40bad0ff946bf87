/**
 * Agencies and procedures, imported through the same use cases the API runs (validation, audit
 * chain, AgencyCreated / ProcedurePublished events). Existing codes are kept, so a seed can be
 * re-run or resumed.
 */
import { CreateAgency } from '#shared/agencies/agency.ts';
import { createAgency, getAgency } from '#shared/agencies/repository.ts';
import { ConflictError, HttpProblem } from '#shared/http/errors.ts';
import type { ChangeContext } from '#shared/platform/change.ts';
import { CreateProcedure } from '#shared/procedures/procedure.ts';
import { createProcedure } from '#shared/procedures/repository.ts';
import type { ImportTarget, WriteResult } from '../import-engine.ts';
import { cell, defined, parseRow, type Row, RowError } from '../rows.ts';

const context = (importId: string): ChangeContext => ({
  actor: { type: 'system', name: 'cli-import' },
  correlationId: `cli-${importId}`,
});

/** A domain refusal (400/404/409 …) of one record, reported with its line. */
function refusal(line: number, error: unknown): never {
  if (error instanceof HttpProblem) {
    const fields = error.extensions.errors as { path: string; message: string }[] | undefined;
    throw new RowError(
      line,
      fields?.length ? fields.map((f) => `${f.path}: ${f.message}`).join('; ') : error.message,
    );
  }
  throw error;
}

type Lined<T> = { line: number; record: T };

/** CSV columns: code,name,shortName,level,parentCode,address,phone,email,website (parentCode empty for the root). */
export function agenciesTarget(importId: string): ImportTarget<Lined<CreateAgency>> {
  return {
    name: 'agencies',
    // One by one, in file order: a parent must be created before its children.
    batchSize: 1,
    parse(row: Row) {
      const v = row.value;
      const input =
        typeof v.parentCode === 'string' || typeof v.code === 'string'
          ? defined({
              ...Object.fromEntries(
                Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? cell(x) : x]),
              ),
              parentCode: typeof v.parentCode === 'string' ? (cell(v.parentCode) ?? null) : v.parentCode,
            })
          : v;
      return { line: row.line, record: parseRow(CreateAgency, row, input) };
    },
    keyOf: ({ record }) => record.code,
    async write(records): Promise<WriteResult> {
      let created = 0;
      let kept = 0;
      for (const { line, record } of records) {
        try {
          if (await getAgency(record.code)) kept += 1;
          else {
            await createAgency(record, context(importId));
            created += 1;
          }
        } catch (error) {
          if (error instanceof ConflictError) kept += 1;
          else refusal(line, error);
        }
      }
      return { created, kept };
    },
  };
}

/** JSON only (forms are JSON Schema): an array of procedures as `POST /v1/procedures` takes them. */
export function proceduresTarget(
  importId: string,
  catalogAgency: string,
): ImportTarget<Lined<CreateProcedure>> {
  return {
    name: 'procedures',
    batchSize: 1,
    parse: (row) => ({ line: row.line, record: parseRow(CreateProcedure, row, row.value) }),
    keyOf: ({ record }) => record.code,
    async write(records): Promise<WriteResult> {
      let created = 0;
      let kept = 0;
      for (const { line, record } of records) {
        try {
          await createProcedure(record, context(importId), catalogAgency);
          created += 1;
        } catch (error) {
          if (error instanceof ConflictError) kept += 1;
          else refusal(line, error);
        }
      }
      return { created, kept };
    },
  };
}
