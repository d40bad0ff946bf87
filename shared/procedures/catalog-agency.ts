/**
 * The agency whose audit chain records catalog changes: the root of the province tree (UBND tỉnh,
 * `000.00.00.H62` in Vĩnh Phúc). The catalog belongs to the province as a whole, whoever edits it;
 * the root is read from the caller's own agency (its first ancestor), so no configuration names it
 * and a province whose root has another code works unchanged.
 */
import { ancestorsOf } from '../agencies/directory.ts';
import type { Principal } from '../http/auth.ts';
import { ForbiddenError } from '../http/errors.ts';

export async function catalogAgencyOf(principal: Pick<Principal, 'agencyCode'>): Promise<string> {
  const agencyCode = principal.agencyCode;
  if (agencyCode === undefined) {
    throw new ForbiddenError(
      'Catalog changes are made from an account that belongs to an agency of the province',
    );
  }
  const ancestors = await ancestorsOf(agencyCode);
  if (ancestors === undefined) {
    throw new ForbiddenError(`Your agency ${agencyCode} is not in the agency registry`);
  }
  return ancestors[0] ?? agencyCode;
}
