/** A small procedure for dossier tests: a commune procedure with a one-field form, received then decided. */

export const REASON_FORM = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  title: 'Đơn đề nghị',
  properties: { reason: { type: 'string', title: 'Lý do', minLength: 3, maxLength: 500 } },
  required: ['reason'],
  additionalProperties: false,
};

export interface TestStep {
  id: string;
  name: string;
  agency: { kind: 'receiving' } | { kind: 'ancestor'; level: string } | { kind: 'fixed'; agencyCode: string };
  role: string;
  workingDays: number;
  requiresPayment?: boolean;
}

export const receiveStep: TestStep = {
  id: 'tiep-nhan',
  name: 'Tiếp nhận',
  agency: { kind: 'receiving' },
  role: 'clerk',
  workingDays: 0,
};

/** The body of POST /v1/procedures; `processingDays` follows the workflow unless given. */
export function testProcedure(
  fields: { code: string; name: string; workflow?: TestStep[] } & Record<string, unknown>,
) {
  const workflow = fields.workflow ?? [
    receiveStep,
    { id: 'xu-ly', name: 'Xử lý và ký', agency: { kind: 'receiving' }, role: 'leader', workingDays: 2 },
  ];
  return {
    field: 'Thử nghiệm',
    implementingLevels: ['commune'],
    onlineLevel: 'full-process',
    fees: [],
    requiredPapers: [],
    formSchema: REASON_FORM,
    resultDelivery: ['counter', 'online'],
    processingDays: workflow.reduce((sum, step) => sum + step.workingDays, 0),
    ...fields,
    workflow,
  };
}
