/**
 * Which webhook URLs the platform will call (server-side request forgery rules). Pure: no I/O.
 *
 * Two checks, because a URL that looks public may resolve to a private address:
 * 1. When a subscription is created or changed, and again before each attempt, the URL itself:
 *    `https:` only, no credentials, no internal-looking host names, and no literal IP address in a
 *    private, loopback, link-local (169.254.169.254, the cloud metadata service), shared, multicast or
 *    reserved range (`checkWebhookUrl`).
 * 2. At send time, DNS-rebinding protection: the sender resolves the host itself and checks every
 *    address with `isForbiddenAddress` inside the socket's `lookup`, so the address that was checked is
 *    the address that is connected to (shared/subscriptions/safe-fetch.ts). Redirects are not followed.
 *
 * Loopback (`http://127.0.0.1:<port>`, `http://localhost:<port>`) is allowed only when the environment
 * sets `WEBHOOK_ALLOW_LOOPBACK=true`, which the local runtime and the tests do; deployed stacks never do.
 */
import { BlockList, isIP } from 'node:net';

export const ALLOW_LOOPBACK_ENV = 'WEBHOOK_ALLOW_LOOPBACK';
export const MAX_URL_LENGTH = 2048;

/** Reads the loopback switch (deployed: unset, so false). */
export const loopbackAllowed = (): boolean => process.env[ALLOW_LOOPBACK_ENV] === 'true';

export interface UrlRuleOptions {
  readonly allowLoopback: boolean;
}

export type UrlVerdict =
  | { readonly ok: true; readonly url: URL }
  | { readonly ok: false; readonly reason: string };

const forbiddenV4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['169.254.0.0', 16], // link-local, incl. the instance metadata service 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast
];
const forbiddenV6: readonly [string, number][] = [
  ['::', 128], // unspecified
  ['64:ff9b::', 96], // NAT64 of IPv4 addresses
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds IPv4)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

// BlockList matches IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) against the IPv4 rules.
const forbidden = new BlockList();
for (const [address, prefix] of forbiddenV4) forbidden.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of forbiddenV6) forbidden.addSubnet(address, prefix, 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && loopback.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** True for an address the sender must not connect to (loopback depends on the switch). */
export function isForbiddenAddress(address: string, options: UrlRuleOptions): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address at all
  if (isLoopbackAddress(address)) return !options.allowLoopback;
  return forbidden.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.']);
/** Suffixes of names that only exist inside a network. */
const INTERNAL_SUFFIXES = ['.localhost', '.local', '.internal', '.intranet', '.lan', '.home.arpa', '.corp'];

/** `[::1]` → `::1`; other host names unchanged (lowercase, as the URL parser leaves them). */
const bareHost = (hostname: string): string =>
  hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;

function refuse(reason: string): UrlVerdict {
  return { ok: false, reason };
}

/** Checks a webhook URL against the rules above; the reason is written for the API caller. */
export function checkWebhookUrl(raw: string, options: UrlRuleOptions): UrlVerdict {
  if (raw.length > MAX_URL_LENGTH) return refuse(`The URL must not exceed ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('Not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse('Use an https:// URL');
  if (url.username !== '' || url.password !== '') {
    return refuse('Credentials in the URL are not allowed; the signature authenticates the platform');
  }
  if (url.hash !== '') return refuse('A fragment (#…) is not allowed');
  const host = bareHost(url.hostname);
  if (host === '') return refuse('The URL needs a host');

  const isLoopbackHost = LOOPBACK_NAMES.has(host) || isLoopbackAddress(host);
  if (isLoopbackHost) {
    return options.allowLoopback
      ? { ok: true, url }
      : refuse('Loopback addresses are only allowed on the local runtime');
  }
  if (url.protocol !== 'https:')
    return refuse('Use an https:// URL (plain http is allowed only on loopback locally)');
  if (isIP(host) !== 0) {
    return isForbiddenAddress(host, options)
      ? refuse('The address is private, link-local or reserved; use a public address')
      : { ok: true, url };
  }
  if (
    !host.includes('.') ||
    INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix) || host === suffix.slice(1))
  ) {
    return refuse('The host looks internal; use a publicly resolvable name');
  }
  return { ok: true, url };
}
