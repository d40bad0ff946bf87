/**
 * File objects in the files bucket (keys: ./keys.ts): presigned uploads and downloads, and the reads
 * confirmation needs. The only module of shared/files that talks to S3.
 *
 * Presigned URLs are built by the SDK from its standard endpoint configuration, so they point where
 * the handler's S3 client points: in AWS at the regional S3 endpoint of the bucket
 * (`https://<bucket>.s3.<region>.amazonaws.com/…`); locally at s3rver (AWS_ENDPOINT_URL_S3, path
 * style, `http://127.0.0.1:<port>/<bucket>/…`).
 */
import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Client } from '../platform/aws-clients.ts';
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
  const command = new PutObjectCommand({
    Bucket: bucket(),
    Key: key,
    ContentType: declared.contentType,
    ContentLength: declared.size,
    ChecksumSHA256: declared.sha256,
  });
  const url = await getSignedUrl(s3Client(), command, {
    expiresIn,
    // Signed as headers (not hoisted into the query string), so the client must send them as declared.
    signableHeaders: new Set(['content-type', 'content-length']),
    unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
  });
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
  IfMatch: version.etag,
  ...(version.versionId ? { VersionId: version.versionId } : {}),
});

/** True when the object (or the version asked for) does not exist. */
export const isMissingObject = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'NotFound' || error.name === 'NoSuchKey' || error.name === 'NoSuchVersion');

/** HEAD of an object; undefined when it does not exist (not uploaded yet). */
export async function headObject(key: string): Promise<ObjectHead | undefined> {
  try {
    const head = await s3Client().send(
      new HeadObjectCommand({ Bucket: bucket(), Key: key, ChecksumMode: 'ENABLED' }),
    );
    return {
      size: head.ContentLength ?? 0,
      etag: head.ETag ?? '',
      ...(head.VersionId && head.VersionId !== 'null' ? { versionId: head.VersionId } : {}),
      ...(head.ChecksumSHA256 ? { sha256: head.ChecksumSHA256 } : {}),
    };
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw error;
  }
}

function asyncIterable(body: unknown): AsyncIterable<Uint8Array> {
  if (body && typeof body === 'object' && Symbol.asyncIterator in body)
    return body as AsyncIterable<Uint8Array>;
  throw new Error('The S3 response body is not a stream');
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
  const { Body } = await s3Client().send(
    new GetObjectCommand({ Bucket: bucket(), Key: key, ...pinned(version), Range: `bytes=${start}-${end}` }),
  );
  const chunks: Uint8Array[] = [];
  for await (const chunk of asyncIterable(Body)) chunks.push(chunk);
  // A backend that ignores Range sends the whole object: keep only what was asked for.
  return Buffer.concat(chunks).subarray(0, end - start + 1);
}

/** SHA-256 (base64) and length of one version of an object, streamed: memory stays flat. */
export async function digestObject(
  key: string,
  version: ObjectVersion,
): Promise<{ sha256: string; size: number }> {
  const { Body } = await s3Client().send(
    new GetObjectCommand({ Bucket: bucket(), Key: key, ...pinned(version) }),
  );
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of asyncIterable(Body)) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('base64'), size };
}

/** Copies the verified version of an upload to its permanent key; S3 stores the copy's SHA-256. */
export async function copyVerified(from: string, to: string, version: ObjectVersion): Promise<void> {
  const source = `${bucket()}/${from.split('/').map(encodeURIComponent).join('/')}`;
  await s3Client().send(
    new CopyObjectCommand({
      Bucket: bucket(),
      Key: to,
      CopySource: version.versionId ? `${source}?versionId=${encodeURIComponent(version.versionId)}` : source,
      CopySourceIfMatch: version.etag,
      MetadataDirective: 'COPY',
      ChecksumAlgorithm: 'SHA256',
    }),
  );
}

export async function deleteObject(key: string): Promise<void> {
  await s3Client().send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
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
  return getSignedUrl(
    s3Client(),
    new GetObjectCommand({
      Bucket: bucket(),
      Key: key,
      ResponseContentType: response.contentType,
      ResponseContentDisposition: response.contentDisposition,
    }),
    { expiresIn },
  );
}
