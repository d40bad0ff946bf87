import { describe, expect, it } from 'vitest';
import { HttpProblem, PreconditionFailedError } from '#shared/http/errors.ts';
import { assertIfMatch, etagOf, parseIfMatch } from '#shared/http/etag.ts';
import { decodeCursor, encodeCursor } from '#shared/http/pagination.ts';
import { problemResponse, toProblem } from '#shared/http/problem.ts';

describe('cursors', () => {
  const key = { PK: 'AGENCY#000.00.21.H62', SK: 'META', GSI1PK: 'AGENCIES', GSI1SK: '000.00.21.H62' };

  it('round-trips a key when the partition matches', () => {
    expect(decodeCursor(encodeCursor(key)!, { GSI1PK: 'AGENCIES' })).toEqual(key);
    expect(encodeCursor(undefined)).toBeNull();
  });

  it('refuses garbage, foreign partitions and unknown attributes with invalid-cursor', () => {
    const foreign = encodeCursor({ ...key, GSI1PK: 'QUEUE#other' })!;
    const attribute = encodeCursor({ ...key, isAdmin: 'true' })!;
    for (const cursor of ['%%%', 'bm90IGpzb24', foreign, attribute, encodeCursor({ PK: 1 })!]) {
      expect(() => decodeCursor(cursor, { GSI1PK: 'AGENCIES' }), cursor).toThrow(
        expect.objectContaining({ slug: 'invalid-cursor' }),
      );
    }
  });
});

describe('ETag and If-Match', () => {
  it('parses strong tags, lists and *', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBe('*');
    expect(parseIfMatch(etagOf(3))).toEqual([3]);
    expect(parseIfMatch('"3", "4"')).toEqual([3, 4]);
    expect(parseIfMatch('W/"3"')).toEqual([]);
  });

  it('refuses a malformed header with 400', () => {
    expect(() => parseIfMatch('three')).toThrow(HttpProblem);
  });

  it('fails with 412 when the version does not match', () => {
    expect(() => assertIfMatch([3], 4)).toThrow(PreconditionFailedError);
    expect(() => assertIfMatch([], 4)).toThrow(PreconditionFailedError);
    expect(() => assertIfMatch('*', undefined)).toThrow(PreconditionFailedError);
    expect(() => assertIfMatch([4], 4)).not.toThrow();
  });
});

describe('problem mapping', () => {
  it('never serialises a raw error or its stack', () => {
    const secret = new Error('connection string postgres://user:secret@db');
    const { problem, unexpected } = toProblem(secret);
    expect(unexpected).toBe(true);
    const response = problemResponse(problem, '/v1/x', 'req-1');
    expect(response.statusCode).toBe(500);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(response.body).not.toContain('secret');
  });

  it('maps AWS throttling to 503 with Retry-After', () => {
    const throttled = Object.assign(new Error('slow down'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const { problem } = toProblem(throttled);
    expect(problem.status).toBe(503);
    expect(problem.headers['retry-after']).toBe('1');
  });
});
