/**
 * Typed client of the provincial platform's REST API, for agency front-ends and citizen portals.
 *
 * The request and response types (`./schema.ts`) are generated from the platform's route table by
 * openapi-typescript (`npm run client:generate` in the platform repository); requests go through
 * openapi-fetch, so paths, parameters, bodies and responses are all checked by the compiler.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.ts';

export type { components, operations, paths };

/** A named schema of the API, e.g. `Schema<'Dossier'>`, `Schema<'SubmitDossier'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** RFC 9457 problem details, the body of every error response. */
export type Problem = Schema<'Problem'>;

export interface PlatformClientOptions {
  /** The API's origin, e.g. `https://api.vinh-phuc.example.gov.vn` or `http://localhost:3000`. */
  baseUrl: string;
  /**
   * The caller's bearer token (a Cognito ID token in AWS; locally from `POST /local/token`), or a
   * function returning a fresh one before each request.
   */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** Headers sent with every request (e.g. a fixed `x-request-id` prefix of the front-end). */
  headers?: Record<string, string>;
  /** A fetch implementation (tests, React Native …); the global one by default. */
  fetch?: typeof globalThis.fetch;
}

export type PlatformClient = Client<paths>;

/** Creates a client; every call returns `{ data, error, response }` (openapi-fetch). */
export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { token } = options;
  if (token !== undefined) {
    const auth: Middleware = {
      async onRequest({ request }) {
        const value = typeof token === 'function' ? await token() : token;
        if (value) request.headers.set('authorization', `Bearer ${value}`);
        return request;
      },
    };
    client.use(auth);
  }
  return client;
}

/** Thrown by `unwrap` when the API answers with an error (a problem+json body). */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    readonly response: Response,
  ) {
    super(problem ? `${status} ${problem.title}: ${problem.detail}` : `HTTP ${status}`);
  }
}

const isProblem = (value: unknown): value is Problem =>
  typeof value === 'object' && value !== null && 'type' in value && 'status' in value;

/**
 * The success body of a call, or a `ProblemError` carrying the problem details:
 * `const dossier = await unwrap(api.GET('/v1/dossiers/{id}', { params: { path: { id } } }))`.
 */
export async function unwrap<Data>(
  call: Promise<{ data?: Data; error?: unknown; response: Response }>,
): Promise<Data> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) {
    throw new ProblemError(response.status, isProblem(error) ? error : undefined, response);
  }
  return data as Data;
}
