/**
 * The one place where errors become responses (RFC 9457 application/problem+json).
 * Raw errors are never serialised; unknown errors become a generic 500 and are logged.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpProblem, problemTypeUri, ServiceUnavailableError } from './errors.ts';

/** AWS error names that mean "try again later", never the client's fault. */
const RETRYABLE_AWS_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
  'SlowDown',
  'TimeoutError',
  'RequestTimeout',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
]);

export function isRetryableAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return RETRYABLE_AWS_ERRORS.has(error.name) || (code !== undefined && RETRYABLE_AWS_ERRORS.has(code));
}

/** Turns anything thrown into an HttpProblem; returns `unexpected` for errors that are our fault. */
export function toProblem(error: unknown): { problem: HttpProblem; unexpected: boolean } {
  if (error instanceof HttpProblem) return { problem: error, unexpected: false };
  if (isRetryableAwsError(error)) return { problem: new ServiceUnavailableError(), unexpected: true };
  return {
    problem: new HttpProblem('internal', 'An unexpected error occurred; it has been logged'),
    unexpected: true,
  };
}

export function problemResponse(
  problem: HttpProblem,
  instance: string,
  requestId: string,
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...problem.headers },
    body: JSON.stringify({
      type: problemTypeUri(problem.slug),
      title: problem.title,
      status: problem.status,
      detail: problem.message,
      instance,
      requestId,
      ...problem.extensions,
    }),
  };
}
