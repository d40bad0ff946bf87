/**
 * Named errors, mapped to RFC 9457 problem details in one place (problem.ts).
 * Each error has a stable `type` slug; the catalogue below is published in the OpenAPI document.
 */

export const PROBLEM_TYPES = {
  'validation-error': { status: 400, title: 'The request is not valid' },
  'malformed-json': { status: 400, title: 'The request body is not valid JSON' },
  'invalid-cursor': { status: 400, title: 'The pagination cursor is not valid for this query' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'You are not allowed to do this' },
  'not-found': { status: 404, title: 'The resource does not exist' },
  'method-not-allowed': { status: 405, title: 'The method is not allowed on this resource' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  'idempotency-in-progress': {
    status: 409,
    title: 'A request with this Idempotency-Key is still in progress',
  },
  'precondition-failed': { status: 412, title: 'The resource has changed since you read it' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'The request body must be JSON' },
  'idempotency-key-reused': {
    status: 422,
    title: 'This Idempotency-Key was already used with a different request',
  },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  'service-unavailable': { status: 503, title: 'A backend is temporarily unavailable; retry later' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;

/** The `type` URI of a problem: a relative reference, documented in the OpenAPI description. */
export const problemTypeUri = (slug: ProblemSlug): string => `/problems/${slug}`;

export interface FieldIssue {
  /** Where the issue is: `body.applicant.idNumber`, `query.limit`, `path.code`, `header.if-match`. */
  path: string;
  message: string;
  code: string;
}

export class HttpProblem extends Error {
  readonly status: number;
  readonly slug: ProblemSlug;
  readonly title: string;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    slug: ProblemSlug,
    detail?: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? PROBLEM_TYPES[slug].title);
    this.name = 'HttpProblem';
    this.slug = slug;
    this.status = PROBLEM_TYPES[slug].status;
    this.title = PROBLEM_TYPES[slug].title;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

export class ValidationError extends HttpProblem {
  constructor(issues: FieldIssue[], detail = 'One or more fields are not valid') {
    super('validation-error', detail, { extensions: { errors: issues } });
  }
}

export class UnauthorizedError extends HttpProblem {
  constructor(detail = 'A valid bearer token is required') {
    super('unauthorized', detail, { headers: { 'www-authenticate': 'Bearer realm="api"' } });
  }
}

export class ForbiddenError extends HttpProblem {
  constructor(detail?: string) {
    super('forbidden', detail);
  }
}

export class NotFoundError extends HttpProblem {
  constructor(detail?: string) {
    super('not-found', detail);
  }
}

export class ConflictError extends HttpProblem {
  constructor(detail: string, extensions?: Record<string, unknown>) {
    super('conflict', detail, extensions ? { extensions } : {});
  }
}

export class PreconditionFailedError extends HttpProblem {
  constructor(detail = 'The If-Match header does not match the current ETag; read the resource again') {
    super('precondition-failed', detail);
  }
}

export class ServiceUnavailableError extends HttpProblem {
  constructor(detail?: string) {
    super('service-unavailable', detail, { headers: { 'retry-after': '1' } });
  }
}
