/**
 * Pure workflow and fee rules of a procedure (no AWS): which agency holds a step for a dossier
 * received at a given agency, how long the workflow takes, and what the applicant pays.
 */
import { ConflictError } from '../http/errors.ts';
import type { FeeLine, Procedure, WorkflowStep } from './procedure.ts';

/** Sum of the steps' working days (half days are exact in binary floating point). */
export const workflowDays = (steps: readonly Pick<WorkflowStep, 'workingDays'>[]): number =>
  steps.reduce((sum, step) => sum + step.workingDays, 0);

/** The agency a dossier is received at: its code and its ancestors from the root down. */
export interface ReceivingAgency {
  readonly code: string;
  readonly ancestors: readonly string[];
}

/** A step that cannot be placed for this receiving agency: the procedure and the tree disagree (409). */
export class StepAgencyUnresolvedError extends ConflictError {
  constructor(step: WorkflowStep, receiving: ReceivingAgency, reason: string) {
    super(
      `Workflow step "${step.id}" (${step.name}) cannot be placed for a dossier received at ${receiving.code}: ${reason}`,
      {
        stepId: step.id,
        receivingAgency: receiving.code,
      },
    );
    this.name = 'StepAgencyUnresolvedError';
  }
}

/**
 * The agency that holds a step for a dossier received at `receiving`:
 * - `receiving`: the receiving agency itself;
 * - `ancestor`: the nearest ancestor at the step's level (a commune's district), per `levelOf`;
 * - `fixed`: the named agency.
 * Throws StepAgencyUnresolvedError when the receiving agency has no ancestor at that level.
 */
export function resolveStepAgency(
  step: WorkflowStep,
  receiving: ReceivingAgency,
  levelOf: (code: string) => string | undefined,
): string {
  const agency = step.agency;
  switch (agency.kind) {
    case 'receiving':
      return receiving.code;
    case 'fixed':
      return agency.agencyCode;
    case 'ancestor': {
      for (let i = receiving.ancestors.length - 1; i >= 0; i -= 1) {
        const code = receiving.ancestors[i]!;
        if (levelOf(code) === agency.level) return code;
      }
      const path = receiving.ancestors.length ? receiving.ancestors.join(' → ') : 'none (a root agency)';
      throw new StepAgencyUnresolvedError(
        step,
        receiving,
        `it has no ancestor at level "${agency.level}" (ancestors: ${path})`,
      );
    }
  }
}

export interface FeeTotals {
  /** Phí, integer VND. */
  readonly fee: number;
  /** Lệ phí, integer VND. */
  readonly charge: number;
  readonly total: number;
}

/**
 * What one application costs, by kind, counting each line once (one unit of a per-unit line such as
 * a page: the dossier multiplies by the quantity it declares).
 */
export function totalFees(
  procedure: { readonly fees: readonly FeeLine[] } | Pick<Procedure, 'fees'>,
): FeeTotals {
  let fee = 0;
  let charge = 0;
  for (const line of procedure.fees) {
    if (line.kind === 'fee') fee += line.amount;
    else charge += line.amount;
  }
  return { fee, charge, total: fee + charge };
}
