/**
 * ETags and If-Match (optimistic concurrency). Every mutable resource carries an integer `version`
 * that each write increments under a condition; its ETag is the quoted version.
 */
import { HttpProblem, PreconditionFailedError } from './errors.ts';

export const etagOf = (version: number): string => `"${version}"`;

/**
 * Parses If-Match into the versions it accepts: `undefined` when absent, `'*'` for any,
 * otherwise the list of versions (weak tags never match, per RFC 9110 strong comparison).
 */
export type IfMatch = number[] | '*';

export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  const versions: number[] = [];
  for (const part of value.split(',')) {
    const tag = part.trim();
    const match = /^"(\d{1,15})"$/.exec(tag);
    if (match?.[1]) versions.push(Number(match[1]));
    else if (!/^W\/"[^"]*"$/.test(tag) && !/^"[^"]*"$/.test(tag)) {
      throw new HttpProblem('validation-error', 'If-Match must be "*" or a list of entity tags', {
        extensions: {
          errors: [{ path: 'header.if-match', message: 'not an entity tag', code: 'invalid_format' }],
        },
      });
    }
  }
  return versions;
}

/** Throws 412 unless the current version satisfies If-Match. */
export function assertIfMatch(ifMatch: number[] | '*' | undefined, currentVersion: number | undefined): void {
  if (ifMatch === undefined) return;
  if (currentVersion === undefined) throw new PreconditionFailedError('The resource does not exist');
  if (ifMatch !== '*' && !ifMatch.includes(currentVersion)) throw new PreconditionFailedError();
}
