/**
 * An AWS service stand-in on a free loopback port, for the tests of our small AWS clients
 * (tests/unit/s3-errors.test.ts, kms-errors.test.ts): it answers the n-th request with `replies[n]`
 * (the last repeats) and records each request in the test's own terms. Close them after each test
 * with `afterEach(closeStandIns)`. Nothing leaves the machine.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, vi } from 'vitest';
import { setAwsClientHook } from '#shared/platform/aws-clients.ts';

/** What the clients under test sign with (a stand-in checks no signature). */
export const STAND_IN_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** An answer to one request; `attempt` counts from 1. */
export type Reply = (request: IncomingMessage, response: ServerResponse, attempt: number) => void;

const open: (() => Promise<void>)[] = [];

/** Closes every stand-in started since the last call (their connections too). */
export async function closeStandIns(): Promise<void> {
  await Promise.all(open.splice(0).map((close) => close()));
}

/** Starts a stand-in; `record` turns each request (and its body) into what the test checks. */
export async function standInService<T>(
  replies: readonly Reply[],
  record: (request: IncomingMessage, body: Buffer) => T,
): Promise<{ endpoint: string; seen: T[] }> {
  const seen: T[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push(record(request, Buffer.concat(chunks)));
      replies[Math.min(seen.length, replies.length) - 1]!(request, response, seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A reply that drops the connection without an answer. */
export const drop: Reply = (request) => request.socket.destroy();

/** The error a promise rejects with (a test fails if it resolves). */
export async function failure<E = Error & { code?: string }>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a failure');
}

/**
 * Points the platform's own clients (shared/platform/aws-clients.ts, configured from the environment
 * as in Lambda) at a stand-in: `endpointVariable` (AWS_ENDPOINT_URL_KMS, _S3) and `extra` set, with
 * a region and the stand-in credentials. `resetPlatformClientsAfterEach` undoes it.
 */
export function platformEnvironment(
  endpointVariable: string,
  endpoint: string,
  extra: Record<string, string> = {},
): void {
  vi.stubEnv(endpointVariable, endpoint);
  for (const [name, value] of Object.entries(extra)) vi.stubEnv(name, value);
  vi.stubEnv('AWS_REGION', 'ap-southeast-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', STAND_IN_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', STAND_IN_CREDENTIALS.secretAccessKey);
}

/** After each test of the enclosing block: no client hook, the environment as it was. */
export function resetPlatformClientsAfterEach(): void {
  afterEach(() => {
    setAwsClientHook(undefined);
    vi.unstubAllEnvs();
  });
}
