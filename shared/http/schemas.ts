/** Schemas shared by many routes: problem details, common path params. */
import * as z from 'zod/mini';
import { PROBLEM_TYPES, problemTypeUri } from './errors.ts';

export const Problem = z
  .object({
    type: z.enum(
      Object.keys(PROBLEM_TYPES).map((slug) => problemTypeUri(slug as keyof typeof PROBLEM_TYPES)),
    ),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string(),
    errors: z.optional(z.array(z.object({ path: z.string(), message: z.string(), code: z.string() }))),
  })
  .register(z.globalRegistry, {
    id: 'Problem',
    description: 'RFC 9457 problem details. `type` is stable per kind of error; `errors` lists field issues.',
  });
