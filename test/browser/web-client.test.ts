import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/local/processes.js';
import { ensureWebClient } from '../../scripts/local/web-client.js';
import { useSystem } from '../e2e/system.js';

/**
 * The web client in headless Chromium against the real system (two gateways behind the edge). Each
 * browser context carries a `chorus_gateway` cookie that the edge honours for new socket connections,
 * so Ada's socket is on gw1 and Bob's on gw2 and every live update crosses the broker.
 * Only accessible names (SPEC 16) are used; every step waits for an element, never for time.
 */
const SHOTS = join(REPO_ROOT, 'test-results', 'browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('web client in Chromium', () => {
  const system = useSystem('e2e-browser', { SEND_RATE_LIMIT: '1000' });
  const suffix = Date.now() % 100000;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const gatewaysSeen: Record<string, Set<string>> = { ada: new Set(), bob: new Set() };

  beforeAll(async () => {
    await ensureWebClient();
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 180_000);
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
  });

  async function person(who: 'ada' | 'bob', gateway: string): Promise<Page> {
    const url = new URL(system().edgeUrl);
    const context = await browser.newContext({ baseURL: system().edgeUrl });
    await context.addCookies([{ name: 'chorus_gateway', value: gateway, domain: url.hostname, path: '/' }]);
    contexts.push(context);
    const page = await context.newPage();
    // engine.io session ids start with the gateway's id: read them from the open packet (`0{"sid":…}`).
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        const sid = typeof payload === 'string' ? /^0\{.*"sid":"([^".]+)\./.exec(payload)?.[1] : undefined;
        if (sid) gatewaysSeen[who]!.add(sid);
      }),
    );
    await page.goto('/');
    await page.getByRole('textbox', { name: 'Username' }).fill(`${who}_w${suffix}`);
    await page.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('navigation', { name: 'Servers' }).waitFor();
    return page;
  }

  const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });

  it('two people register, create, explore, join and chat both ways through different gateways', async () => {
    const ada = await person('ada', 'gw1');
    const bob = await person('bob', 'gw2');
    const serverName = `Browser club ${suffix}`;

    await ada.getByRole('button', { name: 'New server' }).click();
    await ada.getByRole('textbox', { name: 'Server name' }).fill(serverName);
    await ada.getByRole('button', { name: 'Create server' }).click();
    await ada.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: serverName }).waitFor();
    await ada.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#general' }).click();

    await bob.getByRole('link', { name: 'Explore' }).click();
    await bob.getByRole('searchbox', { name: 'Search servers' }).fill(serverName);
    await bob
      .getByRole('list', { name: 'Explore results' })
      .getByRole('link', { name: new RegExp(serverName) })
      .click();
    await bob.getByRole('button', { name: 'Join server' }).click();
    await bob.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: serverName }).waitFor();
    await bob.getByRole('button', { name: 'Leave server' }).waitFor();
    await bob.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#general' }).click();

    await ada.getByRole('textbox', { name: 'Message' }).fill('hello from gateway one');
    await ada.getByRole('button', { name: 'Send' }).click();
    await messages(bob).getByRole('listitem').filter({ hasText: 'hello from gateway one' }).waitFor();

    await bob.getByRole('textbox', { name: 'Message' }).fill('and back from gateway two');
    await bob.getByRole('button', { name: 'Send' }).click();
    await messages(ada).getByRole('listitem').filter({ hasText: 'and back from gateway two' }).waitFor();
    // Ada was looking at the server when Bob joined: her member list now shows him.
    await ada.getByRole('complementary', { name: 'Members' }).getByText(`bob_w${suffix}`).waitFor();
    expect(await messages(ada).getByRole('listitem').filter({ hasText: 'and back from gateway two' }).textContent()).toContain(
      `bob_w${suffix}`,
    );
    await ada.screenshot({ path: join(SHOTS, 'chat-ada.png') });
    await bob.screenshot({ path: join(SHOTS, 'chat-bob.png') });

    expect([...gatewaysSeen.ada!]).toEqual(['gw1']);
    expect([...gatewaysSeen.bob!]).toEqual(['gw2']);

    // A reload keeps the session (refresh token in localStorage) and shows the history.
    const reloaded = Date.now();
    await bob.reload();
    await messages(bob).getByRole('listitem').filter({ hasText: 'hello from gateway one' }).waitFor();
    // A figure for the README (SPEC 16: messages within 1 s of opening a channel), never an assertion.
    process.stdout.write(`[browser] reload -> channel history visible in ${Date.now() - reloaded} ms\n`);
    await messages(bob).getByRole('listitem').filter({ hasText: 'and back from gateway two' }).waitFor();
    await bob.getByRole('button', { name: 'Log out' }).waitFor();

    // Opening the channel by navigation (Explore, then the server in the side bar): another figure, no assertion.
    await bob.getByRole('link', { name: 'Explore' }).click();
    await bob.getByRole('searchbox', { name: 'Search servers' }).waitFor();
    const navigated = Date.now();
    await bob.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: serverName }).click();
    await messages(bob).getByRole('listitem').filter({ hasText: 'hello from gateway one' }).waitFor();
    process.stdout.write(`[browser] navigation -> channel history visible in ${Date.now() - navigated} ms\n`);

    // Ada edits and then deletes her message; Bob sees both.
    const adaMsg = messages(ada).getByRole('listitem').filter({ hasText: 'hello from gateway one' });
    await adaMsg.hover();
    await adaMsg.getByRole('button', { name: 'Edit message' }).click();
    await ada.getByRole('textbox', { name: 'Edit message' }).fill('hello, edited');
    await ada.getByRole('button', { name: 'Save' }).click();
    const bobEdited = messages(bob).getByRole('listitem').filter({ hasText: 'hello, edited' });
    await bobEdited.waitFor();
    expect(await bobEdited.textContent()).toContain('(edited)');

    const adaEdited = messages(ada).getByRole('listitem').filter({ hasText: 'hello, edited' });
    await adaEdited.hover();
    await adaEdited.getByRole('button', { name: 'Delete message' }).click();
    await bobEdited.waitFor({ state: 'detached' });
    expect(await messages(bob).getByRole('listitem').filter({ hasText: 'and back from gateway two' }).isVisible()).toBe(true);
    await bob.screenshot({ path: join(SHOTS, 'after-delete-bob.png') });
  }, 120_000);
});
