/**
 * Amazon EventBridge event patterns: one definition for the CDK rules and the local bus.
 *
 * A rule's pattern is plain JSON in EventBridge's own syntax (`"detail-type"`, not CDK's
 * `detailType`), so the same object is given to the rule in the stack and to
 * `infra/local/event-bus.ts`. `matchesPattern` applies EventBridge's matching semantics and
 * `assertValidPattern` rejects what EventBridge rejects, with EventBridge's reasons.
 *
 * Semantics (AWS user guide: "Amazon EventBridge event patterns", "Content filtering in Amazon
 * EventBridge event patterns", "Arrays in Amazon EventBridge event patterns", "Matching null values and
 * empty strings"; and the behaviour of aws/event-ruler, the engine behind EventBridge):
 * - Fields of a pattern are ANDed; the values in a leaf array are ORed.
 * - A leaf value matches by type and value: `"5"` never equals `5`, `null` never equals `""`, and
 *   numbers compare as numbers (`300` equals `300.0`).
 * - An array in the event matches when any of its elements matches (arrays are flattened, nested
 *   arrays too). Fields of one sub-pattern must be found in the same element of an event array:
 *   `{ a: { x: [1], y: [2] } }` does not match `{ a: [{ x: 1 }, { y: 2 }] }`.
 * - A missing field never matches a value filter (exact, prefix, anything-but, numeric …); only
 *   `{ "exists": false }` matches it.
 * - `exists` looks at leaf values only: a field whose value is an object, an empty array or an array
 *   of objects does not "exist"; `null` does.
 * - `anything-but` matches any present leaf value that is not excluded, including values of another
 *   type (`{ "anything-but": "x" }` matches `null` and `5`); with an event array, any element that is
 *   not excluded makes it match.
 * - `prefix`, `suffix`, `equals-ignore-case`, `wildcard` and `cidr` apply to strings only, `numeric`
 *   to numbers only.
 * - `numeric` compares IEEE doubles over their whole range (current event-ruler; older AWS pages
 *   mention a ±1e9 or ±5e9 limit).
 *
 * Not emulated: EventBridge's wildcard "rule is too complex" limit, matching of dotted keys across
 * nesting levels (event-ruler joins paths with "."; AWS says not to rely on it) and the
 * equality of differently written IP addresses in exact matches.
 *
 * A pattern is validated and compiled once per object (cached by identity): declare patterns as
 * constants and do not mutate one after its first use.
 */
import { BlockList, isIP } from 'node:net';

export type JsonPrimitive = string | number | boolean | null;

export type NumericExpression =
  | readonly ['=', number]
  | readonly ['<' | '<=' | '>' | '>=', number]
  | readonly ['>' | '>=', number, '<' | '<=', number];

type OneOrMany = string | readonly string[];

export type AnythingBut =
  | string
  | number
  | readonly string[]
  | readonly number[]
  | { readonly prefix: OneOrMany }
  | { readonly suffix: OneOrMany }
  | { readonly 'equals-ignore-case': OneOrMany }
  | { readonly wildcard: OneOrMany };

/** The content filters of EventBridge, one per object in a leaf array. */
export type MatchExpression =
  | { readonly prefix: string | { readonly 'equals-ignore-case': string } }
  | { readonly suffix: string | { readonly 'equals-ignore-case': string } }
  | { readonly 'equals-ignore-case': string }
  | { readonly wildcard: string }
  | { readonly 'anything-but': AnythingBut }
  | { readonly numeric: NumericExpression }
  | { readonly exists: boolean }
  | { readonly cidr: string };

export type PatternValue = JsonPrimitive | MatchExpression;

/**
 * An EventBridge event pattern: every field is either a leaf array of values and filters, a nested
 * pattern, or (`$or` only) an array of at least two alternative patterns.
 */
export interface EventPattern {
  readonly [field: string]: readonly PatternValue[] | EventPattern | readonly EventPattern[];
}

/** Thrown for a pattern EventBridge would refuse (PutRule: InvalidEventPatternException). */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(`Event pattern is not valid. Reason: ${reason}${path ? ` (at ${path})` : ''}`);
  }
}

/** Throws `InvalidEventPatternError` unless `pattern` is a pattern EventBridge accepts. */
export function assertValidPattern(pattern: unknown): asserts pattern is EventPattern {
  compile(pattern);
}

/** Whether `event` (the event as EventBridge delivers it, or any JSON object) matches `pattern`. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(compile(pattern), isPlainObject(event) ? event : undefined);
}

// ---------------------------------------------------------------------------------------------
// Compilation (validation happens here, once per pattern object)
// ---------------------------------------------------------------------------------------------

type LeafTest = (value: JsonPrimitive) => boolean;

/** One element of a leaf array. */
type LeafMatcher =
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'value'; readonly test: LeafTest };

type CompiledField =
  | { readonly kind: 'leaf'; readonly key: string; readonly matchers: readonly LeafMatcher[] }
  | { readonly kind: 'object'; readonly key: string; readonly pattern: CompiledObject };

interface CompiledObject {
  readonly fields: readonly CompiledField[];
  /** Alternatives of the object's `$or`, if any. */
  readonly or: readonly CompiledObject[] | undefined;
}

const compiled = new WeakMap<object, CompiledObject>();

function compile(pattern: unknown): CompiledObject {
  if (!isPlainObject(pattern)) throw new InvalidEventPatternError('Filter is not an object', '');
  const cached = compiled.get(pattern);
  if (cached) return cached;
  const result = compileObject(pattern, '', false);
  compiled.set(pattern, result);
  return result;
}

const OR = '$or';

/** Field names event-ruler refuses inside `$or` (its RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

function compileObject(pattern: Record<string, unknown>, path: string, insideOr: boolean): CompiledObject {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new InvalidEventPatternError('Empty objects are not allowed', path);
  const fields: CompiledField[] = [];
  let or: CompiledObject[] | undefined;
  for (const key of keys) {
    const value = pattern[key];
    const at = join(path, key);
    if (key === OR) {
      or = compileOr(value, at);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      throw new InvalidEventPatternError(
        `${key} is Ruler reserved fieldName which cannot be used inside $or.`,
        at,
      );
    }
    if (Array.isArray(value)) {
      fields.push({ kind: 'leaf', key, matchers: compileLeaf(value, at) });
    } else if (isPlainObject(value)) {
      fields.push({ kind: 'object', key, pattern: compileObject(value, at, insideOr) });
    } else {
      throw new InvalidEventPatternError(`"${key}" must be an object or an array`, at);
    }
  }
  return { fields, or };
}

function compileOr(value: unknown, path: string): CompiledObject[] {
  if (!Array.isArray(value))
    throw new InvalidEventPatternError('It must be an Array followed with $or.', path);
  const alternatives = value.map((alternative: unknown, index) => {
    if (!isPlainObject(alternative)) {
      throw new InvalidEventPatternError(
        'Only JSON object is allowed in array of $or relationship.',
        `${path}[${index}]`,
      );
    }
    return compileObject(alternative, `${path}[${index}]`, true);
  });
  if (alternatives.length < 2) {
    throw new InvalidEventPatternError('There must have at least 2 Objects in $or relationship.', path);
  }
  return alternatives;
}

function compileLeaf(values: readonly unknown[], path: string): LeafMatcher[] {
  if (values.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed', path);
  return values.map((value, index) => {
    const at = `${path}[${index}]`;
    if (isPlainObject(value)) return compileExpression(value, at);
    if (!isJsonPrimitive(value)) {
      throw new InvalidEventPatternError('Match value must be String, number, true, false, or null', at);
    }
    // Strict equality: a string never equals a number, null never equals "" (numbers compare by value).
    return { kind: 'value', test: (candidate) => candidate === value };
  });
}

function compileExpression(expression: Record<string, unknown>, path: string): LeafMatcher {
  const keys = Object.keys(expression);
  const [operator] = keys;
  if (operator === undefined) throw new InvalidEventPatternError('Match expression name not found', path);
  if (keys.length > 1) throw new InvalidEventPatternError('Only one key allowed in match expression', path);
  const operand = expression[operator];
  const at = join(path, operator);
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw new InvalidEventPatternError('exists match pattern must be either true or false.', at);
      }
      return { kind: 'exists', exists: operand };
    case 'prefix':
    case 'suffix': {
      const ends = operator === 'prefix' ? startsWith : endsWith;
      if (isPlainObject(operand)) {
        const needle = ignoreCaseOperand(operand, operator, at);
        return { kind: 'value', test: (value) => typeof value === 'string' && ends(lower(value), needle) };
      }
      if (typeof operand !== 'string') {
        throw new InvalidEventPatternError(`${operator} match pattern must be a string`, at);
      }
      return { kind: 'value', test: (value) => typeof value === 'string' && ends(value, operand) };
    }
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') {
        throw new InvalidEventPatternError('equals-ignore-case match pattern must be a string', at);
      }
      const needle = lower(operand);
      return { kind: 'value', test: (value) => typeof value === 'string' && lower(value) === needle };
    }
    case 'wildcard': {
      if (typeof operand !== 'string') {
        throw new InvalidEventPatternError('wildcard match pattern must be a string', at);
      }
      const regex = wildcardRegex(operand, at);
      return { kind: 'value', test: (value) => typeof value === 'string' && regex.test(value) };
    }
    case 'numeric': {
      const inRange = compileNumeric(operand, at);
      return { kind: 'value', test: (value) => typeof value === 'number' && inRange(value) };
    }
    case 'anything-but': {
      const excluded = compileAnythingBut(operand, at);
      return { kind: 'value', test: (value) => !excluded(value) };
    }
    case 'cidr': {
      const contains = compileCidr(operand, at);
      return { kind: 'value', test: (value) => typeof value === 'string' && contains(value) };
    }
    default:
      throw new InvalidEventPatternError(`Unrecognized match type ${operator}`, at);
  }
}

/** `{ "equals-ignore-case": "…" }` under `prefix` or `suffix`; returns the lower-cased needle. */
function ignoreCaseOperand(operand: Record<string, unknown>, operator: string, path: string): string {
  const keys = Object.keys(operand);
  const [inner] = keys;
  if (inner === undefined)
    throw new InvalidEventPatternError(`${capitalise(operator)} expression name not found`, path);
  if (inner !== 'equals-ignore-case') {
    throw new InvalidEventPatternError(`Unsupported ${operator} pattern: ${inner}`, join(path, inner));
  }
  if (keys.length > 1) throw new InvalidEventPatternError('Only one key allowed in match expression', path);
  const needle = operand[inner];
  if (typeof needle !== 'string') {
    throw new InvalidEventPatternError(
      'equals-ignore-case match pattern must be a string',
      join(path, inner),
    );
  }
  return lower(needle);
}

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/** Grammar of event-ruler: `= n` | `< n` | `<= n` | `> n` | `>= n` | (`>`|`>=`) n (`<`|`<=`) m with n < m. */
function compileNumeric(operand: unknown, path: string): (value: number) => boolean {
  if (!Array.isArray(operand)) throw new InvalidEventPatternError('Value of numeric must be an array.', path);
  const terms: readonly unknown[] = operand;
  const [operator, bound, secondOperator, secondBound] = terms;
  if (terms.length === 0) throw new InvalidEventPatternError('Invalid member in numeric match: ]', path);
  if (typeof operator !== 'string') {
    throw new InvalidEventPatternError(`Invalid member in numeric match: ${describe(operator)}`, path);
  }
  if (!NUMERIC_OPERATORS.has(operator)) {
    throw new InvalidEventPatternError(`Unrecognized numeric range operator: ${operator}`, path);
  }
  if (!isFiniteNumber(bound)) {
    throw new InvalidEventPatternError(
      `Value of ${operator === '=' ? 'equals' : operator} must be numeric`,
      path,
    );
  }
  const first = comparison(operator, bound);
  if (terms.length === 2) return first;
  if (operator !== '>' && operator !== '>=') {
    throw new InvalidEventPatternError('Too many elements in numeric expression', path);
  }
  if (typeof secondOperator !== 'string') {
    throw new InvalidEventPatternError(`Bad value in numeric range: ${describe(secondOperator)}`, path);
  }
  if (secondOperator !== '<' && secondOperator !== '<=') {
    throw new InvalidEventPatternError(`Bad numeric range operator: ${secondOperator}`, path);
  }
  if (!isFiniteNumber(secondBound)) {
    throw new InvalidEventPatternError(`Value of ${secondOperator} must be numeric`, path);
  }
  if (terms.length > 4)
    throw new InvalidEventPatternError('Too many terms in numeric range expression', path);
  if (!(bound < secondBound)) throw new InvalidEventPatternError('Bottom must be less than top', path);
  const second = comparison(secondOperator, secondBound);
  return (value) => first(value) && second(value);
}

function comparison(operator: string, bound: number): (value: number) => boolean {
  switch (operator) {
    case '=':
      return (value) => value === bound;
    case '<':
      return (value) => value < bound;
    case '<=':
      return (value) => value <= bound;
    case '>':
      return (value) => value > bound;
    default:
      return (value) => value >= bound;
  }
}

/** Returns the test for an *excluded* value. */
function compileAnythingBut(operand: unknown, path: string): LeafTest {
  if (typeof operand === 'string') return (value) => value === operand;
  if (isFiniteNumber(operand)) return (value) => value === operand;
  if (Array.isArray(operand)) {
    const values: readonly unknown[] = operand;
    if (values.some((value) => !(typeof value === 'string' || isFiniteNumber(value)))) {
      throw new InvalidEventPatternError(
        'Inside anything but list, start|null|boolean is not supported.',
        path,
      );
    }
    if (values.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed', path);
    if (values.every(isString) || values.every(isFiniteNumber)) {
      const excluded = new Set<unknown>(values);
      return (value) => excluded.has(value);
    }
    throw new InvalidEventPatternError(
      'Inside anything but list, either all values are number or string, mixed type is not supported',
      path,
    );
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    const [inner] = keys;
    if (inner === undefined)
      throw new InvalidEventPatternError('Anything-But expression name not found', path);
    if (keys.length > 1)
      throw new InvalidEventPatternError('Only one key allowed in anything-but expression', path);
    const at = join(path, inner);
    const needles = anythingButStrings(operand[inner], inner, at);
    switch (inner) {
      case 'prefix':
      case 'suffix': {
        if (needles.includes('')) throw new InvalidEventPatternError('Null prefix/suffix not allowed', at);
        const ends = inner === 'prefix' ? startsWith : endsWith;
        return (value) => typeof value === 'string' && needles.some((needle) => ends(value, needle));
      }
      case 'equals-ignore-case': {
        const excluded = new Set(needles.map(lower));
        return (value) => typeof value === 'string' && excluded.has(lower(value));
      }
      case 'wildcard': {
        const regexes = needles.map((needle) => wildcardRegex(needle, at));
        return (value) => typeof value === 'string' && regexes.some((regex) => regex.test(value));
      }
      default:
        throw new InvalidEventPatternError(`Unsupported anything-but pattern: ${inner}`, at);
    }
  }
  throw new InvalidEventPatternError(
    'Value of anything-but must be an array or single string/number value.',
    path,
  );
}

/** The operand of `anything-but: { prefix | suffix | equals-ignore-case | wildcard: … }`. */
function anythingButStrings(operand: unknown, inner: string, path: string): readonly string[] {
  const list: readonly unknown[] = Array.isArray(operand) ? operand : [operand];
  if (list.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed', path);
  if (list.every(isString)) return list;
  if (inner === 'equals-ignore-case') {
    throw new InvalidEventPatternError(
      'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
      path,
    );
  }
  if (inner === 'wildcard')
    throw new InvalidEventPatternError('wildcard match pattern must be a string', path);
  if (inner === 'prefix' || inner === 'suffix') {
    throw new InvalidEventPatternError('prefix/suffix match pattern must be a string', path);
  }
  throw new InvalidEventPatternError(`Unsupported anything-but pattern: ${inner}`, path);
}

/**
 * `*` matches any run of characters (also none); `\*` is a literal asterisk and `\\` a literal
 * backslash. Consecutive wildcards and any other escape are refused, as by EventBridge.
 */
function wildcardRegex(pattern: string, path: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        throw new InvalidEventPatternError(`Consecutive wildcard characters at pos ${i}`, path);
      }
      source += '.*';
    } else if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\')
        throw new InvalidEventPatternError(`Invalid escape character at pos ${i}`, path);
      source += `\\${next}`;
      i++;
    } else {
      source += escapeRegex(char ?? '');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function compileCidr(operand: unknown, path: string): (value: string) => boolean {
  if (typeof operand !== 'string')
    throw new InvalidEventPatternError('cidr match pattern must be a string', path);
  const parts = operand.split('/');
  const [address, bits] = parts;
  if (parts.length !== 2 || address === undefined || bits === undefined) {
    throw new InvalidEventPatternError("Malformed CIDR, one '/' required", path);
  }
  if (!/^\d+$/.test(bits))
    throw new InvalidEventPatternError('Malformed CIDR, mask bits must be an integer', path);
  const family = isIP(address);
  const prefix = Number(bits);
  if (family === 0 || prefix > (family === 4 ? 32 : 128)) {
    throw new InvalidEventPatternError(`Nonstandard IP address: ${address}`, path);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const block = new BlockList();
  block.addSubnet(address, prefix, type);
  return (value) => isIP(value) === family && block.check(value, type);
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/** `scope` is the event object at this level, or undefined where the event has no object here. */
function matchObject(pattern: CompiledObject, scope: Record<string, unknown> | undefined): boolean {
  for (const field of pattern.fields) {
    const value = scope === undefined ? undefined : fieldOf(scope, field.key);
    const matched =
      field.kind === 'leaf' ? matchLeaf(field.matchers, value) : matchNested(field.pattern, value);
    if (!matched) return false;
  }
  return pattern.or === undefined || pattern.or.some((alternative) => matchObject(alternative, scope));
}

/** A nested pattern against an event value: an array matches when one of its objects matches whole. */
function matchNested(pattern: CompiledObject, value: unknown): boolean {
  if (isPlainObject(value)) return matchObject(pattern, value);
  if (Array.isArray(value)) {
    const objects = flatten(value).filter(isPlainObject);
    if (objects.length > 0) return objects.some((object) => matchObject(pattern, object));
  }
  // Missing, a leaf value, or an array without objects: nothing exists below this point.
  return matchObject(pattern, undefined);
}

function matchLeaf(matchers: readonly LeafMatcher[], value: unknown): boolean {
  const leaves = leafValues(value);
  return matchers.some((matcher) =>
    matcher.kind === 'exists' ? matcher.exists === leaves.length > 0 : leaves.some(matcher.test),
  );
}

/** The leaf values of an event field: itself if primitive, the primitives of an array (flattened). */
function leafValues(value: unknown): JsonPrimitive[] {
  if (isJsonPrimitive(value)) return [value];
  if (Array.isArray(value)) return flatten(value).filter(isJsonPrimitive);
  return [];
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flatMap((value: unknown) => (Array.isArray(value) ? flatten(value) : [value]));
}

/** Own properties only: `constructor` or `toString` are not fields of an event. */
function fieldOf(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isJsonPrimitive(value: unknown): value is JsonPrimitive {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || isFiniteNumber(value);
}

const startsWith = (value: string, needle: string) => value.startsWith(needle);
const endsWith = (value: string, needle: string) => value.endsWith(needle);
const lower = (value: string) => value.toLowerCase();
const capitalise = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);
const escapeRegex = (value: string) => value.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const describe = (value: unknown) => (value === undefined ? ']' : JSON.stringify(value));
