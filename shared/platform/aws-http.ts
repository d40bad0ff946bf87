/**
 * What our small AWS clients (./s3.ts, ./kms.ts) have in common, so that each of them says only what
 * its service's protocol needs (issue 10: the SDK's own clients weigh 27 KB minified for KMS, 165 KB
 * for S3 and its presigner, per function). Built on the SDK primitives every Lambda bundle carries
 * anyway for DynamoDB, and configured as the SDK's clients are:
 * - the endpoint from the SDK's standard configuration (AWS_ENDPOINT_URL_<SERVICE>, then
 *   AWS_ENDPOINT_URL, or `endpoint_url` in the shared config file, its `services` section first;
 *   none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is `true`), else the regional AWS endpoint; the
 *   region from AWS_REGION or the shared config file; the default credential chain (in Lambda bundles
 *   aliased to ./lambda-credentials.ts); AWS_MAX_ATTEMPTS or `max_attempts`, default 3;
 * - requests signed with SigV4 (@smithy/signature-v4) and sent by the keep-alive NodeHttpHandler;
 * - retries by the SDK's StandardRetryStrategy, errors classified as its retry middleware does
 *   (throttling, transient: 500/502/503/504, timeouts and dropped connections; other 5xx; the rest
 *   are the caller's and not retried), jittered backoff, shared retry quota; the error that ends the
 *   call carries `$metadata.attempts` and `totalRetryDelay`;
 * - errors named as the SDK names its exceptions, with `$fault` and `$metadata.httpStatusCode`;
 * - `middlewareStack.add` with the SDK's middleware shape, for the test hook of aws-clients.ts
 *   (setAwsClientHook): a middleware at the `initialize` step wraps a call once, outside retries;
 *   at any later step it wraps each attempt, before signing. No middleware, no cost.
 * Not supported (not used here): FIPS or dual-stack endpoints, the ISO partitions' DNS suffixes,
 * clock-skew correction, the adaptive retry mode.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';
import type { HttpRequest } from '@smithy/core/protocols';
import {
  isServerError,
  isThrottlingError,
  isTransientError,
  NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
  StandardRetryStrategy,
} from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  HttpResponse,
  RetryErrorType,
} from '@smithy/types';

/** The HTTP transport: NodeHttpHandler by default; a test may pass one that records requests. */
export interface AwsRequestHandler {
  handle(request: HttpRequest, options?: { abortSignal?: AbortSignal }): Promise<{ response: HttpResponse }>;
}

export interface AwsClientOptions {
  /** Default: AWS_REGION, or `region` in the shared config file. */
  readonly region?: string;
  /** Default: the SDK's default credential chain. */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Default: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL or the shared config file; else AWS's regional endpoint. */
  readonly endpoint?: string;
  /** Default: AWS_MAX_ATTEMPTS or `max_attempts` in the shared config file, else 3 (the SDK's). */
  readonly maxAttempts?: number;
  readonly requestHandler?: AwsRequestHandler;
}

/** The SDK's `$metadata`, as far as it is filled here. */
export interface AwsMetadata {
  httpStatusCode?: number;
  requestId?: string;
  extendedRequestId?: string;
  attempts?: number;
  totalRetryDelay?: number;
}

/** An error answer of an AWS service: `name` is the service's error code, as the SDK names its exceptions. */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: AwsMetadata;

  constructor(code: string, message: string, metadata: AwsMetadata) {
    super(message);
    this.name = code;
    this.$metadata = metadata;
    this.$fault = (metadata.httpStatusCode ?? 500) < 500 ? 'client' : 'server';
  }
}

export type Handler<Input, Output> = (args: { input: Input }) => Promise<Output>;
/** The SDK's middleware shape, as far as the test hook needs it. */
export type Middleware<Input, Output> = (
  next: Handler<Input, Output>,
  context: { readonly clientName: string; readonly commandName: string },
) => Handler<Input, Output>;
export type MiddlewareStep = 'initialize' | 'serialize' | 'build' | 'finalizeRequest' | 'deserialize';

export interface Endpoint {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  /** Path of a custom endpoint, without a trailing slash (usually ''). */
  readonly basePath: string;
  readonly custom: boolean;
}

/** What a client is to the SDK's configuration and to SigV4. */
export interface AwsService {
  /** The SDK's service id, as in AWS_ENDPOINT_URL_<ID> (`S3`, `KMS`). */
  readonly id: string;
  /** The SDK's client name (`S3Client`): middleware sees it, fault statistics are labelled with it. */
  readonly clientName: string;
  /** SigV4 signing name, which is also the endpoint's first label (`s3`, `kms`). */
  readonly signingName: string;
  /** Escape the path once more when signing (every service but S3). */
  readonly uriEscapePath: boolean;
}

/** `AWS_ENDPOINT_URL_<ID>`, then `AWS_ENDPOINT_URL`, then the shared config file (the SDK's selectors). */
const configuredEndpoint = (serviceId: string): Promise<string | undefined> =>
  loadConfig<string | undefined>({
    environmentVariableSelector: (env) =>
      env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true'
        ? undefined
        : env[`AWS_ENDPOINT_URL_${serviceId}`] || env.AWS_ENDPOINT_URL || undefined,
    configFileSelector: (profile, config) => {
      if (profile.ignore_configured_endpoint_urls === 'true') return undefined;
      const services = profile.services ? config?.[`services.${profile.services}`] : undefined;
      return services?.[`${serviceId.toLowerCase()}.endpoint_url`] ?? profile.endpoint_url ?? undefined;
    },
    default: undefined,
  })();

/** All of a (small) body. */
export async function readAll(body: AsyncIterable<Uint8Array> | undefined): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  if (body) for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** As the SDK's retry middleware classifies an error for its retry strategy. */
export function retryErrorType(error: Error): RetryErrorType {
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(sdkError)) return 'THROTTLING';
  if (isTransientError(sdkError)) return 'TRANSIENT';
  if (isServerError(sdkError)) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}

/**
 * The machinery of a client: configuration, signing, transport, retries and middleware. A client
 * builds an unsigned request per attempt and reads the answer (`attempt` of `invoke`).
 */
export abstract class AwsHttpClient<Input, Output> {
  protected readonly region: () => Promise<string>;
  /** Signs each attempt (`exchange`); S3 presigns with it too. */
  protected readonly signer: SignatureV4;
  private readonly handler: AwsRequestHandler;
  private readonly retries: StandardRetryStrategy;
  private readonly endpointOption: string | undefined;
  private endpoint?: Promise<Endpoint>;
  private readonly initialize: Middleware<Input, Output>[] = [];
  private readonly perAttempt: Middleware<Input, Output>[] = [];

  /** The SDK client's `middlewareStack.add`, for the test hook (see the module comment). */
  readonly middlewareStack = {
    add: (
      middleware: Middleware<Input, Output>,
      options: { step: MiddlewareStep; priority?: string; name?: string },
    ) => {
      (options.step === 'initialize' ? this.initialize : this.perAttempt).push(middleware);
    },
  };

  constructor(
    private readonly service: AwsService,
    options: AwsClientOptions,
  ) {
    const region = options.region;
    this.region = region
      ? async () => region
      : loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS);
    this.signer = new SignatureV4({
      service: service.signingName,
      region: this.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Sha256,
      uriEscapePath: service.uriEscapePath,
      applyChecksum: true,
    });
    this.handler = options.requestHandler ?? new NodeHttpHandler();
    const maxAttempts = options.maxAttempts;
    this.retries = new StandardRetryStrategy(
      maxAttempts ? async () => maxAttempts : loadConfig(NODE_MAX_ATTEMPT_CONFIG_OPTIONS),
    );
    this.endpointOption = options.endpoint;
  }

  /** The configured endpoint, else `https://<signing name>.<region>.<DNS suffix>`; looked up once. */
  protected resolveEndpoint(): Promise<Endpoint> {
    this.endpoint ??= (async () => {
      const configured = this.endpointOption ?? (await configuredEndpoint(this.service.id));
      if (configured) {
        const url = new URL(configured);
        return {
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port ? { port: Number(url.port) } : {}),
          basePath: url.pathname.replace(/\/+$/, ''),
          custom: true,
        };
      }
      const region = await this.region();
      const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
      return {
        protocol: 'https:',
        hostname: `${this.service.signingName}.${region}.${suffix}`,
        basePath: '',
        custom: false,
      };
    })();
    // A failed lookup is not cached.
    this.endpoint.catch(() => {
      this.endpoint = undefined;
    });
    return this.endpoint;
  }

  /** Signs a request and sends it: one attempt's exchange. */
  protected async exchange(
    request: HttpRequest,
    abortSignal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    const signed = await this.signer.sign(request);
    const { response } = await this.handler.handle(signed as HttpRequest, abortSignal ? { abortSignal } : {});
    return response;
  }

  /**
   * Sends a call (`operation` is the SDK's operation name, `GetObject`): middleware, then attempts
   * until one succeeds or the retry strategy gives up.
   */
  protected invoke(
    operation: string,
    input: Input,
    attempt: (input: Input) => Promise<Output>,
    abortSignal?: AbortSignal,
  ): Promise<Output> {
    const context = { clientName: this.service.clientName, commandName: `${operation}Command` };
    const wrap = (middleware: Middleware<Input, Output>[], handler: Handler<Input, Output>) =>
      middleware.reduceRight<Handler<Input, Output>>((next, layer) => layer(next, context), handler);
    const attempts = wrap(this.perAttempt, (args) => attempt(args.input));
    const withRetries: Handler<Input, Output> = async (args) => {
      let token = await this.retries.acquireInitialRetryToken('');
      let totalRetryDelay = 0;
      while (true) {
        try {
          const output = await attempts(args);
          this.retries.recordSuccess(token);
          return output;
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          if (abortSignal?.aborted) throw failure;
          try {
            token = await this.retries.refreshRetryTokenForRetry(token, {
              errorType: retryErrorType(failure),
              error: failure as Parameters<typeof isThrottlingError>[0],
            });
            totalRetryDelay +=
              (token as { $retryLog?: { acquisitionDelay?: number } }).$retryLog?.acquisitionDelay ?? 0;
          } catch {
            const withMetadata = failure as { $metadata?: AwsMetadata };
            withMetadata.$metadata ??= {};
            const metadata = withMetadata.$metadata;
            metadata.attempts = token.getRetryCount() + 1;
            metadata.totalRetryDelay = totalRetryDelay;
            throw failure;
          }
        }
      }
    };
    return wrap(this.initialize, withRetries)({ input });
  }
}
