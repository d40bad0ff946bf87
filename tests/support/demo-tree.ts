/** The demo province's agency tree, for pure tests: levels and ancestors by agency code. */
import vinhPhuc from '#infra/provinces/vinh-phuc.ts';

const byCode = new Map(vinhPhuc.agencies.map((agency) => [agency.code, agency]));

export const levelOf = (code: string): string | undefined => byCode.get(code)?.level;

/** Ancestors from the root down to the parent, as stored on an agency. */
export function ancestorsOf(code: string): string[] {
  const ancestors: string[] = [];
  for (
    let parent = byCode.get(code)?.parentCode ?? null;
    parent;
    parent = byCode.get(parent)?.parentCode ?? null
  ) {
    ancestors.unshift(parent);
  }
  return ancestors;
}
