import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/local/processes.js';
import { ensureWebClient } from '../../scripts/local/web-client.js';
import { useSystem } from '../e2e/system.js';

/**
 * Two people in two browser contexts use the web client served by the real entry point (SPEC 16):
 * register, create a server, find it in explore and join, chat both ways, reload, edit and delete.
 * Each context's WebSocket lands on a different gateway (the entry point spreads new connections).
 * Only ARIA roles and names are used to find things; screenshots go to test-results/browser/.
 */
const SHOTS = join(REPO_ROOT, 'test-results', 'browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('the web client, two people', () => {
  const system = useSystem('browser-chat', { SEND_RATE_LIMIT: '1000' });
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const suffix = Date.now() % 100000;
  const ada = `ada_w${suffix}`;
  const bob = `bob_w${suffix}`;
  const serverName = `Night owls ${suffix}`;
  let adaPage: Page;
  let bobPage: Page;

  beforeAll(async () => {
    await ensureWebClient();
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    for (let i = 0; i < 2; i++) contexts.push(await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' }));
    adaPage = await contexts[0]!.newPage();
    bobPage = await contexts[1]!.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
  const register = async (page: Page, username: string) => {
    await page.goto(system().edgeUrl);
    await page.getByRole('textbox', { name: 'Username' }).fill(username);
    await page.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'Explore servers' }).waitFor();
  };
  const say = async (page: Page, text: string) => {
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
    await messages(page).getByRole('listitem').filter({ hasText: text }).waitFor();
  };

  it('registers two people; one creates a server, the other finds it in explore and joins', async () => {
    await adaPage.goto(system().edgeUrl);
    await adaPage.getByRole('button', { name: 'Log in' }).waitFor();
    await shot(adaPage, 'login-light');
    await register(adaPage, ada);
    await register(bobPage, bob);

    await adaPage.getByRole('button', { name: 'New server' }).click();
    await adaPage.getByRole('textbox', { name: 'Server name' }).fill(serverName);
    await adaPage.getByRole('button', { name: 'Create server' }).click();
    await adaPage.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#general' }).waitFor();
    await adaPage.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: serverName }).waitFor();

    await bobPage.getByRole('searchbox', { name: 'Search servers' }).fill(String(suffix));
    await bobPage.getByRole('list', { name: 'Explore results' }).getByRole('link', { name: serverName }).click();
    await bobPage.getByRole('button', { name: 'Join server' }).click();
    await bobPage.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#general' }).waitFor();
    await bobPage.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: serverName }).waitFor();
    await bobPage.getByRole('button', { name: 'Leave server' }).waitFor();
  });

  it('delivers messages both ways, live', async () => {
    await say(adaPage, 'hello bob, are you there?');
    await messages(bobPage).getByRole('listitem').filter({ hasText: 'hello bob, are you there?' }).filter({ hasText: ada }).waitFor();
    await say(bobPage, 'hi ada! loud and clear');
    await messages(adaPage).getByRole('listitem').filter({ hasText: 'hi ada! loud and clear' }).filter({ hasText: bob }).waitFor();
    await say(adaPage, 'the stars are out tonight');
    await messages(bobPage).getByText('the stars are out tonight').waitFor();
    await shot(adaPage, 'channel-light');
    await bobPage.getByRole('button', { name: 'Dark theme' }).click();
    await shot(bobPage, 'channel-dark');
  });

  it('keeps the session and the history across a reload', async () => {
    await bobPage.reload();
    await messages(bobPage).getByText('hello bob, are you there?').waitFor();
    await messages(bobPage).getByText('hi ada! loud and clear').waitFor();
    await expect(bobPage.getByRole('button', { name: 'Log out' }).isVisible()).resolves.toBe(true);
    // Still live after the reload (a new socket, rejoined).
    await say(adaPage, 'welcome back');
    await messages(bobPage).getByText('welcome back').waitFor();
  });

  it('shows an edit and a delete to the other person', async () => {
    await say(adaPage, 'tpyo here');
    await messages(bobPage).getByText('tpyo here').waitFor();
    // Pinned by id: while it is being edited, its text is in a text box, not in the item.
    const id = await messages(adaPage).getByRole('listitem').filter({ hasText: 'tpyo here' }).getAttribute('data-message-id');
    const item = messages(adaPage).locator(`li[data-message-id="${id}"]`);
    await item.hover();
    await item.getByRole('button', { name: 'Edit message' }).click();
    await item.getByRole('textbox', { name: 'Edit message' }).fill('typo fixed');
    await item.getByRole('button', { name: 'Save' }).click();
    await messages(bobPage).getByText('typo fixed').waitFor();
    expect(await messages(bobPage).getByText('tpyo here').count()).toBe(0);

    const fixed = item;
    await fixed.getByText('typo fixed').waitFor();
    await fixed.hover();
    await fixed.getByRole('button', { name: 'Delete message' }).click();
    await messages(bobPage).getByText('typo fixed').waitFor({ state: 'detached' });
    expect(await messages(bobPage).getByText('welcome back').count()).toBe(1);

    await bobPage.getByRole('link', { name: 'Explore' }).click();
    await bobPage.getByRole('heading', { name: 'Explore servers' }).waitFor();
    await shot(bobPage, 'explore-dark');
  });
});
