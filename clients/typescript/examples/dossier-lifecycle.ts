/**
 * Worked example: a citizen submits a dossier and the ward's staff carry it to the returned result,
 * with the typed client. Run it against a local platform (`npm start` in the platform repository):
 *
 *   npx tsx clients/typescript/examples/dossier-lifecycle.ts http://localhost:3000
 *
 * Tokens come from the local issuer here; a real front-end uses its users' Cognito ID tokens.
 */
import { createPlatformClient, type Schema, unwrap } from '../src/index.ts';

/** A demo user's token from the local runtime's issuer (never deployed). */
export async function localToken(baseUrl: string, username: string): Promise<string> {
  const response = await fetch(`${baseUrl}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) throw new Error(`token for ${username}: HTTP ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

export async function runDossierLifecycle(baseUrl: string, log: (line: string) => void = console.log) {
  const as = async (username: string) =>
    createPlatformClient({ baseUrl, token: await localToken(baseUrl, username) });
  const citizen = await as('citizen.an');
  const clerk = await as('clerk.tichson');
  const specialist = await as('specialist.tichson');
  const leader = await as('leader.tichson');

  const submission: Schema<'SubmitDossier'> = {
    procedureCode: 'VP-xac-nhan-thong-tin-ho-tich',
    agencyCode: '000.01.21.H62',
    applicant: {
      kind: 'citizen',
      fullName: 'Nguyễn Văn An',
      identity: { idType: 'citizen-id', idNumber: '026090001234' },
    },
    form: {
      applicant: {
        fullName: 'Nguyễn Văn An',
        idNumber: '026090001234',
        residence: 'Phường Tích Sơn, TP Vĩnh Yên',
      },
      subject: { fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-12' },
      information: 'Đã đăng ký khai sinh tại UBND phường Tích Sơn',
      purpose: 'Bổ sung hồ sơ xin việc',
    },
    delivery: { method: 'online' },
  };
  const submitted = await unwrap(citizen.POST('/v1/dossiers', { body: submission }));
  log(`submitted ${submitted.id}: ${submitted.status}`);

  const steps: [typeof clerk, Schema<'DossierTransition'>['action']][] = [
    [clerk, 'receive'],
    [clerk, 'forward'],
    [specialist, 'forward'],
    [leader, 'approve'],
    [clerk, 'release'],
    [clerk, 'return'],
  ];
  let dossier = submitted;
  for (const [client, action] of steps) {
    dossier = await unwrap(
      client.POST('/v1/dossiers/{id}/transitions', {
        params: { path: { id: submitted.id } },
        body: { action },
      }),
    );
    log(`${action} → ${dossier.status}`);
  }
  const seen = await unwrap(citizen.GET('/v1/dossiers/{id}', { params: { path: { id: submitted.id } } }));
  log(`the citizen sees ${seen.dossier.status}; next: ${seen.allowedActions.join(', ') || 'nothing'}`);
  return { submitted, returned: dossier, seen };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runDossierLifecycle(process.argv[2] ?? 'http://localhost:3000');
}
