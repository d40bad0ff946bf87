/**
 * fast-check arbitraries generated from the route table's zod schemas (through zod's own JSON
 * Schema output, the same one the OpenAPI document uses), for the fuzzing suite. No maintained
 * zod-4 → fast-check bridge is installed, so this covers the JSON Schema subset our schemas produce:
 * $ref/$defs, const, enum, oneOf/anyOf, nullable type lists, strings with pattern / format / length,
 * integers and numbers with bounds and multipleOf, booleans, arrays, tuples (prefixItems) and objects,
 * and the boolean schemas `true` / `false` (a tuple's `items: false`).
 */
import fc from 'fast-check';
import * as z from 'zod/mini';
import type { AnySchema } from '#shared/http/route.ts';

type JsonSchema = Record<string, unknown>;

const MAX_DEPTH = 6;

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = Math.min((schema.maxLength as number | undefined) ?? 40, Math.max(minLength, 40));
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
    case 'date-time':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((date) => date.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((date) => date.toISOString().slice(0, 10));
    case 'uri':
      return fc.webUrl();
  }
  if (typeof schema.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= 400);
    } catch {
      // A pattern fast-check cannot invert: plain strings.
    }
  }
  return fc.string({ minLength, maxLength, unit: 'grapheme' });
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = (schema.minimum as number | undefined) ?? (schema.exclusiveMinimum as number | undefined);
  const max = (schema.maximum as number | undefined) ?? (schema.exclusiveMaximum as number | undefined);
  const step = schema.multipleOf as number | undefined;
  if (step) {
    return fc
      .integer({ min: Math.ceil((min ?? -1000) / step), max: Math.floor((max ?? 1000) / step) })
      .map((n) => n * step);
  }
  if (integer) return fc.integer({ min: min ?? -1_000_000, max: max ?? 1_000_000 });
  return fc.double({ min: min ?? -1e6, max: max ?? 1e6, noNaN: true, noDefaultInfinity: true });
}

function arbitraryOf(
  schema: JsonSchema | boolean,
  defs: Record<string, JsonSchema>,
  depth: number,
): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) return fc.constant(null);
  // `true` admits anything; `false` admits nothing (a value is sent anyway, to be refused).
  if (typeof schema === 'boolean') return schema ? fc.jsonValue({ maxDepth: 2 }) : fc.constant(null);
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace(/^#\/\$defs\//, '');
    const target = defs[name];
    return target ? arbitraryOf(target, defs, depth + 1) : fc.jsonValue({ maxDepth: 2 });
  }
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (alternatives?.length) return fc.oneof(...alternatives.map((alt) => arbitraryOf(alt, defs, depth + 1)));
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    return arbitraryOf(schema.allOf[0] as JsonSchema, defs, depth + 1);
  }
  if (Array.isArray(schema.type)) {
    return fc.oneof(...schema.type.map((type) => arbitraryOf({ ...schema, type }, defs, depth)));
  }
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (Array.isArray(schema.prefixItems)) {
        return fc.tuple(
          ...(schema.prefixItems as JsonSchema[]).map((item) => arbitraryOf(item, defs, depth + 1)),
        );
      }
      const items = (schema.items as JsonSchema | boolean | undefined) ?? {};
      const minLength = (schema.minItems as number | undefined) ?? 0;
      const maxLength = Math.min((schema.maxItems as number | undefined) ?? 3, minLength + 3);
      return fc.array(arbitraryOf(items, defs, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
      const required = (schema.required as string[] | undefined) ?? [];
      if (Object.keys(properties).length === 0) {
        return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      }
      return fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([key, value]) => [key, arbitraryOf(value, defs, depth + 1)]),
        ),
        { requiredKeys: required.filter((key) => key in properties) },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** JSON Schema of a zod schema, as its input (what a client sends). */
export function jsonSchemaOf(schema: AnySchema): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Values shaped like `schema`'s input (often valid; refinements and cross-field rules may refuse them). */
export function arbitraryFromSchema(schema: AnySchema): fc.Arbitrary<unknown> {
  const json = jsonSchemaOf(schema);
  return arbitraryOf(json, (json.$defs as Record<string, JsonSchema> | undefined) ?? {}, 0);
}

/** The required top-level property names of an object schema (for "drop a required field" mutations). */
export function requiredKeysOf(schema: AnySchema): string[] {
  const json = jsonSchemaOf(schema);
  const root =
    typeof json.$ref === 'string'
      ? ((json.$defs as Record<string, JsonSchema>)[json.$ref.replace(/^#\/\$defs\//, '')] ?? json)
      : json;
  return (root.required as string[] | undefined) ?? [];
}
