/**
 * Is a new JSON Schema of an event `detail` compatible with a published one? Both directions
 * matter for events: consumers read fields they were promised, and replays feed old events to new
 * code. So a published version may only gain optional properties; anything else is breaking.
 */

type Schema = Record<string, unknown>;

const STRUCTURAL = new Set([
  'properties',
  'required',
  'items',
  'anyOf',
  'oneOf',
  'allOf',
  'additionalProperties',
  '$defs',
]);
const ANNOTATIONS = new Set(['description', 'title', 'examples', '$schema', 'id']);

const asSchema = (value: unknown): Schema =>
  typeof value === 'object' && value !== null ? (value as Schema) : {};
const json = (value: unknown) => JSON.stringify(value);

export function breakingChanges(published: Schema, current: Schema, path = 'detail'): string[] {
  const problems: string[] = [];
  // Every constraint keyword (type, enum, const, pattern, format, bounds) must stay exactly the same.
  const keywords = new Set([...Object.keys(published), ...Object.keys(current)]);
  for (const keyword of keywords) {
    if (STRUCTURAL.has(keyword) || ANNOTATIONS.has(keyword)) continue;
    if (json(published[keyword]) !== json(current[keyword])) {
      problems.push(
        `${path}: "${keyword}" changed from ${json(published[keyword])} to ${json(current[keyword])}`,
      );
    }
  }
  if (json(published.additionalProperties ?? true) !== json(current.additionalProperties ?? true)) {
    problems.push(`${path}: additionalProperties changed`);
  }

  const oldProps = asSchema(published.properties);
  const newProps = asSchema(current.properties);
  for (const name of Object.keys(oldProps)) {
    if (!(name in newProps)) problems.push(`${path}.${name}: removed`);
    else
      problems.push(
        ...breakingChanges(asSchema(oldProps[name]), asSchema(newProps[name]), `${path}.${name}`),
      );
  }
  const oldRequired = new Set((published.required as string[] | undefined) ?? []);
  const newRequired = new Set((current.required as string[] | undefined) ?? []);
  for (const name of newRequired)
    if (!oldRequired.has(name)) problems.push(`${path}.${name}: became required`);
  for (const name of oldRequired)
    if (!newRequired.has(name)) problems.push(`${path}.${name}: no longer required`);

  if (published.items !== undefined || current.items !== undefined) {
    problems.push(...breakingChanges(asSchema(published.items), asSchema(current.items), `${path}[]`));
  }
  for (const combinator of ['anyOf', 'oneOf', 'allOf'] as const) {
    const before = (published[combinator] as unknown[] | undefined) ?? [];
    const after = (current[combinator] as unknown[] | undefined) ?? [];
    if (before.length !== after.length) {
      problems.push(`${path}: ${combinator} has ${after.length} branches instead of ${before.length}`);
      continue;
    }
    before.forEach((branch, i) => {
      problems.push(...breakingChanges(asSchema(branch), asSchema(after[i]), `${path}.${combinator}[${i}]`));
    });
  }
  return problems;
}
