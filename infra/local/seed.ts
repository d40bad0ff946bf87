/** Seeds a province's agency tree through the same repository the API uses; existing agencies are kept. */
import { createAgency } from '#shared/agencies/repository.ts';
import { ConflictError } from '#shared/http/errors.ts';
import type { ProvinceConfig } from '../provinces/province-config.ts';

export async function seedAgencies(province: ProvinceConfig): Promise<{ created: number; kept: number }> {
  let created = 0;
  let kept = 0;
  // Parents come before children in the file; seed level by level, each level in parallel.
  const remaining = [...province.agencies];
  const done = new Set<string>();
  while (remaining.length) {
    const ready = remaining.filter((agency) => agency.parentCode === null || done.has(agency.parentCode));
    await Promise.all(
      ready.map(async (agency) => {
        try {
          await createAgency(agency, {
            actor: { type: 'system', name: 'seed' },
            correlationId: `seed-${province.code}`,
          });
          created += 1;
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          kept += 1; // already there (--persist)
        }
        done.add(agency.code);
      }),
    );
    for (const agency of ready) remaining.splice(remaining.indexOf(agency), 1);
  }
  return { created, kept };
}
