/**
 * Issue 11: the /docs page works in a real browser. Debian's Chromium, driven by playwright-core,
 * loads Swagger UI from our origin (its CSP forbids anything else), opens GET /health, presses
 * "Try it out" → "Execute", and the live response appears in the page. A screenshot is written to
 * test-results/ (git-ignored).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl } from '#tests/support/http.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = 'test-results/docs-try-it.png';

let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: sudo apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  profile = await mkdtemp(join(tmpdir(), 'vnpp-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('/docs in a real browser', () => {
  it('renders the API, runs "Try it out" on GET /health and shows the live response', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });

    await page.goto(`${baseUrl()}/docs`, { waitUntil: 'load' });
    await page.locator('.info .title').waitFor({ timeout: 30_000 });
    expect(await page.locator('.info .title').textContent()).toContain(
      'Vietnam provincial digital-government',
    );

    const operation = page.locator('#operations-Platform-getHealth');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('button.execute').click();

    const live = operation.locator('.live-responses-table tr.response .response-col_status').first();
    await live.waitFor({ timeout: 30_000 });
    expect((await live.textContent())?.trim()).toBe('200');
    const body = await operation
      .locator('.live-responses-table tr.response .response-col_description pre')
      .first()
      .textContent();
    expect(JSON.parse(body ?? '')).toMatchObject({ status: 'ok', province: expect.any(String) });

    await mkdir('test-results', { recursive: true });
    await operation.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect((await stat(SCREENSHOT)).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});
