import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useSystem } from '../e2e/system.js';
import { SHOTS, signUp, useBrowser, type BrowserVisit } from '../support/browser.js';

/**
 * SPEC 10 and 11 in the web client, headless Chromium against the real system: Ada (gw1) and Bob (gw2)
 * open a DM from the people picker and exchange messages; presence dots follow Bob going away. Only
 * accessible names are used, and every step waits for an element, never for time.
 */

describe('people in the web client', () => {
  const system = useSystem('e2e-browser-people');
  const suffix = Date.now() % 100000;
  const browser = useBrowser(system);
  async function person(who: string, gateway: string): Promise<BrowserVisit> {
    const visit = await browser.visitor(gateway);
    await visit.page.goto('/');
    await signUp(visit.page, `${who}_p${suffix}`, 'correct horse battery');
    await visit.page.getByRole('navigation', { name: 'Servers' }).waitFor();
    return visit;
  }

  const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
  const send = async (page: Page, text: string) => {
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
  };

  it('two people open a DM from the people picker and talk; presence dots change', async () => {
    const { page: ada } = await person('ada', 'gw1');
    const { page: bob, context: bobContext } = await person('bob', 'gw2');
    const bobName = `bob_p${suffix}`;

    // Ada names herself; the people picker finds her by that display name.
    await ada.getByRole('button', { name: 'Edit profile' }).click();
    await ada.getByRole('textbox', { name: 'Display name' }).fill(`Countess ${suffix}`);
    await ada.getByRole('button', { name: 'Save profile' }).click();
    await ada.getByRole('dialog', { name: 'Your profile' }).waitFor({ state: 'hidden' });

    // A server both are in, for the member list's presence dots.
    const serverName = `People ${suffix}`;
    await ada.getByRole('button', { name: 'New server' }).click();
    await ada.getByRole('textbox', { name: 'Server name' }).fill(serverName);
    await ada.getByRole('button', { name: 'Create server' }).click();
    const serverId = /servers\/([0-9a-f]{24})/.exec(await ada.waitForURL(/servers\/[0-9a-f]{24}/).then(() => ada.url()))![1]!;
    await bob.goto(`/servers/${serverId}`);
    await bob.getByRole('button', { name: 'Join server' }).click();
    await bob.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: serverName }).waitFor();

    // Bob: Explore → Direct messages → the people picker → open the DM with Ada.
    await bob.getByRole('link', { name: 'Explore' }).click();
    const bobDms = bob.getByRole('navigation', { name: 'Direct messages' });
    await bobDms.getByRole('searchbox', { name: 'Find people' }).fill('count');
    await bobDms.getByRole('button', { name: `Message Countess ${suffix}` }).click();
    await bob.getByRole('heading', { name: new RegExp(`Countess ${suffix}`) }).waitFor();
    await send(bob, 'hi countess, a direct message');

    // Ada never opened it: the message reaches her user room and the DM appears in her list.
    await ada.getByRole('link', { name: 'Explore' }).click();
    const adaDms = ada.getByRole('navigation', { name: 'Direct messages' });
    await adaDms.getByRole('link', { name: new RegExp(bobName) }).click();
    await messages(ada).getByRole('listitem').filter({ hasText: 'hi countess, a direct message' }).waitFor();
    await send(ada, 'hello bob, right back');
    const reply = messages(bob).getByRole('listitem').filter({ hasText: 'hello bob, right back' });
    await reply.waitFor();
    expect(await reply.textContent()).toContain(`Countess ${suffix}`);
    await ada.screenshot({ path: join(SHOTS, 'dm-ada.png') });
    await bob.screenshot({ path: join(SHOTS, 'dm-bob.png') });

    // Presence: Ada watches the server's members; Bob is online, then gone.
    await ada.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: serverName }).click();
    const bobRow = ada.getByRole('complementary', { name: 'Members' }).getByRole('listitem').filter({ hasText: bobName });
    await bobRow.getByRole('img', { name: 'Online' }).waitFor();
    await bobContext.close();
    await bobRow.getByRole('img', { name: 'Offline' }).waitFor({ timeout: 30_000 });
    await ada.screenshot({ path: join(SHOTS, 'presence-ada.png') });
  }, 120_000);
});
