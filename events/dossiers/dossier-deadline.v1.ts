/**
 * Deadline events of dossiers (v1), emitted by the hourly deadline job (shared/dossiers/deadline-job.ts)
 * once per dossier and appointment date: due within a working day, then overdue. Recipients: the
 * agencies of the dossier's workflow so far.
 */
import * as z from 'zod/mini';
import { defineEvent } from '../envelope.ts';
import { DossierSummary, envelopeExample, summaryExample } from './dossier-events.v1.ts';

const systemActor = { type: 'system' as const, name: 'dossier-deadlines' };

export const DossierDueSoonV1 = defineEvent({
  source: 'vnpp.dossiers',
  detailType: 'DossierDueSoon',
  version: 1,
  description:
    'An open dossier is due within one working day (sắp đến hạn). Once per appointment date. ' +
    'Recipients: every agency of its workflow so far.',
  data: z.object({
    dossier: DossierSummary,
    /** The appointment date (ngày hẹn trả) that is near. */
    dueAt: z.string(),
  }),
  example: {
    ...envelopeExample,
    correlationId: 'dossier-deadlines:2026-11-26T09:00:00.000Z',
    actor: systemActor,
    data: { dossier: summaryExample, dueAt: summaryExample.dueAt },
  },
});

export const DossierOverdueV1 = defineEvent({
  source: 'vnpp.dossiers',
  detailType: 'DossierOverdue',
  version: 1,
  description:
    'An open dossier passed its appointment date (quá hạn). Once per appointment date; a draft apology ' +
    'letter (thư xin lỗi) is recorded with it. Recipients: every agency of its workflow so far.',
  data: z.object({
    dossier: DossierSummary,
    /** The appointment date that was missed. */
    dueAt: z.string(),
    /** The draft apology letter recorded on the dossier (GET /v1/dossiers/{id}, `letters`). */
    apologyLetterId: z.string(),
  }),
  example: {
    ...envelopeExample,
    correlationId: 'dossier-deadlines:2026-11-27T11:00:00.000Z',
    actor: systemActor,
    data: {
      dossier: summaryExample,
      dueAt: summaryExample.dueAt,
      apologyLetterId: 'LETTER#2026-11-27T11:00:00.000Z',
    },
  },
});
