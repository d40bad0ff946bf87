/**
 * Ancestor lookups for the `agency-tree` scope, cached per container for a minute: the tree
 * changes rarely, and a stale minute only delays a restructure's effect on read scopes.
 */
import { getAgency } from './repository.ts';

const TTL_MS = 60_000;
const cache = new Map<string, { ancestors: readonly string[] | undefined; at: number }>();

export async function ancestorsOf(code: string): Promise<readonly string[] | undefined> {
  const hit = cache.get(code);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.ancestors;
  const ancestors = (await getAgency(code))?.ancestors;
  cache.set(code, { ancestors, at: Date.now() });
  return ancestors;
}
