/** Dossier attachments: only confirmed uploads of the submitter; every agency of the workflow can read them. */
import { beforeAll, describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { pdf } from '#tests/support/file-fixtures.ts';
import { baseUrl, call, PROVINCE_ADMIN, tokenFor, unique } from '#tests/support/http.ts';
import { receiveStep, testProcedure } from '#tests/support/procedures.ts';
import { uploadFile } from '#tests/support/uploads.ts';

const procedureCode = `VP-test-dinh-kem-${unique()}`;

const submit = (attachments: { fileId: string; paper: string }[], as = 'citizen.an') =>
  call<{
    id: string;
    attachments: { fileId: string; fileName: string; size: number }[];
    errors?: { path: string; message: string }[];
  }>('POST', '/v1/dossiers', {
    as,
    body: {
      procedureCode,
      agencyCode: demoAgencies.tichSon,
      applicant: {
        kind: 'citizen',
        fullName: 'Nguyễn Văn An',
        identity: { idType: 'citizen-id', idNumber: '026090001234' },
      },
      form: {},
      attachments,
      delivery: { method: 'online' },
    },
  });

beforeAll(async () => {
  const created = await call('POST', '/v1/procedures', {
    as: PROVINCE_ADMIN,
    body: testProcedure({
      code: procedureCode,
      name: 'Thủ tục thử nghiệm có đính kèm',
      requiredPapers: [{ name: 'Bản sao giấy tờ', copies: 1, original: false }],
      formSchema: { type: 'object', properties: {}, additionalProperties: false },
      workflow: [
        receiveStep,
        {
          id: 'huyen',
          name: 'Huyện giải quyết',
          agency: { kind: 'ancestor', level: 'district' },
          role: 'leader',
          workingDays: 2,
        },
      ],
      resultDelivery: ['online'],
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
});

describe('dossier attachments', () => {
  it('accepts a confirmed upload and lets the next agency download it', async () => {
    const bytes = pdf('Bản sao sổ hộ khẩu', 2000);
    const fileId = await uploadFile(bytes, { as: 'citizen.an', agencyCode: demoAgencies.tichSon });
    const submitted = await submit([{ fileId, paper: 'Bản sao giấy tờ' }]);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.body.attachments[0]).toMatchObject({ fileId, size: bytes.length });

    for (const action of ['receive', 'forward']) {
      const moved = await call('POST', `/v1/dossiers/${submitted.body.id}/transitions`, {
        as: 'clerk.tichson',
        body: { action },
      });
      expect(moved.status).toBe(200);
    }
    // The district is outside the commune's tree for the file itself, but the dossier brings it there.
    const link = await call<{ url: string }>(
      'GET',
      `/v1/dossiers/${submitted.body.id}/attachments/${fileId}?redirect=false`,
      {
        as: 'leader.vinhyen',
      },
    );
    expect(link.status).toBe(200);
    expect(Buffer.from(await (await fetch(link.body.url)).arrayBuffer()).equals(bytes)).toBe(true);
    // Not for agencies outside the workflow.
    const outsider = await fetch(`${baseUrl()}/v1/dossiers/${submitted.body.id}/attachments/${fileId}`, {
      headers: { authorization: `Bearer ${await tokenFor('clerk.phucyen')}` },
      redirect: 'manual',
    });
    expect(outsider.status).toBe(404);
  });

  it('refuses unconfirmed uploads, other people’s files and unknown files, storing nothing', async () => {
    const pending = await uploadFile(pdf('chưa xác nhận'), {
      as: 'citizen.an',
      agencyCode: demoAgencies.tichSon,
      confirm: false,
    });
    const someoneElses = await uploadFile(pdf('của người khác'), {
      as: 'citizen.binh',
      agencyCode: demoAgencies.tichSon,
    });
    const refused = await submit([
      { fileId: pending, paper: 'A' },
      { fileId: someoneElses, paper: 'B' },
      { fileId: '5f0c9a52-1c1b-4d1e-8a0e-2d8e7c6b5a49', paper: 'C' },
    ]);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.map((error) => error.path)).toEqual([
      'body.attachments.0.fileId',
      'body.attachments.1.fileId',
      'body.attachments.2.fileId',
    ]);
    expect(refused.body.errors?.[0]?.message).toContain('pending');
    const mine = await call<{ items: { attachments: { fileId: string }[] }[] }>(
      'GET',
      '/v1/me/dossiers?limit=100',
      { as: 'citizen.an' },
    );
    expect(mine.body.items.some((dossier) => dossier.attachments.some((a) => a.fileId === pending))).toBe(
      false,
    );
  });
});
