/**
 * Real resources for the authorization matrix (tests/e2e/authorization-matrix.test.ts), one fixture
 * per resource kind. A route's kind is its path up to the first path parameter
 * (`/v1/dossiers/{id}/transitions` → `/v1/dossiers/{id}`); a route without path parameters whose
 * scopes need a target (agency, agency-tree, owner) is its own kind (`POST /v1/dossiers`).
 *
 * A new route of an existing kind is covered as it is; a route of a new kind fails the matrix until
 * its domain adds a fixture here (documents, payments, signatures, reports: add yours).
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { scopeNeedsTarget } from '#shared/http/auth.ts';
import type { RouteSpec } from '#shared/http/route.ts';
import { isPublic } from '#shared/http/route.ts';
import { LocalPki } from '#shared/signing/local-pki.ts';
import { drain } from './documents.ts';
import { pdf, sha256Base64 } from './file-fixtures.ts';
import { type CallResult, call, createTestAgency, unique } from './http.ts';
import { createFeeProcedure } from './payments.ts';
import { testProcedure } from './procedures.ts';
import { samplePdf } from './signing.ts';
import { uploadFile } from './uploads.ts';

/** Three agencies around a resource: its own, its parent, and a sibling under the same parent. */
export interface Agencies {
  readonly own: string;
  readonly parent: string;
  readonly other: string;
}

/** The callers of the matrix: a role at an agency, a citizen, or a bad token. */
export type Caller =
  | { readonly kind: 'staff'; readonly role: string; readonly agency: keyof Agencies }
  | { readonly kind: 'citizen'; readonly who: 'owner' | 'other' };

export interface Target {
  readonly path: string;
  readonly body?: unknown;
  /**
   * Whose resource it is: the fixture's citizen (`owner` of the matrix), whoever calls (a creating
   * request, or the caller's own list), or nobody (agency resources).
   */
  readonly owner: 'citizen' | 'caller' | 'none';
  /**
   * The resource belongs to the calling staff member's own agency by construction: the request names
   * no agency (a certificate registered for the caller's agency), so every agency is "own" to its staff.
   */
  readonly callersAgency?: true;
  /** The agencies around this resource, when not the matrix's own three (a fresh agency to change). */
  readonly agencies?: Agencies;
}

export interface FixtureContext {
  readonly agencies: Agencies;
  /** Calls the API as a matrix caller. */
  as(caller: Caller, method: string, path: string, body?: unknown): Promise<CallResult>;
  /** Calls the API as the province admin. */
  admin(method: string, path: string, body?: unknown): Promise<CallResult>;
}

export interface ResourceFixture {
  /** Makes a resource of this kind for `route` (called again for every admitted call that may change it). */
  create(context: FixtureContext, route: RouteSpec): Promise<Target>;
}

/** Fills the route's path with `values`, failing clearly on a parameter the fixture does not know. */
function fill(route: RouteSpec, values: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new Error(`The access fixture of ${route.path} has no value for path parameter "${name}"`);
    }
    return encodeURIComponent(value);
  });
}

function created(response: CallResult, what: string): Record<string, unknown> {
  expect(response.status, `${what}: ${response.text}`).toBe(201);
  return response.body as Record<string, unknown>;
}

export const OWNER: Caller = { kind: 'citizen', who: 'owner' };

let procedureCode: Promise<string> | undefined;
/** A commune-level procedure for the matrix's dossiers, made once per worker. */
function matrixProcedure(context: FixtureContext): Promise<string> {
  procedureCode ??= (async () => {
    const code = `VP-matrix-${unique()}`;
    created(
      await context.admin('POST', '/v1/procedures', testProcedure({ code, name: 'Thủ tục ma trận quyền' })),
      'matrix procedure',
    );
    return code;
  })();
  return procedureCode;
}

const dossierBody = (procedure: string, agencyCode: string, attachments: unknown[] = []) => ({
  procedureCode: procedure,
  agencyCode,
  applicant: {
    kind: 'citizen',
    fullName: 'Nguyễn Văn Ma Trận',
    identity: { idType: 'citizen-id', idNumber: '026090001234' },
  },
  form: { reason: 'Kiểm tra phân quyền' },
  delivery: { method: 'online' },
  ...(attachments.length > 0 ? { attachments } : {}),
});

const fileBody = (agencyCode: string, bytes: Buffer) => ({
  purpose: 'dossier-attachment',
  fileName: `Giấy tờ ${unique()}.pdf`,
  contentType: 'application/pdf',
  size: bytes.length,
  sha256: sha256Base64(bytes),
  agencyCode,
});

/** A file uploaded (and confirmed when asked) by the matrix's citizen to the own agency. */
async function ownerFile(context: FixtureContext, confirm: boolean): Promise<string> {
  const bytes = pdf();
  const ticket = created(
    await context.as(OWNER, 'POST', '/v1/files', fileBody(context.agencies.own, bytes)),
    'file upload',
  ) as { id: string; upload: { url: string; method: string; headers: Record<string, string> } };
  if (confirm) {
    const put = await fetch(ticket.upload.url, {
      method: ticket.upload.method,
      headers: ticket.upload.headers,
      body: bytes,
    });
    expect(put.status).toBe(200);
    const confirmed = await context.as(OWNER, 'POST', `/v1/files/${ticket.id}/confirm`);
    expect(confirmed.status, confirmed.text).toBe(200);
  }
  return ticket.id;
}

const subscriptionBody = (agencyCode: string) => ({
  url: `https://matrix-${unique()}.example.invalid/hook`,
  eventTypes: ['AgencyUpdated'],
  agencyCode,
});

/** Request bodies of operations on an existing resource, by method + the path after the kind. */
const bodies: Record<string, unknown> = {
  'PATCH /v1/agencies/{code}': { name: 'Tên mới (ma trận)' },
  'POST /v1/dossiers/{id}/transitions': { action: 'receive' },
  'POST /v1/dossiers/{id}/rating': { score: 5 },
  'PATCH /v1/procedures/{code}': { name: 'Tên thủ tục mới (ma trận)' },
  'PATCH /v1/subscriptions/{id}': { description: 'ma trận' },
  'POST /v1/documents/{id}/transitions': { action: 'submit' },
  'POST /v1/documents/{id}/issue': {},
  'POST /v1/documents/{id}/recall': { reason: 'Thu hồi (ma trận)' },
  'POST /v1/documents/{id}/update': { reason: 'Đính chính (ma trận)', subject: 'Trích yếu mới (ma trận)' },
  'POST /v1/incoming-documents/{id}/transitions': { action: 'register' },
  'POST /v1/incoming-documents/{id}/request-answer': { accept: true },
  'POST /v1/payments/{id}/refund': { reason: 'Hoàn phí (ma trận)' },
  'POST /v1/signatures/{id}/complete': { signatureValue: 'AAAA' },
};
/** Query strings of operations whose query has required fields (validated before the scope check). */
const queries: Record<string, string> = {
  'GET /v1/agencies/{code}/dossiers': 'status=submitted',
  'GET /v1/national-portal/sync-records': `dossierId=${randomUUID()}`,
  'GET /v1/audit': `entityId=${randomUUID()}`,
  'GET /v1/usage': 'month=2026-10',
};

/** The route's path with the sample query its schema requires, if any. */
export function withQuery(route: RouteSpec, path: string): string {
  if (path.includes('?')) return path;
  const query = queries[`${route.method} ${route.path}`];
  if (query !== undefined) return `${path}?${query}`;
  if (route.request?.query && !route.request.query.safeParse({}).success) {
    throw new Error(`Add a valid query for ${route.method} ${route.path} to the access fixtures`);
  }
  return path;
}

const bodyOf = (route: RouteSpec): unknown => {
  const body = bodies[`${route.method} ${route.path}`];
  if (route.request?.body && body === undefined) {
    throw new Error(`Add a valid body for ${route.method} ${route.path} to the access fixtures`);
  }
  return body;
};

export const accessFixtures: Readonly<Record<string, ResourceFixture>> = {
  '/v1/agencies/{code}': {
    async create({ agencies }, route) {
      if (route.method === 'GET') return { path: fill(route, { code: agencies.own }), owner: 'none' };
      // A fresh child of the parent, to change or delete: it is the caller's "own" agency for this call.
      const code = await createTestAgency(agencies.parent);
      return {
        path: fill(route, { code }),
        body: bodyOf(route),
        owner: 'none',
        agencies: { own: code, parent: agencies.parent, other: agencies.own },
      };
    },
  },
  '/v1/procedures/{code}': {
    async create(context, route) {
      const code = `VP-matrix-proc-${unique()}`;
      created(
        await context.admin('POST', '/v1/procedures', testProcedure({ code, name: 'Thủ tục ma trận' })),
        'procedure',
      );
      return { path: fill(route, { code }), body: bodyOf(route), owner: 'none' };
    },
  },
  '/v1/dossiers/{id}': {
    async create(context, route) {
      const procedure = await matrixProcedure(context);
      const fileId = await ownerFile(context, true);
      const dossier = created(
        await context.as(
          OWNER,
          'POST',
          '/v1/dossiers',
          dossierBody(procedure, context.agencies.own, [{ fileId, paper: 'Đơn đề nghị' }]),
        ),
        'dossier',
      );
      return { path: fill(route, { id: String(dossier.id), fileId }), body: bodyOf(route), owner: 'citizen' };
    },
  },
  'POST /v1/dossiers': {
    async create(context, route) {
      return {
        path: route.path,
        body: dossierBody(await matrixProcedure(context), context.agencies.own),
        owner: 'caller',
      };
    },
  },
  'GET /v1/me/dossiers': {
    async create(_context, route) {
      return { path: route.path, owner: 'caller' };
    },
  },
  '/v1/files/{id}': {
    async create(context, route) {
      // Confirming needs a pending file; reading works on either.
      const id = await ownerFile(context, !route.path.endsWith('/confirm'));
      return { path: fill(route, { id }), owner: 'citizen' };
    },
  },
  'POST /v1/files': {
    async create({ agencies }, route) {
      return { path: route.path, body: fileBody(agencies.own, pdf()), owner: 'caller' };
    },
  },
  '/v1/subscriptions/{id}': {
    async create(context, route) {
      const subscription = created(
        await context.admin('POST', '/v1/subscriptions', subscriptionBody(context.agencies.own)),
        'subscription',
      );
      return { path: fill(route, { id: String(subscription.id) }), body: bodyOf(route), owner: 'none' };
    },
  },
  'POST /v1/subscriptions': {
    async create({ agencies }, route) {
      return { path: route.path, body: subscriptionBody(agencies.own), owner: 'none' };
    },
  },
  'GET /v1/subscriptions': {
    async create({ agencies }, route) {
      return { path: `${route.path}?agencyCode=${agencies.own}`, owner: 'none' };
    },
  },
  ...documentFixtures(),
  ...paymentFixtures(),
  ...signatureFixtures(),
  ...reportFixtures(),
};

/** The resource kind of a route; undefined when the route needs no resource to be authorized. */
export function resourceKindOf(route: RouteSpec): string | undefined {
  const param = route.path.indexOf('{');
  if (param >= 0) return route.path.slice(0, route.path.indexOf('}', param) + 1);
  if (isPublic(route.access)) return undefined;
  return Object.values(route.access.roles).some((scope) => scope && scopeNeedsTarget(scope))
    ? `${route.method} ${route.path}`
    : undefined;
}

/** A route needing no resource still gets a request: its path and, when it takes one, an empty body. */
export const plainTarget = (route: RouteSpec): Target => ({
  path: route.path,
  ...(route.request?.body ? { body: {} } : {}),
  owner: 'none',
});

export const matrixAgencies = async (): Promise<Agencies> => {
  const parent = await createTestAgency(null, { name: `Ma trận ${randomUUID().slice(0, 6)}` });
  const [own, other] = await Promise.all([createTestAgency(parent), createTestAgency(parent)]);
  return { own: own!, parent, other: other! };
};

// --- Documents ---------------------------------------------------------------------------------

const staff = (role: string, agency: keyof Agencies): Caller => ({ kind: 'staff', role, agency });

function ok(response: CallResult, what: string, status = 200): Record<string, unknown> {
  expect(response.status, `${what}: ${response.text}`).toBe(status);
  return response.body as Record<string, unknown>;
}

/** A confirmed `document-attachment` PDF of `agency`, uploaded by its specialist. */
async function documentFile(context: FixtureContext, agency: keyof Agencies): Promise<string> {
  const bytes = Buffer.from(await samplePdf(`Ma tran ${unique()}`));
  const ticket = created(
    await context.as(staff('specialist', agency), 'POST', '/v1/files', {
      ...fileBody(context.agencies[agency], bytes),
      purpose: 'document-attachment',
    }),
    'document file',
  ) as { id: string; upload: { url: string; method: string; headers: Record<string, string> } };
  const put = await fetch(ticket.upload.url, {
    method: ticket.upload.method,
    headers: ticket.upload.headers,
    body: bytes,
  });
  expect(put.status).toBe(200);
  ok(await context.as(staff('specialist', agency), 'POST', `/v1/files/${ticket.id}/confirm`), 'confirm');
  return ticket.id;
}

type Stage = 'draft' | 'approved' | 'issued' | 'sent';
const STAGES: Stage[] = ['draft', 'approved', 'issued', 'sent'];

/** An outgoing document of `from` to `to`, taken (signed on paper) to `stage`. */
async function outgoingDocument(
  context: FixtureContext,
  from: keyof Agencies,
  to: keyof Agencies,
  stage: Stage,
): Promise<{ id: string; fileId: string }> {
  const fileId = await documentFile(context, from);
  const document = created(
    await context.as(staff('specialist', from), 'POST', '/v1/documents', {
      type: 'KH',
      notation: 'KH-UBND',
      subject: `Kế hoạch ma trận quyền ${unique()}`,
      signer: { fullName: 'Vũ Văn Hải', position: 'Chủ tịch', competence: 'TM.' },
      recipients: [context.agencies[to]],
      replyDueDate: '2030-12-31',
      attachments: [{ fileId, main: true }],
    }),
    'document draft',
  );
  const id = String(document.id);
  const reached = (wanted: Stage) => STAGES.indexOf(stage) >= STAGES.indexOf(wanted);
  const step = async (caller: Caller, suffix: string, body: unknown, what: string, status = 200) =>
    ok(await context.as(caller, 'POST', `/v1/documents/${id}${suffix}`, body), what, status);
  if (reached('approved')) {
    await step(staff('specialist', from), '/transitions', { action: 'submit' }, 'submit');
    await step(staff('leader', from), '/transitions', { action: 'approve' }, 'approve');
  }
  if (reached('issued')) await step(staff('clerk', from), '/issue', {}, 'issue');
  if (reached('sent')) {
    await step(staff('clerk', from), '/send', undefined, 'send', 202);
    await drain();
  }
  return { id, fileId };
}

const stageFor = (route: RouteSpec): Stage => {
  if (/\/(sign|issue)$/.test(route.path)) return 'approved';
  if (/\/(send|edxml)$/.test(route.path)) return 'issued';
  if (/\/(recall|update)$/.test(route.path)) return 'sent';
  return 'draft';
};

function documentFixtures(): Record<string, ResourceFixture> {
  return {
    '/v1/documents/{id}': {
      async create(context, route) {
        const { id, fileId } = await outgoingDocument(context, 'own', 'other', stageFor(route));
        const body = route.path.endsWith('/sign') ? { signedFileId: fileId } : bodyOf(route);
        return { path: fill(route, { id, fileId }), body, owner: 'none' };
      },
    },
    'POST /v1/documents': {
      async create(context, route) {
        const fileId = await documentFile(context, 'own');
        return {
          path: route.path,
          body: {
            type: 'KH',
            notation: 'KH-UBND',
            subject: `Kế hoạch ma trận quyền ${unique()}`,
            signer: { fullName: 'Vũ Văn Hải', position: 'Chủ tịch', competence: 'TM.' },
            // None of the matrix's agencies (an agency does not send to itself, checked first).
            recipients: [demoAgencies.vinhYen],
            attachments: [{ fileId, main: true }],
          },
          owner: 'none',
        };
      },
    },
    'POST /v1/documents/import': {
      async create(context, route) {
        const fileId = await documentFile(context, 'own');
        return { path: route.path, body: { fileId }, owner: 'none' };
      },
    },
    '/v1/incoming-documents/{id}': {
      async create(context, route) {
        const sent = await outgoingDocument(context, 'other', 'own', 'sent');
        const inbox = ok(
          await context.as(
            staff('clerk', 'own'),
            'GET',
            `/v1/agencies/${context.agencies.own}/documents/incoming`,
          ),
          'inbox',
        ) as { items: { id: string; outgoingId?: string; attachments?: { fileId: string }[] }[] };
        const incoming = inbox.items[0];
        expect(incoming, `incoming document of ${sent.id}`).toBeDefined();
        const fileId = incoming!.attachments?.[0]?.fileId ?? randomUUID();
        return { path: fill(route, { id: incoming!.id, fileId }), body: bodyOf(route), owner: 'none' };
      },
    },
  };
}

// --- Payments ----------------------------------------------------------------------------------

let feeProcedure: Promise<string> | undefined;

/** A payment requested by the matrix's citizen for a dossier received by the own agency. */
async function ownerPayment(
  context: FixtureContext,
  paid: boolean,
): Promise<{ id: string; dossierId: string }> {
  feeProcedure ??= createFeeProcedure();
  const dossier = created(
    await context.as(OWNER, 'POST', '/v1/dossiers', dossierBody(await feeProcedure, context.agencies.own)),
    'fee dossier',
  );
  const dossierId = String(dossier.id);
  ok(
    await context.as(staff('clerk', 'own'), 'POST', `/v1/dossiers/${dossierId}/transitions`, {
      action: 'receive',
    }),
    'receive',
  );
  const payment = created(
    await context.as(OWNER, 'POST', '/v1/payments', { dossierId, gateway: 'sandbox' }),
    'payment',
  ) as { id: string; code: string };
  if (paid) {
    // Paid on the local sandbox gateway (it refunds too); the receipt follows through events.
    const answer = await call('POST', '/v1/payments/sandbox', {
      rawBody: `code=${payment.code}&outcome=paid`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.status, answer.text).toBe(200);
    await drain();
  }
  return { id: payment.id, dossierId };
}

function paymentFixtures(): Record<string, ResourceFixture> {
  return {
    '/v1/payments/{id}': {
      async create(context, route) {
        const paid = /\/(refund|receipt)$/.test(route.path);
        const { id } = await ownerPayment(context, paid);
        return { path: fill(route, { id }), body: bodyOf(route), owner: 'citizen' };
      },
    },
    'POST /v1/payments': {
      async create(context, route) {
        feeProcedure ??= createFeeProcedure();
        const dossier = created(
          await context.as(
            OWNER,
            'POST',
            '/v1/dossiers',
            dossierBody(await feeProcedure, context.agencies.own),
          ),
          'fee dossier',
        );
        ok(
          await context.as(staff('clerk', 'own'), 'POST', `/v1/dossiers/${dossier.id}/transitions`, {
            action: 'receive',
          }),
          'receive',
        );
        return { path: route.path, body: { dossierId: dossier.id, gateway: 'vnpay' }, owner: 'citizen' };
      },
    },
    '/v1/payments/reconciliations/{date}': {
      async create(_context, route) {
        return { path: fill(route, { date: '2026-11-20' }), owner: 'none' };
      },
    },
  };
}

// --- Signatures and certificates ---------------------------------------------------------------

const pki = () => new LocalPki(process.env.LOCAL_PKI_DIR!);

const personalCertificate = async (agencyCode: string) =>
  (await pki().personal({ username: `matrix-${unique()}`, fullName: 'Lê Văn Ma Trận', agencyCode }))
    .certificatePem;

function signatureFixtures(): Record<string, ResourceFixture> {
  return {
    'POST /v1/certificates': {
      async create(context, route) {
        return {
          path: route.path,
          body: { certificatePem: await personalCertificate(context.agencies.own) },
          // Registered for the caller's own agency, whoever calls (the request names no agency).
          owner: 'none',
          callersAgency: true,
        };
      },
    },
    'GET /v1/certificates': {
      async create(context, route) {
        return { path: `${route.path}?agencyCode=${context.agencies.own}`, owner: 'none' };
      },
    },
    '/v1/certificates/{id}': {
      async create(context, route) {
        const certificate = created(
          await context.as(staff('specialist', 'own'), 'POST', '/v1/certificates', {
            certificatePem: await personalCertificate(context.agencies.own),
          }),
          'certificate',
        );
        return { path: fill(route, { id: String(certificate.id) }), owner: 'none' };
      },
    },
    'POST /v1/seal-keys': {
      async create(context, route) {
        const seal = await pki().agencySeal(context.agencies.own);
        return {
          path: route.path,
          body: {
            agencyCode: context.agencies.own,
            kmsKeyId: `alias/matrix-${unique()}`,
            certificatePem: seal.certificatePem,
          },
          owner: 'none',
        };
      },
    },
    'POST /v1/signatures': {
      async create(context, route) {
        return {
          path: route.path,
          body: { fileId: await documentFile(context, 'own'), reason: 'Ký (ma trận)' },
          owner: 'none',
        };
      },
    },
    'POST /v1/signatures/seal': {
      async create(context, route) {
        return {
          path: route.path,
          body: { fileId: await documentFile(context, 'own'), reason: 'Đóng dấu (ma trận)' },
          owner: 'none',
        };
      },
    },
    'POST /v1/signatures/verify': {
      async create(context, route) {
        return { path: route.path, body: { fileId: await ownerFile(context, true) }, owner: 'citizen' };
      },
    },
    '/v1/signatures/{id}': {
      // A session of a demo leader: no matrix caller owns it (staff scope `owner` admits the signer only).
      async create(_context, route) {
        const username = 'leader.vinhyen';
        const fileId = await uploadFile(Buffer.from(await samplePdf(`Ma tran ${unique()}`)), {
          as: username,
          agencyCode: demoAgencies.vinhYen,
          purpose: 'document-attachment',
        });
        const session = created(
          await call('POST', '/v1/signatures', { as: username, body: { fileId, reason: 'Ký (ma trận)' } }),
          'signing session',
        );
        return { path: fill(route, { id: String(session.id) }), body: bodyOf(route), owner: 'none' };
      },
    },
  };
}

// --- Reports -----------------------------------------------------------------------------------

function reportFixtures(): Record<string, ResourceFixture> {
  const period = 'from=2026-11-01&to=2026-11-21';
  const report = (query: (agency: string) => string): ResourceFixture => ({
    async create(context, route) {
      return { path: `${route.path}?${query(context.agencies.own)}`, owner: 'none' };
    },
  });
  return {
    'GET /v1/reports/dossiers': report((agency) => `agency=${agency}&${period}`),
    'GET /v1/reports/documents': report((agency) => `agency=${agency}&${period}`),
    'GET /v1/reports/payments': report((agency) => `agency=${agency}&${period}`),
    'GET /v1/reports/monthly': report((agency) => `agency=${agency}&month=2026-10`),
  };
}
