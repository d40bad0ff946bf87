/** Application forms: the supported JSON Schema subset, and form validation messages. */
import { describe, expect, it } from 'vitest';
import { vinhPhucProcedures } from '#infra/provinces/vinh-phuc-procedures.ts';
import {
  FORM_SCHEMA_DRAFT,
  formSchemaIssues,
  MAX_FORM_SCHEMA_BYTES,
  validateForm,
} from '#shared/procedures/form.ts';

const closed = (properties: Record<string, unknown>, required: string[] = [], extra = {}) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
  ...extra,
});

const issuesOf = (schema: Record<string, unknown>) =>
  formSchemaIssues(schema).map(({ path, code }) => `${path} ${code}`);

describe('form schema subset', () => {
  it('accepts closed objects, arrays, local references, conditions and x- hints', () => {
    const schema = {
      $schema: FORM_SCHEMA_DRAFT,
      ...closed(
        {
          person: { $ref: '#/$defs/person', title: 'Người yêu cầu' },
          items: {
            type: 'array',
            items: { type: 'string', format: 'date' },
            minItems: 1,
            'x-widget': 'dates',
          },
          method: {
            type: 'string',
            oneOf: [
              { const: 'a', title: 'A' },
              { const: 'b', title: 'B' },
            ],
          },
          account: { type: 'string', pattern: '^[0-9]{6,20}$' },
        },
        ['person'],
        {
          $defs: { person: closed({ name: { type: 'string', minLength: 1 } }, ['name']) },
          if: { properties: { method: { const: 'b' } }, required: ['method'] },
          // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
          then: { required: ['account'] },
        },
      ),
    };
    expect(formSchemaIssues(schema)).toEqual([]);
  });

  it('requires an object at the top level with properties', () => {
    expect(issuesOf({ type: 'string' })).toEqual(['type invalid_type', 'properties required']);
  });

  it('requires every data object to be closed', () => {
    expect(issuesOf({ type: 'object', properties: { a: { type: 'string' } } })).toEqual([
      'additionalProperties open_object',
    ]);
    expect(issuesOf(closed({ nested: { type: 'object', properties: {} } }))).toEqual([
      'properties.nested.additionalProperties open_object',
    ]);
    expect(issuesOf(closed({ a: { type: 'string' } }, [], { additionalProperties: true }))).toEqual([
      'additionalProperties open_object',
    ]);
  });

  it('catches typos and unsupported keywords instead of ignoring them', () => {
    expect(issuesOf(closed({ a: { type: 'string', requried: true } }))).toEqual([
      'properties.a.requried unknown_keyword',
    ]);
    expect(issuesOf(closed({ a: { $defs: {} } }))).toEqual(['properties.a.$defs unknown_keyword']);
    expect(issuesOf(closed({ a: { type: 'text' } }))).toEqual(['properties.a.type invalid_value']);
    expect(issuesOf(closed({ a: { type: 'string', format: 'phone' } }))).toEqual([
      'properties.a.format invalid_value',
    ]);
    expect(issuesOf(closed({ a: { type: 'string', pattern: '([a-z' } }))).toEqual([
      'properties.a.pattern invalid_pattern',
    ]);
    expect(issuesOf(closed({ a: { type: 'string', minLength: -1 } }))).toEqual([
      'properties.a.minLength invalid_type',
    ]);
  });

  it('resolves only local references into $defs, and declared required properties', () => {
    expect(issuesOf(closed({ a: { $ref: 'https://example.com/schema.json' } }))).toEqual([
      'properties.a.$ref invalid_ref',
    ]);
    expect(issuesOf(closed({ a: { $ref: '#/$defs/missing' } }))).toEqual(['properties.a.$ref invalid_ref']);
    expect(issuesOf(closed({ a: { type: 'string' } }, ['b']))).toEqual(['required.0 unknown_property']);
  });

  it('accepts draft 2020-12 only, and bounded sizes', () => {
    expect(issuesOf(closed({}, [], { $schema: 'http://json-schema.org/draft-07/schema#' }))).toEqual([
      '$schema invalid_value',
    ]);
    const huge = closed({ a: { type: 'string', description: 'x'.repeat(MAX_FORM_SCHEMA_BYTES) } });
    expect(issuesOf(huge)).toEqual([' too_big']);
  });
});

describe('form validation', () => {
  const birth = vinhPhucProcedures.find((p) => p.code === '1.001193')!;
  const marriage = vinhPhucProcedures.find((p) => p.code === '1.000894')!;
  const allowance = vinhPhucProcedures.find((p) => p.code === 'VP-tro-cap-xa-hoi-hang-thang')!;

  const validBirth = {
    applicant: {
      fullName: 'Nguyễn Văn An',
      idNumber: '026090001234',
      residence: 'Phường Tích Sơn, TP Vĩnh Yên',
      relationship: 'Cha',
    },
    child: {
      fullName: 'Nguyễn Minh Khang',
      dateOfBirth: '2026-10-02',
      gender: 'nam',
      ethnicity: 'Kinh',
      nationality: 'Việt Nam',
      placeOfBirth: 'Bệnh viện Đa khoa tỉnh Vĩnh Phúc',
    },
    mother: { fullName: 'Trần Thị Bình', nationality: 'Việt Nam', birthYear: 1995 },
  };

  it('accepts a valid application', () => {
    expect(validateForm(birth, validBirth)).toEqual([]);
  });

  it('names each problem by its data path and Vietnamese title', () => {
    const issues = validateForm(birth, {
      ...validBirth,
      applicant: { ...validBirth.applicant, idNumber: '12345' },
      child: { ...validBirth.child, fullName: undefined, dateOfBirth: '2026-13-40', gender: 'khac' },
      mother: { ...validBirth.mother, birthYear: 'một chín chín lăm' },
      colour: 'đỏ',
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: 'body.form.applicant.idNumber',
          message: '"Số định danh cá nhân (CCCD)" does not match the expected format (^[0-9]{12}$)',
          code: 'invalid_format',
        },
        { path: 'body.form.child.fullName', message: '"Họ, chữ đệm và tên" is required', code: 'required' },
        {
          path: 'body.form.child.dateOfBirth',
          message: '"Ngày, tháng, năm sinh" must be a valid date',
          code: 'invalid_format',
        },
        {
          path: 'body.form.child.gender',
          message: '"Giới tính" must be one of "nam", "nu"',
          code: 'invalid_value',
        },
        {
          path: 'body.form.mother.birthYear',
          message: '"Năm sinh" must be of type integer',
          code: 'invalid_type',
        },
        {
          path: 'body.form.colour',
          message: '"colour" is not a field of this form',
          code: 'unrecognized_key',
        },
      ]),
    );
    // oneOf is reported once, not once per alternative.
    expect(issues.filter((issue) => issue.path === 'body.form.child.gender')).toHaveLength(1);
    expect(issues).toHaveLength(6);
  });

  it('follows $ref for paths and titles', () => {
    const person = {
      fullName: 'Lê Văn Cường',
      dateOfBirth: '1994-05-01',
      nationality: 'Việt Nam',
      residence: 'Xã Thanh Trù',
      idNumber: '026094001111',
    };
    expect(
      validateForm(marriage, { bride: { ...person, fullName: 'Phạm Thị Dung' }, groom: person }),
    ).toEqual([]);
    expect(validateForm(marriage, { bride: { ...person, marriageCount: 0 }, groom: person })).toEqual([
      {
        path: 'body.form.bride.marriageCount',
        message: '"Kết hôn lần thứ mấy" must be at least 1',
        code: 'too_small',
      },
    ]);
    expect(validateForm(marriage, { groom: person })).toEqual([
      { path: 'body.form.bride', message: '"Bên nữ" is required', code: 'required' },
    ]);
  });

  it('applies conditional requirements (if / then)', () => {
    const application = {
      beneficiary: {
        fullName: 'Hoàng Văn Tư',
        idNumber: '026045000777',
        residence: 'Xã Kim Long, huyện Tam Dương',
        dateOfBirth: '1945-02-03',
        gender: 'nam',
      },
      group: 'nguoi-cao-tuoi',
      paymentMethod: 'tai-khoan',
    };
    expect(validateForm(allowance, application).map((issue) => issue.path)).toEqual([
      'body.form.bankAccount',
      'body.form.bankName',
    ]);
    expect(validateForm(allowance, { ...application, paymentMethod: 'tien-mat' })).toEqual([]);
  });

  it('requires a JSON object, under the caller-chosen path', () => {
    expect(validateForm(birth, undefined)).toEqual([
      { path: 'body.form', message: 'The application form is required', code: 'required' },
    ]);
    expect(validateForm(birth, [1, 2], 'form')).toEqual([
      { path: 'form', message: 'The application form must be a JSON object', code: 'invalid_type' },
    ]);
  });

  it('does not alter the stored schema', () => {
    const before = JSON.stringify(birth.formSchema);
    validateForm(birth, validBirth);
    expect(JSON.stringify(birth.formSchema)).toBe(before);
    expect(Object.keys(birth.formSchema)).not.toContain('__absolute_uri__');
  });
});
