/**
 * A platform of the test's own, in the test's process (its handlers see this process's clock and
 * env). For tests that move the domain clock or restart the platform. Restores the worker's env.
 */
import { type LocalPlatform, type LocalPlatformOptions, startLocalPlatform } from '#infra/local/platform.ts';
import { resetTokenVerifier } from '#shared/http/auth.ts';
import { resetAwsClients } from '#shared/platform/aws-clients.ts';
import { resetClock } from '#shared/platform/clock.ts';

export interface OwnPlatform extends LocalPlatform {
  call<T = unknown>(
    method: string,
    path: string,
    options?: { as?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T; headers: Headers }>;
}

export async function startOwnPlatform(options: LocalPlatformOptions = {}): Promise<OwnPlatform> {
  const savedEnv = { ...process.env };
  const platform = await startLocalPlatform({ port: 0, logLevel: 'SILENT', runSchedules: false, ...options });
  const tokens = new Map<string, string>();
  const tokenFor = async (username: string) => {
    if (!tokens.has(username)) {
      const response = await fetch(`${platform.baseUrl}/local/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // Long-lived: the domain clock may be moved, the token's expiry is checked on the real one.
        body: JSON.stringify({ username, expiresInSeconds: 86_400 }),
      });
      tokens.set(username, ((await response.json()) as { token: string }).token);
    }
    return tokens.get(username)!;
  };
  return {
    ...platform,
    async call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { ...callOptions.headers };
      if (callOptions.as) headers.authorization = `Bearer ${await tokenFor(callOptions.as)}`;
      if (callOptions.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${platform.baseUrl}${path}`, {
        method,
        headers,
        ...(callOptions.body !== undefined ? { body: JSON.stringify(callOptions.body) } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: (text ? JSON.parse(text) : undefined) as never,
      };
    },
    async stop() {
      await platform.stop();
      process.env = savedEnv;
      resetAwsClients();
      resetTokenVerifier();
      resetClock();
    },
  };
}
