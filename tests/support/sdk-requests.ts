/**
 * What the byte-for-byte tests of our small AWS clients share (tests/unit/s3-signing.test.ts,
 * kms-signing.test.ts): fixed credentials and clock, the request a client handed to its HTTP handler
 * as plain data, and the removal of the SDK's bookkeeping headers before it signs.
 *
 * The SDK adds headers that it signs (`amz-sdk-invocation-id`, a random id; `amz-sdk-request`, the
 * attempt count; `x-amz-user-agent`, its version); they are removed before the SDK signs, as its
 * presigner does, so that both signatures cover the same request. `user-agent` (the SDK's version,
 * the OS and Node's) is never signed and is not compared.
 */
import type { FinalizeRequestMiddleware, HttpRequest, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { afterAll, beforeAll, vi } from 'vitest';

export const SIGNING_DATE = new Date('2026-03-14T09:26:53Z');

/**
 * For the tests of the enclosing block: the clock at SIGNING_DATE, and no endpoint in the
 * environment (AWS_ENDPOINT_URL and `serviceEndpointVariable`, e.g. AWS_ENDPOINT_URL_S3), which the
 * SDK client would read while ours is given its endpoint explicitly.
 */
export function atSigningDate(serviceEndpointVariable: string): void {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(SIGNING_DATE);
    vi.stubEnv('AWS_ENDPOINT_URL', '');
    vi.stubEnv(serviceEndpointVariable, '');
  });
  afterAll(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });
}

export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//session+token=',
};

/** The test credentials, with or without their session token. */
export const testCredentials = (sessionToken: boolean) =>
  sessionToken ? TEST_CREDENTIALS : { ...TEST_CREDENTIALS, sessionToken: undefined };

/** The request a client handed to its HTTP handler, as plain data. */
export interface Sent {
  method: string;
  protocol: string;
  hostname: string;
  port: number | undefined;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  /** Base64. */
  body: string | undefined;
}

/**
 * The bytes of a request body. The SDK's JSON body is a Uint8Array that also answers string methods
 * (and warns when they are used), so its bytes are read through its buffer.
 */
export const bytesOf = (body: unknown): Buffer =>
  body instanceof Uint8Array
    ? Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    : Buffer.from(String(body));

export const sentRequest = (request: HttpRequest): Sent => ({
  method: request.method,
  protocol: request.protocol,
  hostname: request.hostname,
  port: request.port ?? undefined,
  path: request.path,
  query: { ...request.query },
  headers: Object.fromEntries(
    Object.entries(request.headers)
      .filter(([name]) => name.toLowerCase() !== 'user-agent')
      .map(([name, value]) => [name.toLowerCase(), value]),
  ),
  body: request.body === undefined ? undefined : bytesOf(request.body).toString('base64'),
});

/** Removes the SDK client's bookkeeping headers before it signs (see the module comment). */
export function dropBookkeepingHeaders<I extends object, O extends MetadataBearer>(client: {
  middlewareStack: MiddlewareStack<I, O>;
}): void {
  const middleware: FinalizeRequestMiddleware<I, O> = (next) => async (args) => {
    const headers = (args.request as HttpRequest).headers;
    delete headers['amz-sdk-invocation-id'];
    delete headers['amz-sdk-request'];
    delete headers['x-amz-user-agent'];
    return next(args);
  };
  client.middlewareStack.addRelativeTo(middleware, {
    name: 'dropBookkeepingHeaders',
    relation: 'before',
    toMiddleware: 'httpSigningMiddleware',
  });
}
