/**
 * Application forms (tờ khai) as JSON Schema, draft 2020-12.
 *
 * - `formSchemaIssues` checks that a procedure's `formSchema` is a schema of the supported subset:
 *   an object at the top level, every object closed (`additionalProperties: false`, as the API
 *   refuses unknown fields everywhere), known keywords only (a typo such as `requried` would
 *   otherwise be ignored silently), local `$ref`s into `$defs`, compilable patterns, known formats.
 *   `x-…` keywords are free for front-end hints (widget, order, placeholder).
 * - `validateForm` validates submitted data with @cfworker/json-schema (no code generation, small)
 *   and reports each problem as a FieldIssue at the data's path, labelled with the field's `title`.
 */
import { type OutputUnit, type Schema, format as supportedFormats, Validator } from '@cfworker/json-schema';
import type { FieldIssue } from '../http/errors.ts';
import type { Procedure } from './procedure.ts';

export const FORM_SCHEMA_DRAFT = 'https://json-schema.org/draft/2020-12/schema';
/** Largest form schema accepted, in bytes of JSON. */
export const MAX_FORM_SCHEMA_BYTES = 64 * 1024;
const MAX_DEPTH = 16;
const MAX_PATTERN_LENGTH = 500;

const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);
export const FORM_FORMATS: readonly string[] = Object.keys(supportedFormats);

type Node = Record<string, unknown>;
/**
 * `data`: the subschema describes a value of the form (the root, a property, array items, a
 * definition), so an object there must be closed. `applicator`: a condition or alternative
 * (`if`, `then`, `anyOf` …) that only constrains the value its parent describes.
 */
type Role = 'data' | 'applicator';
type Check = (value: unknown, path: string[], depth: number, role: Role) => void;

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonNegativeInteger = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;
const isFiniteNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Checks a form schema against the supported subset; paths are relative to the schema ('' = root). */
export function formSchemaIssues(schema: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (path: string[], message: string, code: string) =>
    issues.push({ path: path.join('.'), message, code });

  if (Buffer.byteLength(JSON.stringify(schema), 'utf8') > MAX_FORM_SCHEMA_BYTES) {
    add([], `A form schema is at most ${MAX_FORM_SCHEMA_BYTES} bytes of JSON`, 'too_big');
    return issues;
  }
  const defs = isNode(schema.$defs) ? schema.$defs : {};

  const subschema: Check = (value, path, depth, role) => {
    if (!isNode(value)) {
      add(path, 'A subschema must be a JSON object', 'invalid_type');
      return;
    }
    if (depth > MAX_DEPTH) {
      add(path, `Form schemas nest at most ${MAX_DEPTH} levels`, 'too_deep');
      return;
    }
    for (const [keyword, argument] of Object.entries(value)) {
      if (keyword.startsWith('x-')) continue;
      const at = [...path, keyword];
      const check = KEYWORDS[keyword];
      if (!check) {
        if (depth === 0 && ROOT_KEYWORDS.has(keyword)) continue; // checked at the top level
        const message = ROOT_KEYWORDS.has(keyword)
          ? `"${keyword}" is allowed only at the top level`
          : `Unknown or unsupported JSON Schema keyword "${keyword}"`;
        add(at, message, 'unknown_keyword');
        continue;
      }
      check(argument, at, depth, role);
    }
    const declaresObject =
      value.type === 'object' ||
      (Array.isArray(value.type) && value.type.includes('object')) ||
      'properties' in value;
    if (role === 'data' && declaresObject && !('additionalProperties' in value)) {
      add(
        [...path, 'additionalProperties'],
        'Form objects are closed: set "additionalProperties": false (the API refuses unknown fields)',
        'open_object',
      );
    }
    if (isStringArray(value.required) && isNode(value.properties)) {
      for (const [i, name] of value.required.entries()) {
        if (!Object.hasOwn(value.properties, name)) {
          add(
            [...path, 'required', String(i)],
            `Required property "${name}" is not declared in "properties"`,
            'unknown_property',
          );
        }
      }
    }
  };
  /** Subschemas that keep the parent's role (properties, items) or are applicators (allOf, if …). */
  const subschemaList =
    (as?: Role): Check =>
    (value, path, depth, role) => {
      if (!Array.isArray(value) || value.length === 0) {
        add(path, 'Expected a non-empty array of subschemas', 'invalid_type');
        return;
      }
      for (const [i, item] of value.entries()) subschema(item, [...path, String(i)], depth + 1, as ?? role);
    };
  const subschemaMap: Check = (value, path, depth, role) => {
    if (!isNode(value)) {
      add(path, 'Expected an object of subschemas', 'invalid_type');
      return;
    }
    for (const [name, item] of Object.entries(value)) subschema(item, [...path, name], depth + 1, role);
  };
  const nested: Check = (value, path, depth, role) => subschema(value, path, depth + 1, role);
  const condition: Check = (value, path, depth) => subschema(value, path, depth + 1, 'applicator');
  const count: Check = (value, path) => {
    if (!isNonNegativeInteger(value)) add(path, 'Expected a non-negative integer', 'invalid_type');
  };
  const number: Check = (value, path) => {
    if (!isFiniteNumber(value)) add(path, 'Expected a number', 'invalid_type');
  };
  const string: Check = (value, path) => {
    if (typeof value !== 'string') add(path, 'Expected a string', 'invalid_type');
  };
  const boolean: Check = (value, path) => {
    if (typeof value !== 'boolean') add(path, 'Expected true or false', 'invalid_type');
  };
  const anything: Check = () => undefined;

  const KEYWORDS: Record<string, Check> = {
    title: string,
    description: string,
    $comment: string,
    default: anything,
    examples: (value, path) => {
      if (!Array.isArray(value)) add(path, 'Expected an array', 'invalid_type');
    },
    readOnly: boolean,
    writeOnly: boolean,
    deprecated: boolean,
    type: (value, path) => {
      const types = Array.isArray(value) ? value : [value];
      if (types.length === 0 || !types.every((t) => typeof t === 'string' && TYPES.has(t))) {
        add(path, `Expected one of ${[...TYPES].join(', ')}, or a list of them`, 'invalid_value');
      } else if (new Set(types).size !== types.length) {
        add(path, 'List each type once', 'invalid_value');
      }
    },
    enum: (value, path) => {
      if (!Array.isArray(value) || value.length === 0)
        add(path, 'Expected a non-empty array', 'invalid_type');
    },
    const: anything,
    properties: subschemaMap,
    required: (value, path) => {
      if (!isStringArray(value)) add(path, 'Expected an array of property names', 'invalid_type');
      else if (new Set(value).size !== value.length) add(path, 'List each property once', 'invalid_value');
    },
    additionalProperties: (value, path) => {
      if (value !== false) {
        add(path, 'Form objects are closed: "additionalProperties" must be false', 'open_object');
      }
    },
    minProperties: count,
    maxProperties: count,
    dependentRequired: (value, path) => {
      if (!isNode(value) || !Object.values(value).every(isStringArray)) {
        add(path, 'Expected an object of property-name arrays', 'invalid_type');
      }
    },
    items: nested,
    prefixItems: subschemaList(),
    minItems: count,
    maxItems: count,
    uniqueItems: boolean,
    minLength: count,
    maxLength: count,
    pattern: (value, path) => {
      if (typeof value !== 'string' || value.length > MAX_PATTERN_LENGTH) {
        add(
          path,
          `Expected a regular expression of at most ${MAX_PATTERN_LENGTH} characters`,
          'invalid_type',
        );
        return;
      }
      try {
        new RegExp(value, 'u');
      } catch {
        add(path, 'Not a valid regular expression (ECMAScript, unicode mode)', 'invalid_pattern');
      }
    },
    format: (value, path) => {
      if (typeof value !== 'string' || !FORM_FORMATS.includes(value)) {
        add(path, `Unsupported format; use one of ${FORM_FORMATS.join(', ')}`, 'invalid_value');
      }
    },
    minimum: number,
    maximum: number,
    exclusiveMinimum: number,
    exclusiveMaximum: number,
    multipleOf: (value, path) => {
      if (!isFiniteNumber(value) || (value as number) <= 0)
        add(path, 'Expected a positive number', 'invalid_type');
    },
    allOf: subschemaList('applicator'),
    anyOf: subschemaList('applicator'),
    oneOf: subschemaList('applicator'),
    not: condition,
    if: condition,
    // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
    then: condition,
    else: condition,
    $ref: (value, path) => {
      const match = typeof value === 'string' ? /^#\/\$defs\/([^/]+)$/.exec(value) : null;
      if (!match?.[1]) add(path, 'Only local references "#/$defs/<name>" are supported', 'invalid_ref');
      else if (!Object.hasOwn(defs, match[1]))
        add(path, `No definition "${match[1]}" in "$defs"`, 'invalid_ref');
    },
  };

  // Top level: an object schema; `$schema` (if given) names draft 2020-12; `$defs` only here.
  if (schema.type !== 'object')
    add(['type'], 'The form schema must have "type": "object" at the top level', 'invalid_type');
  if (!isNode(schema.properties))
    add(['properties'], 'The form schema must declare its fields in "properties"', 'required');
  if ('$schema' in schema && schema.$schema !== FORM_SCHEMA_DRAFT) {
    add(['$schema'], `Only draft 2020-12 is supported ("${FORM_SCHEMA_DRAFT}")`, 'invalid_value');
  }
  if ('$defs' in schema) subschemaMap(schema.$defs, ['$defs'], 0, 'data');
  subschema(schema, [], 0, 'data');
  if (issues.length > 0) return issues;

  try {
    compile(schema).validate({});
  } catch (error) {
    add([], `The schema does not compile: ${(error as Error).message}`, 'invalid_schema');
  }
  return issues;
}

const ROOT_KEYWORDS = new Set(['$schema', '$defs']);

/** A validator for a form schema; the schema is copied first (the library annotates what it reads). */
function compile(schema: Record<string, unknown>): Validator {
  return new Validator(structuredClone(schema) as Schema, '2020-12', false);
}

/** Data path segments of a JSON Pointer fragment (`#/birth/date` → ['birth', 'date']). */
function pointerSegments(pointer: string): string[] {
  const path = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // not percent-encoded after all: keep it as is
      }
      return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** The schema node a keyword location points into (following local `$ref`s), or undefined. */
function schemaAt(root: Node, keywordLocation: string): Node | undefined {
  const segments = pointerSegments(keywordLocation).slice(0, -1); // drop the keyword itself
  let node: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (!isNode(node)) return undefined;
    else if (segment === '$ref' && typeof node.$ref === 'string') node = resolveRef(root, node.$ref);
    else node = node[segment];
  }
  return isNode(node) ? node : undefined;
}

/** The definition a local `#/$defs/<name>` reference names. */
function resolveRef(root: Node, ref: string): Node | undefined {
  const match = /^#\/\$defs\/([^/]+)$/.exec(ref);
  const defs = root.$defs;
  if (!match?.[1] || !isNode(defs) || !Object.hasOwn(defs, match[1])) return undefined;
  const target = defs[match[1]];
  return isNode(target) ? target : undefined;
}

/** The `title` of the data at a path, following properties, items and local `$ref`s. */
function titleAt(root: Node, segments: readonly string[]): string | undefined {
  /** A node's own keywords win over those of the definition it references. */
  const through = (node: Node): Node =>
    typeof node.$ref === 'string' ? (resolveRef(root, node.$ref) ?? node) : node;
  let node: Node = root;
  for (const segment of segments) {
    const target = through(node);
    const properties: unknown = target.properties;
    const child = isNode(properties) && Object.hasOwn(properties, segment) ? properties[segment] : undefined;
    if (isNode(child)) node = child;
    else if (/^\d+$/.test(segment) && isNode(target.items)) node = target.items;
    else return undefined;
  }
  const title = typeof node.title === 'string' ? node.title : through(node).title;
  return typeof title === 'string' ? title : undefined;
}

const describeValue = (value: unknown) => JSON.stringify(value);

/**
 * Validates an application's form data against the procedure's form schema. Each problem becomes a
 * FieldIssue at the data path under `at` (e.g. `body.form.applicant.idNumber`), its message
 * labelled with the field's `title` so a front-end can show it as is. Empty when the data is valid.
 */
export function validateForm(
  procedure: Pick<Procedure, 'formSchema'>,
  data: unknown,
  at = 'body.form',
): FieldIssue[] {
  if (data === undefined)
    return [{ path: at, message: 'The application form is required', code: 'required' }];
  if (!isNode(data))
    return [{ path: at, message: 'The application form must be a JSON object', code: 'invalid_type' }];
  const root = procedure.formSchema as Node;
  // As the data would arrive over HTTP: the validator accepts JSON values only (no undefined).
  const result = compile(root).validate(JSON.parse(JSON.stringify(data)));
  if (result.valid) return [];

  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  const push = (segments: readonly string[], code: string, detail: string) => {
    const path = [at, ...segments].join('.');
    const title = titleAt(root, segments);
    const name = title ?? segments[segments.length - 1];
    const label = name === undefined ? 'The form' : `"${name}"`;
    const key = `${path}\n${code}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push({ path, message: `${label} ${detail}`, code });
  };
  // Alternatives (anyOf / oneOf / not) are reported once, not through each branch's own errors.
  const alternatives: string[] = [];

  for (const unit of result.errors) {
    if (alternatives.some((location) => unit.keywordLocation.startsWith(`${location}/`))) continue;
    const segments = pointerSegments(unit.instanceLocation);
    const node = schemaAt(root, unit.keywordLocation);
    const message = describeUnit(unit, node);
    switch (unit.keyword) {
      case 'properties':
      case 'items':
      case 'prefixItems':
      case '$ref':
      case 'allOf':
      case 'if':
      case 'then':
      case 'else':
      case 'additionalProperties':
        continue; // summaries of the errors reported below them
      case 'anyOf':
      case 'oneOf':
      case 'not':
        alternatives.push(unit.keywordLocation);
        push(segments, 'invalid_value', message.detail);
        continue;
      case 'false':
        push(segments, 'unrecognized_key', 'is not a field of this form');
        continue;
      case 'required':
      case 'dependentRequired': {
        const names = [...unit.error.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
        const missing = unit.keyword === 'required' ? names[0] : names[1];
        if (missing === undefined) push(segments, 'required', 'misses a required field');
        else push([...segments, missing], 'required', 'is required');
        continue;
      }
      default:
        push(segments, message.code, message.detail);
    }
  }
  return issues;
}

/** A readable detail and a stable code for one validator error, from the keyword's value in the schema. */
function describeUnit(unit: OutputUnit, node: Node | undefined): { code: string; detail: string } {
  const value = node?.[unit.keyword];
  switch (unit.keyword) {
    case 'type': {
      const types = Array.isArray(value) ? value.join(' or ') : String(value);
      return { code: 'invalid_type', detail: `must be of type ${types}` };
    }
    case 'minLength':
      return { code: 'too_small', detail: `must have at least ${String(value)} characters` };
    case 'maxLength':
      return { code: 'too_big', detail: `must have at most ${String(value)} characters` };
    case 'minimum':
      return { code: 'too_small', detail: `must be at least ${String(value)}` };
    case 'exclusiveMinimum':
      return { code: 'too_small', detail: `must be greater than ${String(value)}` };
    case 'maximum':
      return { code: 'too_big', detail: `must be at most ${String(value)}` };
    case 'exclusiveMaximum':
      return { code: 'too_big', detail: `must be less than ${String(value)}` };
    case 'minItems':
      return { code: 'too_small', detail: `must have at least ${String(value)} items` };
    case 'maxItems':
      return { code: 'too_big', detail: `must have at most ${String(value)} items` };
    case 'minProperties':
      return { code: 'too_small', detail: `must have at least ${String(value)} fields` };
    case 'maxProperties':
      return { code: 'too_big', detail: `must have at most ${String(value)} fields` };
    case 'pattern':
      return { code: 'invalid_format', detail: `does not match the expected format (${String(value)})` };
    case 'format':
      return { code: 'invalid_format', detail: `must be a valid ${String(value)}` };
    case 'enum':
      return {
        code: 'invalid_value',
        detail: `must be one of ${Array.isArray(value) ? value.map(describeValue).join(', ') : 'the listed values'}`,
      };
    case 'const':
      return { code: 'invalid_value', detail: `must be ${describeValue(value)}` };
    case 'multipleOf':
      return { code: 'not_multiple_of', detail: `must be a multiple of ${String(value)}` };
    case 'uniqueItems':
      return { code: 'not_unique', detail: 'must not repeat an item' };
    case 'anyOf':
    case 'oneOf': {
      // A closed list written as `oneOf: [{ const, title }]`: name the allowed values.
      const options = Array.isArray(value) ? value : [];
      if (options.length > 0 && options.every((option) => isNode(option) && 'const' in option)) {
        const values = options.map((option) => describeValue((option as Node).const));
        return { code: 'invalid_value', detail: `must be one of ${values.join(', ')}` };
      }
      return unit.keyword === 'anyOf'
        ? { code: 'invalid_value', detail: 'matches none of the allowed forms' }
        : { code: 'invalid_value', detail: 'must match exactly one of the allowed forms' };
    }
    case 'not':
      return { code: 'invalid_value', detail: 'has a value that is not allowed' };
    default:
      return { code: 'invalid_value', detail: `is not valid: ${unit.error}` };
  }
}
