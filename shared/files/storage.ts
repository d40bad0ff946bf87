/**
 * File objects in the files bucket (keys: ./keys.ts): presigned uploads and downloads, and the reads
 * confirmation needs. The only module of shared/files that talks to S3.
 *
 * Presigned URLs are built from the SDK's standard endpoint configuration and signed as the SDK's
 * presigner signs them (shared/platform/s3.ts), so they point where the handler's S3 client points:
 * in AWS at the regional S3 endpoint of the bucket (`https://<bucket>.s3.<region>.amazonaws.com/…`);
 * locally at s3rver (AWS_ENDPOINT_URL_S3, path style, `http://127.0.0.1:<port>/<bucket>/…`).
 */
import { createHash } from 'node:crypto';
import { s3Client } from '../platform/aws-clients.ts';
import { readAll } from '../platform/aws-http.ts';
import { ENV, requireEnv } from '../platform/env.ts';

const bucket = (): string => requireEnv(ENV.filesBucket);

export interface SignedUpload {
  readonly url: string;
  readonly headers: Record<string, string>;
}

/**
 * A presigned PUT whose signature covers `Content-Type`, `Content-Length` and `x-amz-checksum-sha256`:
 * S3 refuses a body of any other length (the signature no longer matches) and any other bytes (the
 * checksum does not match, 400 BadDigest). `Content-Length` is not in `headers`: every HTTP client
 * (and every browser) sets it from the body.
 *
 * Why not a presigned POST with `content-length-range`: it bounds the size but not the bytes, and
 * s3rver ignores POST policies entirely (checked: a 1,000-byte file passes a [1, 5] range). s3rver
 * verifies neither SigV4 signatures nor checksums either, so locally confirmation is what refuses
 * other bytes (size, magic bytes and SHA-256 are all checked there, in every environment).
 */
export async function presignUpload(
  key: string,
  declared: { contentType: string; size: number; sha256: string },
  expiresIn: number,
): Promise<SignedUpload> {
  const url = await s3Client().presignPutObject(
    bucket(),
    key,
    { contentType: declared.contentType, contentLength: declared.size, checksumSha256: declared.sha256 },
    {
      expiresIn,
      // Signed as headers (not hoisted into the query string), so the client must send them as declared.
      signableHeaders: new Set(['content-type', 'content-length']),
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    },
  );
  return {
    url,
    headers: { 'content-type': declared.contentType, 'x-amz-checksum-sha256': declared.sha256 },
  };
}

/**
 * One version of an object: the reads and the copy of a confirmation all name the version that the
 * HEAD saw (VersionId in the versioned AWS bucket, If-Match on the ETag everywhere), so a second PUT
 * to the same presigned URL meanwhile cannot slip unchecked bytes in. s3rver has no versions and
 * ignores If-Match; in AWS the signed checksum already pins the bytes, this is a second lock.
 */
export interface ObjectVersion {
  readonly etag: string;
  readonly versionId?: string;
}

export interface ObjectHead extends ObjectVersion {
  readonly size: number;
  /** The SHA-256 S3 verified on upload (base64), when the backend stores checksums. */
  readonly sha256?: string;
}

const pinned = (version: ObjectVersion) => ({
  ifMatch: version.etag,
  ...(version.versionId ? { versionId: version.versionId } : {}),
});

/** True when the object (or the version asked for) does not exist. */
export const isMissingObject = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'NotFound' || error.name === 'NoSuchKey' || error.name === 'NoSuchVersion');

/** HEAD of an object; undefined when it does not exist (not uploaded yet). */
export async function headObject(key: string): Promise<ObjectHead | undefined> {
  try {
    const head = await s3Client().headObject(bucket(), key, { checksumMode: true });
    return {
      size: head.contentLength,
      etag: head.etag,
      ...(head.versionId && head.versionId !== 'null' ? { versionId: head.versionId } : {}),
      ...(head.checksumSha256 ? { sha256: head.checksumSha256 } : {}),
    };
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw error;
  }
}

/**
 * Bytes `start`..`end` (inclusive) of one version of an object. Explicit ranges only: s3rver
 * answers a suffix range (`bytes=-n`) with the first bytes.
 */
export async function readRange(
  key: string,
  version: ObjectVersion,
  start: number,
  end: number,
): Promise<Uint8Array> {
  const { body } = await s3Client().getObject(bucket(), key, {
    ...pinned(version),
    range: `bytes=${start}-${end}`,
  });
  // A backend that ignores Range sends the whole object: keep only what was asked for.
  return (await readAll(body)).subarray(0, end - start + 1);
}

/** SHA-256 (base64) and length of one version of an object, streamed: memory stays flat. */
export async function digestObject(
  key: string,
  version: ObjectVersion,
): Promise<{ sha256: string; size: number }> {
  const { body } = await s3Client().getObject(bucket(), key, pinned(version));
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('base64'), size };
}

/** Copies the verified version of an upload to its permanent key; S3 stores the copy's SHA-256. */
export async function copyVerified(from: string, to: string, version: ObjectVersion): Promise<void> {
  const source = `${bucket()}/${from.split('/').map(encodeURIComponent).join('/')}`;
  await s3Client().copyObject(bucket(), to, {
    copySource: version.versionId ? `${source}?versionId=${encodeURIComponent(version.versionId)}` : source,
    copySourceIfMatch: version.etag,
    metadataDirective: 'COPY',
    checksumAlgorithm: 'SHA256',
  });
}

export async function deleteObject(key: string): Promise<void> {
  await s3Client().deleteObject(bucket(), key);
}

/** True for S3's answer to a failed If-Match: the object changed since it was read. */
export const isPreconditionFailed = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'PreconditionFailed' || error.name === '412');

/** A presigned GET that downloads the object as an attachment with its original name and type. */
export async function presignDownload(
  key: string,
  response: { contentType: string; contentDisposition: string },
  expiresIn: number,
): Promise<string> {
  return s3Client().presignGetObject(bucket(), key, response, { expiresIn });
}
