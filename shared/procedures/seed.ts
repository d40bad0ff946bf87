/**
 * Seeds a province's procedure catalog through the same use case the API runs (validation, audit,
 * ProcedurePublished events); procedures already there are kept (--persist restarts).
 */

import { ConflictError } from '../http/errors.ts';
import type { ChangeContext } from '../platform/change.ts';
import { CreateProcedure } from './procedure.ts';
import { createProcedure } from './repository.ts';

export interface SeedProvince {
  readonly code: string;
  readonly agencies: readonly { readonly code: string; readonly parentCode: string | null }[];
}

export async function seedProcedures(
  province: SeedProvince,
  procedures: readonly CreateProcedure[],
): Promise<{ created: number; kept: number }> {
  const root = province.agencies.find((agency) => agency.parentCode === null)?.code;
  if (!root) throw new Error(`Province ${province.code} has no root agency to own its procedure catalog`);
  const context: ChangeContext = {
    actor: { type: 'system', name: 'seed' },
    correlationId: `seed-${province.code}`,
  };
  let created = 0;
  let kept = 0;
  // One after another: every catalog change extends the root agency's audit chain.
  for (const entry of procedures) {
    try {
      await createProcedure(CreateProcedure.parse(entry), context, root);
      created += 1;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      kept += 1;
    }
  }
  return { created, kept };
}
