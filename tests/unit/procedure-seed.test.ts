/** The demo province's procedure catalog: every entry valid, and the spread issue 5 asks for. */
import { describe, expect, it } from 'vitest';
import vinhPhuc from '#infra/provinces/vinh-phuc.ts';
import { vinhPhucProcedures } from '#infra/provinces/vinh-phuc-procedures.ts';
import { CreateProcedure, procedureIssues } from '#shared/procedures/procedure.ts';
import { resolveStepAgency, totalFees } from '#shared/procedures/workflow.ts';
import { ancestorsOf, levelOf } from '#tests/support/demo-tree.ts';

const receivers = (procedure: CreateProcedure) =>
  procedure.implementingAgencies ??
  vinhPhuc.agencies
    .filter((agency) => procedure.implementingLevels.includes(agency.level))
    .map((a) => a.code);
const isInterAgency = (procedure: CreateProcedure) =>
  procedure.workflow.some((step) => step.agency.kind !== 'receiving');

describe('Vĩnh Phúc procedure seed', () => {
  it.each(vinhPhucProcedures.map((procedure) => [procedure.code, procedure] as const))(
    '%s is a valid procedure',
    (_code, procedure) => {
      const parsed = CreateProcedure.safeParse(procedure);
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(procedureIssues(parsed.data!)).toEqual([]);
    },
  );

  it('has at least 10 procedures with unique codes', () => {
    expect(vinhPhucProcedures.length).toBeGreaterThanOrEqual(10);
    const codes = vinhPhucProcedures.map((procedure) => procedure.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('has at least 3 inter-agency procedures, commune → district and commune → district → department', () => {
    const interAgency = vinhPhucProcedures.filter(isInterAgency);
    expect(interAgency.length).toBeGreaterThanOrEqual(3);
    const fromCommune = interAgency.filter((procedure) => procedure.implementingLevels.includes('commune'));
    expect(fromCommune.length).toBeGreaterThanOrEqual(3);
    const climbs = (procedure: CreateProcedure, kinds: string[]) =>
      kinds.every((kind) =>
        procedure.workflow.some((step) =>
          kind === 'district'
            ? step.agency.kind === 'ancestor' && step.agency.level === 'district'
            : step.agency.kind === 'fixed' && levelOf(step.agency.agencyCode) === kind,
        ),
      );
    expect(fromCommune.some((procedure) => climbs(procedure, ['district']))).toBe(true);
    expect(fromCommune.some((procedure) => climbs(procedure, ['district', 'department']))).toBe(true);
  });

  it('has at least 3 procedures with fees, in integer VND', () => {
    const charged = vinhPhucProcedures.filter((procedure) => totalFees(procedure).total > 0);
    expect(charged.length).toBeGreaterThanOrEqual(3);
    for (const procedure of vinhPhucProcedures) {
      for (const fee of procedure.fees) expect(Number.isInteger(fee.amount), procedure.code).toBe(true);
    }
  });

  it('spreads over commune, district and department levels', () => {
    for (const level of ['commune', 'district', 'department']) {
      expect(
        vinhPhucProcedures.some((procedure) => procedure.implementingLevels.includes(level)),
        level,
      ).toBe(true);
    }
  });

  it('names only agencies and levels of the province', () => {
    for (const procedure of vinhPhucProcedures) {
      for (const level of procedure.implementingLevels)
        expect(vinhPhuc.levels, procedure.code).toContain(level);
      for (const code of procedure.implementingAgencies ?? []) {
        expect(procedure.implementingLevels, `${procedure.code} ${code}`).toContain(levelOf(code));
      }
      for (const step of procedure.workflow) {
        if (step.agency.kind === 'fixed')
          expect(levelOf(step.agency.agencyCode), procedure.code).toBeDefined();
        if (step.agency.kind === 'ancestor')
          expect(vinhPhuc.levels, procedure.code).toContain(step.agency.level);
      }
    }
  });

  it('places every step for every agency that may receive the procedure', () => {
    for (const procedure of vinhPhucProcedures) {
      const agencies = receivers(procedure);
      expect(agencies.length, procedure.code).toBeGreaterThan(0);
      for (const code of agencies) {
        const receiving = { code, ancestors: ancestorsOf(code) };
        for (const step of procedure.workflow) {
          expect(
            () => resolveStepAgency(step, receiving, levelOf),
            `${procedure.code} at ${code}`,
          ).not.toThrow();
        }
      }
    }
  });
});
