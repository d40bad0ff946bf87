/**
 * The HTTP adapter to the national portal (shared/national-portal/http-client.ts) against a portal
 * stand-in on 127.0.0.1: the request it sends, how it reads the answer (accepted, refused,
 * unavailable, too slow) and where the session token comes from (environment, or the Parameters and
 * Secrets extension's loopback endpoint). Nothing leaves the machine.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  NationalPortalRejectedError,
  NationalPortalUnavailableError,
} from '#shared/national-portal/client.ts';
import { NationalPortalHttpConfig } from '#shared/national-portal/config.ts';
import { createHttpPortalClient, tokenSource } from '#shared/national-portal/http-client.ts';
import type { PortalRequest } from '#shared/national-portal/payloads.ts';

interface Seen {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const servers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

/** A server on a free loopback port that records requests and answers with `reply`. */
async function loopback(reply: (request: IncomingMessage, response: ServerResponse, body: string) => void) {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      reply(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { seen, port: (server.address() as AddressInfo).port };
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(body));
};

const configFor = (port: number, extra: Record<string, unknown> = {}) =>
  NationalPortalHttpConfig.parse({
    baseUrl: `http://127.0.0.1:${port}`,
    path: '/dvcqg/integration',
    unitCode: '000.00.00.H62',
    dstCode: 'VPC-DVCQG',
    credentials: { source: 'env', variable: 'TEST_NATIONAL_PORTAL_TOKEN' },
    timeoutMs: 1_000,
    ...extra,
  });

const fullSync: PortalRequest = {
  service: 'DongBoHoSoMC',
  isUpdating: false,
  payload: {
    MaHoSo: '000.01.21.H62-270301-0007',
    MaTTHC: '1.001193',
    TenTTHC: 'Đăng ký khai sinh',
    MaLinhVuc: 'Hộ tịch',
    TenLinhVuc: 'Hộ tịch',
    ChuHoSo: 'Nguyễn Văn An',
    LoaiDoiTuong: '1',
    NgayTiepNhan: '20270301090000',
    NgayHenTra: '20270303090000',
    TrangThaiHoSo: '2',
    NgayTra: '',
    HinhThuc: '0',
    DonViXuLy: 'UBND xã Tích Sơn',
    TaiLieuNop: [],
    DanhSachLePhi: [],
    DanhSachHoSoBoSung: [],
    DanhSachGiayToKetQua: [],
  },
};

const progress: PortalRequest = {
  service: 'CapNhatTienDoHoSoMC',
  payload: {
    MaHoSo: '000.01.21.H62-270301-0007',
    NguoiXuLy: 'clerk.tichson',
    ChucDanh: 'Cán bộ tiếp nhận',
    ThoiDiemXuLy: '20270301090000',
    PhongBanXuLy: 'UBND xã Tích Sơn',
    NoiDungXuLy: 'Tiếp nhận hồ sơ',
    TrangThai: '2',
    NgayBatDau: '20270301090000',
    NgayKetThucTheoQuyDinh: '20270303090000',
  },
};

process.env.TEST_NATIONAL_PORTAL_TOKEN = 'session-token-1';

describe('pushing to the portal', () => {
  it('POSTs { session, madonvi, service, isUpdating, data } to the configured endpoint and reads error_code 0', async () => {
    const portal = await loopback((_request, response) =>
      json(response, 200, { error_code: '00', message: 'ok' }),
    );
    const client = createHttpPortalClient(configFor(portal.port));

    await expect(client.send(fullSync)).resolves.toEqual({
      delivered: true,
      httpStatus: 200,
      errorCode: '00',
    });
    await expect(client.send(progress)).resolves.toMatchObject({ delivered: true });

    expect(portal.seen).toHaveLength(2);
    const [first, second] = portal.seen;
    expect(first).toMatchObject({ method: 'POST', url: '/dvcqg/integration' });
    expect(first!.headers['content-type']).toContain('application/json');
    expect(first!.headers.dstcode).toBe('VPC-DVCQG');
    expect(JSON.parse(first!.body)).toEqual({
      session: 'session-token-1',
      madonvi: '000.00.00.H62',
      service: 'DongBoHoSoMC',
      isUpdating: 'False',
      data: [fullSync.payload],
    });
    // Vietnamese text arrives intact (UTF-8).
    expect(first!.body).toContain('Nguyễn Văn An');
    const sent = JSON.parse(second!.body) as Record<string, unknown>;
    expect(sent).toEqual({
      session: 'session-token-1',
      madonvi: '000.00.00.H62',
      service: 'CapNhatTienDoHoSoMC',
      data: [progress.payload],
    });
  });

  it('treats a refused record as rejected, and an overloaded or failing portal as unavailable', async () => {
    let answer: { status: number; body: unknown } = {
      status: 200,
      body: { error_code: '99', error_message: 'MaTTHC không tồn tại' },
    };
    const portal = await loopback((_request, response) => json(response, answer.status, answer.body));
    const client = createHttpPortalClient(configFor(portal.port));

    await expect(client.send(fullSync)).rejects.toThrow(NationalPortalRejectedError);
    await expect(client.send(fullSync)).rejects.toThrow(/error_code 99: MaTTHC không tồn tại/);
    answer = { status: 400, body: { error: 'bad request' } };
    await expect(client.send(progress)).rejects.toThrow(NationalPortalRejectedError);
    answer = { status: 503, body: {} };
    await expect(client.send(progress)).rejects.toThrow(NationalPortalUnavailableError);
    answer = { status: 429, body: {} };
    await expect(client.send(progress)).rejects.toThrow(NationalPortalUnavailableError);
    answer = { status: 200, body: { error_code: 0 } };
    await expect(client.send(progress)).resolves.toMatchObject({ delivered: true, errorCode: '0' });
  });

  it('gives up on a portal that does not answer in time, or that is not there', async () => {
    const silent = await loopback(() => undefined); // never answers
    const slow = createHttpPortalClient(configFor(silent.port, { timeoutMs: 500 }));
    const started = Date.now();
    await expect(slow.send(progress)).rejects.toThrow(/No answer within 500 ms/);
    expect(Date.now() - started).toBeLessThan(3_000);

    const closed = await loopback(() => undefined);
    await servers.pop()!();
    const absent = createHttpPortalClient(configFor(closed.port));
    await expect(absent.send(progress)).rejects.toThrow(NationalPortalUnavailableError);
  });

  it('treats a non-JSON answer (a gateway error page) as unavailable', async () => {
    const portal = await loopback((_request, response) => {
      response.statusCode = 200;
      response.end('<html>Bad gateway</html>');
    });
    await expect(createHttpPortalClient(configFor(portal.port)).send(progress)).rejects.toThrow(
      NationalPortalUnavailableError,
    );
  });
});

describe('the session token', () => {
  it('comes from the Parameters and Secrets extension for a secret reference, and is cached', async () => {
    const extension = await loopback((request, response) => {
      if (request.headers['x-aws-parameters-secrets-token'] !== 'lambda-session')
        return json(response, 401, {});
      json(response, 200, {
        Name: 'vnpp/vinh-phuc/national-portal',
        SecretString: 'portal-session-from-secret\n',
      });
    });
    const saved = { ...process.env };
    process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = String(extension.port);
    process.env.AWS_SESSION_TOKEN = 'lambda-session';
    try {
      const token = tokenSource({ source: 'secret', secretName: 'vnpp/vinh-phuc/national-portal' }, 1_000);
      expect(await token()).toBe('portal-session-from-secret');
      expect(await token()).toBe('portal-session-from-secret');
      expect(extension.seen).toHaveLength(1);
      expect(extension.seen[0]!.url).toBe('/secretsmanager/get?secretId=vnpp%2Fvinh-phuc%2Fnational-portal');

      process.env.AWS_SESSION_TOKEN = 'another-session';
      const refused = tokenSource({ source: 'secret', secretName: 'vnpp/vinh-phuc/national-portal' }, 1_000);
      await expect(refused()).rejects.toThrow(NationalPortalUnavailableError);
    } finally {
      process.env = saved;
    }
  });

  it('comes from the named environment variable, which must be set', async () => {
    await expect(
      tokenSource({ source: 'env', variable: 'TEST_NATIONAL_PORTAL_TOKEN' }, 1_000)(),
    ).resolves.toBe('session-token-1');
    await expect(
      tokenSource({ source: 'env', variable: 'TEST_UNSET_PORTAL_TOKEN' }, 1_000)(),
    ).rejects.toThrow(/TEST_UNSET_PORTAL_TOKEN/);
  });
});
