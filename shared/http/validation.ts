/** zod parsing of request parts into typed values, or a 400 listing every issue. */
import type * as z from 'zod/mini';
import { type FieldIssue, ValidationError } from './errors.ts';
import type { AnySchema } from './route.ts';

export type RequestPart = 'path' | 'query' | 'body' | 'header';

export function toFieldIssues(part: RequestPart, issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.flatMap((issue) => {
    const base = [part, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: `${base}.${key}`,
        message: `Unknown property "${key}"`,
        code: 'unrecognized_key',
      }));
    }
    return [{ path: base, message: issue.message, code: issue.code }];
  });
}

export function parsePart<S extends AnySchema>(part: RequestPart, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(toFieldIssues(part, result.error.issues));
  return result.data;
}
