/**
 * The HTTP adapter to the National Public Service Portal (through the province's LGSP adapter), as
 * one-stop systems integrate with it: one integration endpoint, a POST per service with
 * `{ session, madonvi, service, isUpdating?, data: [record] }`, an answer `{ error_code, ... }`
 * where "0" / "00" means accepted.
 *
 * Everything comes from configuration (./config.ts): base URL and path, unit code, the optional
 * `dstcode` header, the timeout, and where the session token is read from:
 * - `secret`: AWS Secrets Manager through the AWS Parameters and Secrets Lambda Extension
 *   (a loopback HTTP endpoint in the Lambda sandbox; no SDK in the bundle). The function needs the
 *   extension layer and read access to that one secret;
 * - `env`: an environment variable (test portals).
 * The token is cached for five minutes, so a rotated secret takes effect without a deployment.
 */
import { ConfigurationError, optionalEnv, requireEnv } from '../platform/env.ts';
import {
  type NationalPortalClient,
  NationalPortalRejectedError,
  NationalPortalUnavailableError,
  type PortalReceipt,
} from './client.ts';
import type { NationalPortalCredentials, NationalPortalHttpConfig } from './config.ts';
import type { PortalRequest } from './payloads.ts';

const TOKEN_TTL_MS = 5 * 60_000;
const MAX_DETAIL_LENGTH = 300;
/** Default port of the Parameters and Secrets extension (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT). */
const EXTENSION_DEFAULT_PORT = '2773';

export type TokenSource = () => Promise<string>;

/** Reads a secret's value from the Parameters and Secrets Lambda Extension. */
async function secretFromExtension(secretName: string, timeoutMs: number): Promise<string> {
  const port = optionalEnv('PARAMETERS_SECRETS_EXTENSION_HTTP_PORT') ?? EXTENSION_DEFAULT_PORT;
  let response: Response;
  try {
    response = await fetch(
      `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretName)}`,
      {
        headers: { 'X-Aws-Parameters-Secrets-Token': requireEnv('AWS_SESSION_TOKEN') },
        signal: AbortSignal.timeout(timeoutMs),
      },
    );
  } catch (error) {
    throw new NationalPortalUnavailableError(
      `The secrets extension did not answer: ${(error as Error).message}`,
    );
  }
  if (!response.ok) {
    // Not found / access denied is a deployment mistake; the event waits in the dead letters meanwhile.
    throw new NationalPortalUnavailableError(
      `The secret ${secretName} could not be read (${response.status})`,
    );
  }
  const { SecretString } = (await response.json()) as { SecretString?: unknown };
  if (typeof SecretString !== 'string' || !SecretString) {
    throw new ConfigurationError(`The secret ${secretName} has no string value`);
  }
  return SecretString.trim();
}

/** The session token, from where the configuration says, cached for a few minutes. */
export function tokenSource(credentials: NationalPortalCredentials, timeoutMs: number): TokenSource {
  let cached: { token: string; until: number } | undefined;
  return async () => {
    if (cached && Date.now() < cached.until) return cached.token;
    const token =
      credentials.source === 'env'
        ? requireEnv(credentials.variable)
        : await secretFromExtension(credentials.secretName, timeoutMs);
    cached = { token, until: Date.now() + TOKEN_TTL_MS };
    return token;
  };
}

/** A short, secret-free description of why a request failed. */
const failureOf = (error: unknown, timeoutMs: number): string => {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `No answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  const code = cause instanceof Error ? ((cause as { code?: unknown }).code ?? cause.message) : undefined;
  const text = error instanceof Error ? error.message : 'Request failed';
  return (typeof code === 'string' ? `${text} (${code})` : text).slice(0, MAX_DETAIL_LENGTH);
};

/** The portal's verdict in a 2xx answer: `error_code` 0 / "0" / "00" (or absent) means accepted. */
function verdictOf(body: unknown): { accepted: boolean; errorCode?: string; message?: string } {
  if (typeof body !== 'object' || body === null)
    return { accepted: false, message: 'The answer is not an object' };
  const record = body as Record<string, unknown>;
  const raw = record.error_code;
  if (raw === undefined || raw === null) return { accepted: true };
  const errorCode = String(raw);
  const message = [record.error_message, record.message, record.msg].find(
    (value) => typeof value === 'string',
  );
  return {
    accepted: /^0+$/.test(errorCode),
    errorCode,
    ...(typeof message === 'string' ? { message: message.slice(0, MAX_DETAIL_LENGTH) } : {}),
  };
}

export interface HttpPortalOptions {
  /** Default: from the configuration's credentials. */
  readonly token?: TokenSource;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

export function createHttpPortalClient(
  config: NationalPortalHttpConfig,
  options: HttpPortalOptions = {},
): NationalPortalClient {
  const token = options.token ?? tokenSource(config.credentials, config.timeoutMs);
  const doFetch = options.fetch ?? fetch;
  const url = `${config.baseUrl}${config.path}`;

  return {
    mode: 'http',
    async send(request: PortalRequest): Promise<PortalReceipt> {
      const body = {
        session: await token(),
        madonvi: config.unitCode,
        service: request.service,
        ...(request.service === 'DongBoHoSoMC' ? { isUpdating: request.isUpdating ? 'True' : 'False' } : {}),
        data: [request.payload],
      };
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: {
            accept: 'application/json',
            'content-type': 'application/json; charset=utf-8',
            ...(config.dstCode ? { dstcode: config.dstCode } : {}),
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(config.timeoutMs),
          redirect: 'error',
        });
      } catch (error) {
        throw new NationalPortalUnavailableError(`${request.service}: ${failureOf(error, config.timeoutMs)}`);
      }
      const text = await response.text().catch(() => '');
      if (response.status === 429 || response.status >= 500) {
        throw new NationalPortalUnavailableError(
          `${request.service}: the portal answered ${response.status}`,
        );
      }
      if (!response.ok) {
        throw new NationalPortalRejectedError(
          `${request.service}: the portal answered ${response.status} ${text.slice(0, MAX_DETAIL_LENGTH)}`.trim(),
        );
      }
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : {};
      } catch {
        // A gateway's error page rather than the portal's answer: try again later.
        throw new NationalPortalUnavailableError(`${request.service}: the answer is not JSON`);
      }
      const verdict = verdictOf(parsed);
      if (!verdict.accepted) {
        throw new NationalPortalRejectedError(
          `${request.service}: refused with error_code ${verdict.errorCode ?? '?'}${verdict.message ? `: ${verdict.message}` : ''}`,
        );
      }
      return {
        delivered: true,
        httpStatus: response.status,
        ...(verdict.errorCode === undefined ? {} : { errorCode: verdict.errorCode }),
      };
    },
  };
}
