/**
 * Bundled in place of `pako` (the alias is in infra/cdk/bundling.ts): pdf-lib's core compresses the
 * streams it writes with `pako.deflate` (its parser inflates with its own decoder). Node's zlib gives
 * the same format (RFC 1950) without bundling a second implementation (45 KB minified).
 * tests/unit/pdf-lib-core.test.ts checks each direction against pako.
 */
import { deflateSync, inflateSync } from 'node:zlib';

const bytes = (input: Uint8Array | ArrayBuffer | string): Buffer =>
  typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input as Uint8Array);

export const deflate = (input: Uint8Array | ArrayBuffer | string): Uint8Array =>
  new Uint8Array(deflateSync(bytes(input)));

export const inflate = (input: Uint8Array | ArrayBuffer): Uint8Array =>
  new Uint8Array(inflateSync(bytes(input)));

export default { deflate, inflate };
