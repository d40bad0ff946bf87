/**
 * Use case: request an upload. Checks the declaration against the purpose's rules, decides the
 * file's agency, records a pending file and returns a presigned PUT for exactly the declared bytes.
 */
import { randomUUID } from 'node:crypto';
import { ancestorsOf } from '../agencies/directory.ts';
import type { AccessTarget, Principal } from '../http/auth.ts';
import { ForbiddenError, ValidationError } from '../http/errors.ts';
import type { ChangeContext } from '../platform/change.ts';
import type { FileRecord, RequestFileUpload, UploadTicket } from './file.ts';
import { incomingKeyOf, objectKeyOf } from './keys.ts';
import { createPendingFile } from './repository.ts';
import { CONFIRM_WINDOW_SECONDS, checkDeclaration, PURPOSE_RULES, UPLOAD_URL_TTL_SECONDS } from './rules.ts';
import { presignUpload } from './storage.ts';

export interface Caller {
  readonly principal: Principal;
  readonly authorize: (target: AccessTarget) => Promise<void>;
  readonly change: ChangeContext;
}

/** Staff act for their agency; everyone else (citizens) for themselves. */
const actsAsStaff = (principal: Principal): boolean =>
  principal.agencyCode !== undefined && principal.roles.some((role) => role !== 'citizen');

export async function requestUpload(request: RequestFileUpload, caller: Caller): Promise<UploadTicket> {
  const issues = checkDeclaration(request);
  if (issues.length > 0) throw new ValidationError(issues);

  const { principal } = caller;
  const staff = actsAsStaff(principal);
  if (!staff && !PURPOSE_RULES[request.purpose].citizensMayUpload) {
    throw new ForbiddenError(`Only agency staff upload ${request.purpose} files`);
  }
  const agencyCode = request.agencyCode ?? (staff ? principal.agencyCode : undefined);
  if (agencyCode === undefined) {
    throw new ValidationError([
      { path: 'body.agencyCode', message: 'Name the agency the file is for', code: 'required' },
    ]);
  }
  // Citizens (owner scope) may name any agency; staff (agency scope) only their own.
  await caller.authorize({ agencyCode, ownerSub: principal.sub });
  if ((await ancestorsOf(agencyCode)) === undefined) {
    throw new ValidationError([
      { path: 'body.agencyCode', message: `Agency ${agencyCode} does not exist`, code: 'agency_not_found' },
    ]);
  }

  const id = randomUUID();
  const created = new Date();
  const createdAt = created.toISOString();
  const file: FileRecord = {
    id,
    purpose: request.purpose,
    fileName: request.fileName,
    contentType: request.contentType,
    size: request.size,
    sha256: request.sha256,
    agencyCode,
    ownerSub: principal.sub,
    status: 'pending',
    confirmBy: new Date(created.getTime() + CONFIRM_WINDOW_SECONDS * 1000).toISOString(),
    version: 1,
    createdAt,
    updatedAt: createdAt,
  };
  const stored = {
    file,
    incomingKey: incomingKeyOf(agencyCode, created, id),
    objectKey: objectKeyOf(agencyCode, created, id),
  };
  const upload = await presignUpload(stored.incomingKey, file, UPLOAD_URL_TTL_SECONDS);
  await createPendingFile(stored, caller.change);
  return {
    id,
    upload: { method: 'PUT', ...upload },
    expiresAt: new Date(created.getTime() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString(),
    file,
  };
}
