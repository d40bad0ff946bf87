import * as z from 'zod/mini';
import { Actor } from '#events/envelope.ts';

export const AuditRecordSchema = z
  .object({
    chain: z.string(),
    seq: z.number(),
    at: z.string(),
    actor: Actor,
    action: z.string(),
    entity: z.object({ type: z.string(), id: z.string() }),
    beforeDigest: z.nullable(z.string()),
    afterDigest: z.nullable(z.string()),
    changed: z.array(z.string()),
    requestId: z.string(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .register(z.globalRegistry, {
    id: 'AuditRecord',
    description:
      'One link of an agency hash chain: hash = SHA-256 of the RFC 8785 canonical JSON of every other field.',
  });
