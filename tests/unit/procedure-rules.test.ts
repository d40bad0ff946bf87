/** Procedure catalog rules: schema and cross-field validation, fee totals, step agency resolution. */
import { describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { CreateProcedure, procedureIssues, UpdateProcedure } from '#shared/procedures/procedure.ts';
import {
  resolveStepAgency,
  StepAgencyUnresolvedError,
  totalFees,
  workflowDays,
} from '#shared/procedures/workflow.ts';
import { ancestorsOf, levelOf } from '#tests/support/demo-tree.ts';

const formSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['fullName'],
  properties: { fullName: { type: 'string', title: 'Họ và tên' } },
};

const base = (): CreateProcedure => ({
  code: 'VP-thu-nghiem',
  name: 'Thủ tục thử nghiệm',
  field: 'Hộ tịch',
  implementingLevels: ['commune'],
  onlineLevel: 'partial',
  processingDays: 3,
  fees: [],
  requiredPapers: [{ name: 'Tờ khai', copies: 1, original: true }],
  formSchema,
  workflow: [
    { id: 'tiep-nhan', name: 'Tiếp nhận', agency: { kind: 'receiving' }, role: 'clerk', workingDays: 0.5 },
    {
      id: 'tham-dinh',
      name: 'Thẩm định',
      agency: { kind: 'ancestor', level: 'district' },
      role: 'specialist',
      workingDays: 2,
    },
    {
      id: 'phe-duyet',
      name: 'Phê duyệt',
      agency: { kind: 'fixed', agencyCode: demoAgencies.justiceDepartment },
      role: 'leader',
      workingDays: 0.5,
    },
  ],
  resultDelivery: ['counter'],
});

const parseIssues = (value: unknown) => {
  const result = CreateProcedure.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('procedure schema', () => {
  it('accepts a complete procedure and normalises Vietnamese text to NFC', () => {
    const decomposed = 'Hộ tịch'.normalize('NFD');
    const parsed = CreateProcedure.parse({ ...base(), field: `  ${decomposed} ` });
    expect(parsed.field).toBe('Hộ tịch'.normalize('NFC'));
    expect(procedureIssues(parsed)).toEqual([]);
  });

  it.each([
    ['1.001193', true],
    ['2.000815', true],
    ['VP-cap-phep-quang-cao', true],
    ['DN-thu-tuc-2', true],
    ['1.00119', false],
    ['vp-thu-tuc', false],
    ['VP-Thu-Tuc', false],
    ['VP-', false],
    ['VP-thu--tuc', false],
  ])('procedure code %s valid: %s', (code, valid) => {
    expect(parseIssues({ ...base(), code }).includes('code')).toBe(!valid);
  });

  it('counts working days in half days', () => {
    const workflow = base().workflow.map((step, i) => (i === 1 ? { ...step, workingDays: 2.25 } : step));
    expect(parseIssues({ ...base(), workflow })).toEqual(['workflow.1.workingDays']);
    expect(parseIssues({ ...base(), processingDays: 0 })).toEqual(['processingDays']);
  });

  it('refuses unknown properties, steps held by citizens or auditors, fractional or negative VND', () => {
    expect(parseIssues({ ...base(), colour: 'red' })).toEqual(['']);
    const citizenStep = base().workflow.map((step, i) => (i === 0 ? { ...step, role: 'citizen' } : step));
    expect(parseIssues({ ...base(), workflow: citizenStep })).toEqual(['workflow.0.role']);
    const auditorStep = base().workflow.map((step, i) => (i === 0 ? { ...step, role: 'auditor' } : step));
    expect(parseIssues({ ...base(), workflow: auditorStep })).toEqual(['workflow.0.role']);
    for (const amount of [1500.5, -1]) {
      const fees = [{ code: 'le-phi', name: 'Lệ phí', kind: 'charge', amount }];
      expect(parseIssues({ ...base(), fees })).toEqual(['fees.0.amount']);
    }
    expect(parseIssues({ ...base(), workflow: [] })).toEqual(['workflow']);
    expect(parseIssues({ ...base(), implementingLevels: ['commune', 'commune'] })).toEqual([
      'implementingLevels',
    ]);
    expect(
      parseIssues({ ...base(), workflow: [{ ...base().workflow[0]!, agency: { kind: 'parent' } }] }),
    ).toEqual(['workflow.0.agency.kind']);
  });

  it('takes a change of at least one field, never the code', () => {
    expect(UpdateProcedure.safeParse({}).success).toBe(false);
    expect(UpdateProcedure.safeParse({ code: '1.001193' }).success).toBe(false);
    expect(UpdateProcedure.safeParse({ name: 'Tên mới', implementingAgencies: null }).success).toBe(true);
  });
});

describe('procedure rules', () => {
  const issuesOf = (patch: Partial<CreateProcedure>) =>
    procedureIssues({ ...base(), ...patch }).map(({ path, code }) => `${path} ${code}`);

  it('requires the processing time to equal the sum of the steps', () => {
    const [issue] = procedureIssues({ ...base(), processingDays: 5 });
    expect(issue).toMatchObject({ path: 'processingDays', code: 'processing_days_mismatch' });
    expect(issue?.message).toContain('(3)');
    expect(workflowDays([{ workingDays: 0.5 }, { workingDays: 9.5 }, { workingDays: 20 }])).toBe(30);
  });

  it('requires unique step ids and fee codes', () => {
    const workflow = base().workflow.map((step) => ({ ...step, id: 'buoc' }));
    expect(issuesOf({ workflow })).toEqual(['workflow.1.id duplicate', 'workflow.2.id duplicate']);
    const fee = { code: 'phi', name: 'Phí', kind: 'fee' as const, amount: 1000 };
    const paying = base().workflow.map((step, i) => (i === 0 ? { ...step, requiresPayment: true } : step));
    expect(issuesOf({ fees: [fee, fee], workflow: paying })).toEqual(['fees.1.code duplicate']);
  });

  it('refuses an ancestor step at a receiving level', () => {
    expect(issuesOf({ implementingLevels: ['commune', 'district'] })).toEqual([
      'workflow.1.agency.level invalid_ancestor_level',
    ]);
  });

  it('ties payment steps to fees', () => {
    const fee = { code: 'le-phi', name: 'Lệ phí', kind: 'charge' as const, amount: 50000 };
    expect(issuesOf({ fees: [fee] })).toEqual(['workflow payment_step_missing']);
    const paying = base().workflow.map((step, i) => (i === 0 ? { ...step, requiresPayment: true } : step));
    expect(issuesOf({ fees: [fee], workflow: paying })).toEqual([]);
    expect(issuesOf({ workflow: paying })).toEqual(['workflow payment_step_without_fees']);
  });

  it('reports form schema problems under formSchema', () => {
    expect(issuesOf({ formSchema: { ...formSchema, type: 'array' } })).toEqual([
      'formSchema.type invalid_type',
    ]);
  });
});

describe('fee totals', () => {
  it('adds fees (phí) and charges (lệ phí) apart, in integer VND', () => {
    expect(totalFees({ fees: [] })).toEqual({ fee: 0, charge: 0, total: 0 });
    expect(
      totalFees({
        fees: [
          { code: 'le-phi-cap-gcn', name: 'Lệ phí cấp GCN', kind: 'charge', amount: 100000 },
          { code: 'phi-tham-dinh', name: 'Phí thẩm định', kind: 'fee', amount: 300000 },
          { code: 'phi-trang', name: 'Phí chứng thực', kind: 'fee', amount: 2000, unit: 'trang' },
        ],
      }),
    ).toEqual({ fee: 302000, charge: 100000, total: 402000 });
  });
});

describe('resolveStepAgency on the Vĩnh Phúc tree', () => {
  const receivingAt = (code: string) => ({ code, ancestors: ancestorsOf(code) });
  const step = (agency: CreateProcedure['workflow'][number]['agency']) => ({
    id: 'buoc',
    name: 'Bước',
    agency,
    role: 'specialist' as const,
    workingDays: 1,
  });

  it('places a receiving step at the receiving agency', () => {
    expect(resolveStepAgency(step({ kind: 'receiving' }), receivingAt(demoAgencies.tichSon), levelOf)).toBe(
      demoAgencies.tichSon,
    );
  });

  it('climbs from a commune to its district and to the province', () => {
    const tichSon = receivingAt(demoAgencies.tichSon);
    expect(tichSon.ancestors).toEqual([demoAgencies.province, demoAgencies.vinhYen]);
    expect(resolveStepAgency(step({ kind: 'ancestor', level: 'district' }), tichSon, levelOf)).toBe(
      demoAgencies.vinhYen,
    );
    expect(resolveStepAgency(step({ kind: 'ancestor', level: 'province' }), tichSon, levelOf)).toBe(
      demoAgencies.province,
    );
    const trungTrac = receivingAt(demoAgencies.trungTrac);
    expect(resolveStepAgency(step({ kind: 'ancestor', level: 'district' }), trungTrac, levelOf)).toBe(
      demoAgencies.phucYen,
    );
  });

  it('places a fixed step at the named agency, wherever the dossier was received', () => {
    const fixed = step({ kind: 'fixed', agencyCode: demoAgencies.justiceDepartment });
    for (const code of [demoAgencies.tichSon, demoAgencies.vinhYen, '000.00.20.H62']) {
      expect(resolveStepAgency(fixed, receivingAt(code), levelOf)).toBe(demoAgencies.justiceDepartment);
    }
  });

  it('throws a clear 409 when the receiving agency has no ancestor at the level', () => {
    const toDistrict = step({ kind: 'ancestor', level: 'district' });
    const atDepartment = () =>
      resolveStepAgency(toDistrict, receivingAt(demoAgencies.justiceDepartment), levelOf);
    expect(atDepartment).toThrow(StepAgencyUnresolvedError);
    expect(atDepartment).toThrow(/no ancestor at level "district" \(ancestors: 000\.00\.00\.H62\)/);
    try {
      atDepartment();
    } catch (error) {
      expect((error as StepAgencyUnresolvedError).status).toBe(409);
      expect((error as StepAgencyUnresolvedError).extensions).toEqual({
        stepId: 'buoc',
        receivingAgency: demoAgencies.justiceDepartment,
      });
    }
    expect(() => resolveStepAgency(toDistrict, receivingAt(demoAgencies.province), levelOf)).toThrow(
      /none \(a root agency\)/,
    );
  });
});
