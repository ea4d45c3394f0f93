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
  const gatewaysSeen: Record<string, Set<string>> = { ada: new Set(), bob: new Set(), cyd: new Set(), dee: new Set() };

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

  async function person(who: 'ada' | 'bob' | 'cyd' | 'dee', gateway: string): Promise<Page> {
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

  it('a reaction added by one person appears for the other, and an unread badge clears when the channel is opened', async () => {
    const cyd = await person('cyd', 'gw1');
    const dee = await person('dee', 'gw2');
    const serverName = `Reaction club ${suffix}`;
    const channels = (page: Page) => page.getByRole('navigation', { name: 'Channels' });

    await cyd.getByRole('button', { name: 'New server' }).click();
    await cyd.getByRole('textbox', { name: 'Server name' }).fill(serverName);
    await cyd.getByRole('button', { name: 'Create server' }).click();
    await cyd.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: serverName }).waitFor();
    await cyd.getByRole('textbox', { name: 'Channel name' }).fill('random');
    await cyd.getByRole('button', { name: 'Create channel' }).click();
    await channels(cyd).getByRole('link', { name: '#random' }).waitFor();
    await channels(cyd).getByRole('link', { name: '#general' }).click();

    await dee.getByRole('link', { name: 'Explore' }).click();
    await dee.getByRole('searchbox', { name: 'Search servers' }).fill(serverName);
    await dee
      .getByRole('list', { name: 'Explore results' })
      .getByRole('link', { name: new RegExp(serverName) })
      .click();
    await dee.getByRole('button', { name: 'Join server' }).click();
    await channels(dee).getByRole('link', { name: '#random' }).click();
    await dee.getByRole('heading', { name: '#random' }).waitFor();

    // Cyd writes in #general while Dee reads #random; once it is in history (Cyd's reload shows it), Dee
    // comes back (a reload) and sees #general unread.
    await cyd.getByRole('textbox', { name: 'Message' }).fill('news in general');
    await cyd.getByRole('button', { name: 'Send' }).click();
    await messages(cyd).getByRole('listitem').filter({ hasText: 'news in general' }).waitFor();
    await cyd.reload();
    await messages(cyd).getByRole('listitem').filter({ hasText: 'news in general' }).waitFor();
    await dee.reload();
    const general = channels(dee).getByRole('link', { name: '#general' });
    const badge = general.locator('.unread-badge');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('1');
    expect(await general.getAttribute('aria-describedby')).toBe(await badge.getAttribute('id'));
    await dee.screenshot({ path: join(SHOTS, 'unread-badge-dee.png') });
    await general.click();
    await messages(dee).getByRole('listitem').filter({ hasText: 'news in general' }).waitFor();
    await badge.waitFor({ state: 'detached' });

    // Cyd reacts with 🎉 from the picker; Dee sees the chip and adds hers; both see 2.
    const cydMsg = messages(cyd).getByRole('listitem').filter({ hasText: 'news in general' });
    await cydMsg.hover();
    await cydMsg.getByRole('button', { name: 'Add reaction' }).click();
    await cyd.getByRole('dialog', { name: 'Pick an emoji' }).getByRole('button', { name: 'React with 🎉' }).click();
    const cydChip = cydMsg.getByRole('group', { name: 'Reactions' }).getByRole('button', { name: /🎉/ });
    await cydChip.waitFor();
    const deeChip = messages(dee)
      .getByRole('listitem')
      .filter({ hasText: 'news in general' })
      .getByRole('group', { name: 'Reactions' })
      .getByRole('button', { name: /🎉/ });
    await deeChip.waitFor();
    expect((await deeChip.textContent())?.replace(/\s+/g, ' ').trim()).toBe('🎉 1');
    expect(await deeChip.getAttribute('aria-pressed')).toBe('false');
    await deeChip.click();
    await dee.waitForFunction(
      (el) => el?.getAttribute('aria-pressed') === 'true' && el.textContent?.includes('2'),
      await deeChip.elementHandle(),
    );
    await cyd.waitForFunction((el) => el?.textContent?.includes('2'), await cydChip.elementHandle());
    expect(await cydChip.getAttribute('aria-pressed')).toBe('true');
    await cyd.screenshot({ path: join(SHOTS, 'reactions-cyd.png') });
    await dee.screenshot({ path: join(SHOTS, 'reactions-dee.png') });
  }, 120_000);
});
