/**
 * The sender's HTTP client: a minimal `fetch`-shaped POST over node:http/https that refuses to
 * connect to private, link-local or reserved addresses (shared/subscriptions/url-rules.ts).
 *
 * DNS-rebinding protection: the host name is resolved by the socket's own `lookup`, which checks every
 * address it returns before the connection uses it. Checking first and letting `fetch` resolve again
 * would leave a window in which a hostile DNS server answers a public address to the check and
 * 169.254.169.254 to the connection; here the checked address is the connected address. Literal IP
 * hosts never reach `lookup`, so the URL rules are applied again before each request. Redirects are
 * never followed (a 3xx is a failed attempt) and the response body is discarded unread.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkWebhookUrl, isForbiddenAddress, loopbackAllowed } from './url-rules.ts';

export interface WebhookRequestInit {
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly signal: AbortSignal;
  readonly redirect: 'manual';
}

export interface WebhookResponse {
  readonly status: number;
  /** Present on a WHATWG Response; cancelled unread by the sender. */
  readonly body?: ReadableStream<Uint8Array> | null;
}

/** What the sender needs of `fetch`; the global `fetch` fits (tests may pass it, or a fake). */
export type WebhookFetch = (url: string, init: WebhookRequestInit) => Promise<WebhookResponse>;

export class AddressRefusedError extends Error {
  override name = 'AddressRefusedError';
}

/** A `lookup` for sockets that fails when the name resolves to any forbidden address. */
export function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const refused = addresses.find((entry) => isForbiddenAddress(entry.address, { allowLoopback }));
      if (refused || addresses.length === 0) {
        return callback(
          new AddressRefusedError(`${hostname} resolves to an address webhooks may not reach`),
          '',
          4,
        );
      }
      if (options.all) return (callback as (e: null, all: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      return callback(null, first.address, first.family);
    });
  };
}

/** POSTs a webhook; resolves with the status once the response headers arrive. */
export const safeFetch: WebhookFetch = (url, init) => {
  const allowLoopback = loopbackAllowed();
  const verdict = checkWebhookUrl(url, { allowLoopback });
  if (!verdict.ok) return Promise.reject(new AddressRefusedError(verdict.reason));
  const target = verdict.url;
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<WebhookResponse>((resolve, reject) => {
    const outgoing = request(
      target,
      {
        method: init.method,
        headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body, 'utf8')) },
        signal: init.signal,
        lookup: guardedLookup(allowLoopback),
      },
      (response: IncomingMessage) => {
        response.resume(); // discard the body
        resolve({ status: response.statusCode ?? 0 });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(init.body, 'utf8');
  });
};
