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

/**
 * Whether an AWS error means "try again later": a known throttling, conflict or network error, or
 * any fault the service itself reports as its own (`$fault: 'server'`, a 5xx answer such as KMS's
 * KMSInternalException or DependencyTimeoutException), once the SDK's retries are spent.
 */
export function isRetryableAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, $fault } = error as { code?: string; $fault?: string };
  return (
    RETRYABLE_AWS_ERRORS.has(error.name) ||
    (code !== undefined && RETRYABLE_AWS_ERRORS.has(code)) ||
    $fault === 'server'
  );
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
