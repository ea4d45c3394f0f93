import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/local/processes.js';
import type { RunningSystem } from '../../scripts/local/system.js';
import { ensureWebClient } from '../../scripts/local/web-client.js';

/** Where the browser tests save the screenshots a reviewer looks at. */
export const SHOTS = join(REPO_ROOT, 'test-results', 'browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserVisit {
  page: Page;
  context: BrowserContext;
}

/**
 * For a describe block, after its `useSystem`: builds the web client when needed and launches headless
 * Chromium in beforeAll; closes every context it opened, then the browser, in afterAll.
 */
export function useBrowser(system: () => RunningSystem): { visitor(gateway: string): Promise<BrowserVisit> } {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureWebClient();
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  }, 180_000);
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
  });

  return {
    /** A page in a context of its own (a person's browser), sent to `gateway` by the entry point's cookie. */
    async visitor(gateway) {
      if (!browser) throw new Error('useBrowser: visitor() before beforeAll launched the browser');
      const url = new URL(system().edgeUrl);
      const context = await browser.newContext({ baseURL: system().edgeUrl });
      await context.addCookies([{ name: 'chorus_gateway', value: gateway, domain: url.hostname, path: '/' }]);
      contexts.push(context);
      return { page: await context.newPage(), context };
    },
  };
}

/** Fills the sign-in screen's form and presses Register. */
export async function signUp(page: Page, username: string, password: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Register' }).click();
}
