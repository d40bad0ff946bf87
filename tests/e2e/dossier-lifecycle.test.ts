/**
 * Issue 5 acceptance: an inter-agency dossier (commune → district) from online submission by a
 * citizen to result returned, with a supplement pause and a late extension, received just before
 * Tết 2027. The domain clock is moved between steps; due dates are checked against a hand-computed
 * calendar, the history and the events emitted are checked too.
 *
 * Calendar by hand (Vietnam time): Tết 2027 day 1 is Sat 6 Feb; the default Tết days are Thu 4 –
 * Mon 8 Feb, and Sat 6 / Sun 7 fall on a weekend, so Tue 9 and Wed 10 Feb are compensatory days off.
 * Working days after Mon 25 Jan: 26, 27, 28, 29 Jan, 1, 2, 3 Feb, then 11, 12, 15, 16, 17, 18, 19 Feb.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { outboxRecordsBetween } from '#shared/events/replay.ts';
import { setClock } from '#shared/platform/clock.ts';
import { type OwnPlatform, startOwnPlatform } from '#tests/support/own-platform.ts';
import { receiveStep, testProcedure } from '#tests/support/procedures.ts';

const ict = (local: string) => new Date(`${local}+07:00`);

type Dossier = {
  id: string;
  code: string | null;
  status: string;
  dueAt?: string;
  currentAgency: string;
  stepIndex: number;
  outcome?: string;
};
type Detail = {
  dossier: Dossier;
  history: { action: string; toStatus: string; by: { username: string } }[];
  letters: { kind: string; text: string; newDueAt: string }[];
  allowedActions: string[];
};

let platform: OwnPlatform;
const procedureCode = `VP-test-lien-thong-${Date.now().toString(36)}`;

beforeAll(async () => {
  platform = await startOwnPlatform({ prefix: 'dossier-e2e' });
  setClock(ict('2027-01-20T09:00:00'), { frozen: true });
  const created = await platform.call('POST', '/v1/procedures', {
    as: 'admin.province',
    body: testProcedure({
      code: procedureCode,
      name: 'Thủ tục liên thông thử nghiệm (xã → huyện)',
      requiredPapers: [{ name: 'Đơn đề nghị', copies: 1, original: true }],
      workflow: [
        receiveStep,
        {
          id: 'tham-tra',
          name: 'UBND xã thẩm tra',
          agency: { kind: 'receiving' },
          role: 'specialist',
          workingDays: 3,
        },
        {
          id: 'phe-duyet',
          name: 'UBND huyện phê duyệt',
          agency: { kind: 'ancestor', level: 'district' },
          role: 'leader',
          workingDays: 7,
        },
      ],
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

describe('an inter-agency dossier across Tết', () => {
  it('goes from online submission to result returned, with the due dates of the calendar', async () => {
    const act = async (id: string, as: string, body: Record<string, unknown>) => {
      const response = await platform.call<Dossier>('POST', `/v1/dossiers/${id}/transitions`, { as, body });
      expect(response.status, `${body.action}: ${JSON.stringify(response.body)}`).toBe(200);
      return response.body;
    };

    // Mon 25 Jan 2027, 09:00: a citizen submits online to the commune of Tích Sơn.
    setClock(ict('2027-01-25T08:30:00'), { frozen: true });
    const submitted = await platform.call<Dossier>('POST', '/v1/dossiers', {
      as: 'citizen.an',
      body: {
        procedureCode,
        agencyCode: demoAgencies.tichSon,
        applicant: {
          kind: 'citizen',
          fullName: 'Nguyễn Văn An',
          identity: { idType: 'citizen-id', idNumber: '026090001234' },
        },
        form: { reason: 'Đề nghị xác nhận' },
        delivery: { method: 'online' },
      },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const id = submitted.body.id;

    // The clerk receives it at 09:00: number issued; 10 working days → Mon 15 Feb 09:00 (Tết skipped).
    setClock(ict('2027-01-25T09:00:00'), { frozen: true });
    const received = await act(id, 'clerk.tichson', { action: 'receive' });
    expect(received.code).toMatch(/^000\.01\.21\.H62-270125-\d{4}$/);
    expect(received.dueAt).toBe(ict('2027-02-15T09:00:00').toISOString());

    // Tue 26 Jan 09:00 → Thu 28 Jan 09:00 waiting for papers: 2 working days paused → Wed 17 Feb 09:00.
    await act(id, 'clerk.tichson', { action: 'forward' });
    setClock(ict('2027-01-26T09:00:00'), { frozen: true });
    const paused = await act(id, 'clerk.tichson', {
      action: 'request-supplement',
      note: 'Bổ sung bản sao sổ hộ khẩu',
    });
    expect(paused.status).toBe('awaiting-supplement');
    setClock(ict('2027-01-28T09:00:00'), { frozen: true });
    const resumed = await act(id, 'citizen.an', { action: 'supplement' });
    expect(resumed.status).toBe('processing');
    expect(resumed.dueAt).toBe(ict('2027-02-17T09:00:00').toISOString());

    // The commune forwards to the district (liên thông).
    const atDistrict = await act(id, 'clerk.tichson', { action: 'forward' });
    expect(atDistrict.currentAgency).toBe(demoAgencies.vinhYen);
    expect(atDistrict.stepIndex).toBe(2);
    // The commune can no longer act on it; the district can.
    const notHere = await platform.call('POST', `/v1/dossiers/${id}/transitions`, {
      as: 'clerk.tichson',
      body: { action: 'forward' },
    });
    expect(notHere.status).toBe(403);

    // Wed 17 Feb 10:00, already late: the district leader extends by 2 days → Fri 19 Feb 09:00, apology letter.
    setClock(ict('2027-02-17T10:00:00'), { frozen: true });
    const extended = await act(id, 'leader.vinhyen', {
      action: 'extend',
      days: 2,
      note: 'Cần xác minh thực địa',
    });
    expect(extended.dueAt).toBe(ict('2027-02-19T09:00:00').toISOString());

    // Thu 18 Feb: approved at the district, released and returned at the commune counter: early.
    setClock(ict('2027-02-18T10:00:00'), { frozen: true });
    await act(id, 'leader.vinhyen', { action: 'approve' });
    await act(id, 'clerk.tichson', { action: 'release' });
    setClock(ict('2027-02-18T15:00:00'), { frozen: true });
    const returned = await act(id, 'clerk.tichson', { action: 'return' });
    expect(returned).toMatchObject({ status: 'returned', outcome: 'early' });

    // History, letters and allowed actions, as the citizen sees them.
    const detail = await platform.call<Detail>('GET', `/v1/dossiers/${id}`, { as: 'citizen.an' });
    expect(detail.status).toBe(200);
    expect(detail.body.history.map((entry) => entry.action)).toEqual([
      'submit',
      'receive',
      'forward',
      'request-supplement',
      'supplement',
      'forward',
      'extend',
      'approve',
      'release',
      'return',
    ]);
    expect(detail.body.letters).toHaveLength(1);
    expect(detail.body.letters[0]).toMatchObject({
      kind: 'apology-letter',
      newDueAt: ict('2027-02-19T09:00:00').toISOString(),
    });
    expect(detail.body.letters[0]!.text).toContain('Cần xác minh thực địa');
    expect(detail.body.allowedActions).toEqual([]);

    // Events emitted, one per change, in the outbox the publisher reads.
    await platform.events.drain();
    const events = (
      await outboxRecordsBetween(ict('2027-01-25T00:00:00'), ict('2027-02-19T00:00:00'))
    ).filter((record) => (JSON.parse(record.detail) as { entity: { id: string } }).entity.id === id);
    expect(events.map((record) => record.detailType)).toEqual([
      'DossierSubmitted',
      ...Array(9).fill('DossierStatusChanged'),
    ]);
    const last = JSON.parse(events.at(-1)!.detail) as { recipients: string[]; data: { action: string } };
    expect(last.data.action).toBe('return');
    expect(last.recipients.sort()).toEqual([demoAgencies.vinhYen, demoAgencies.tichSon].sort());

    // The applicant can follow it publicly with the number and their ID number only.
    const lookup = await platform.call<{ status: string }>(
      'GET',
      `/v1/public/dossiers/${returned.code}?idNumber=026090001234`,
    );
    expect(lookup.status).toBe(200);
    expect(lookup.body.status).toBe('returned');
    expect(JSON.stringify(lookup.body)).not.toContain('Nguyễn');
    expect(
      (await platform.call('GET', `/v1/public/dossiers/${returned.code}?idNumber=026090009999`)).status,
    ).toBe(404);
  }, 120_000);
});
