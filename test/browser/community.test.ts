import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useSystem } from '../e2e/system.js';
import { SHOTS, signUp, useBrowser } from '../support/browser.js';

/**
 * SPEC 14 and 15 in the web client, headless Chromium against the real system: Ada (gw1) makes a
 * private server and an invite link; Bob (gw2) opens it, previews and joins; Cyd follows the link
 * signed out, registers and comes back to join. Ada then kicks Bob and bans Cyd, whose invite stops
 * working; an unknown code is a "not found" page. Only accessible names; every step waits for an
 * element, never for time.
 */
const PASSWORD = 'correct horse battery';

describe('invites, kick and ban in the web client', () => {
  const system = useSystem('e2e-browser-community', { SEND_RATE_LIMIT: '1000' });
  const suffix = Date.now() % 100000;
  const name = (who: string) => `${who}_c${suffix}`;
  const browser = useBrowser(system);
  const visitor = async (gateway: string): Promise<Page> => (await browser.visitor(gateway)).page;
  const register = (page: Page, who: string) => signUp(page, name(who), PASSWORD);
  async function person(who: string, gateway: string): Promise<Page> {
    const page = await visitor(gateway);
    await page.goto('/');
    await register(page, who);
    await page.getByRole('navigation', { name: 'Servers' }).waitFor();
    return page;
  }

  const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
  const servers = (page: Page) => page.getByRole('navigation', { name: 'Servers' });
  const members = (page: Page) => page.getByRole('complementary', { name: 'Members' });

  /** Ada's new server (private or not) and an invite link to it, made in the UI: returns the link's path. */
  async function serverWithInvite(ada: Page, serverName: string, isPrivate: boolean): Promise<string> {
    await ada.getByRole('button', { name: 'New server' }).click();
    await ada.getByRole('textbox', { name: 'Server name' }).fill(serverName);
    await ada.getByRole('textbox', { name: 'Description' }).fill('Members by invitation');
    if (isPrivate) await ada.getByRole('checkbox', { name: /Private server/ }).check();
    await ada.getByRole('button', { name: 'Create server' }).click();
    await ada.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#general' }).waitFor();
    // Create invite → 5 uses, 1 day → Generate link → the link is `<origin>/invite/<code>`.
    await ada.getByRole('button', { name: 'Create invite' }).click();
    const dialog = ada.getByRole('dialog', { name: 'Invite people' });
    await dialog.getByRole('combobox', { name: 'Max uses' }).selectOption({ label: '5 uses' });
    await dialog.getByRole('combobox', { name: 'Expire after' }).selectOption({ label: '1 day' });
    await dialog.getByRole('button', { name: 'Generate link' }).click();
    const linkBox = dialog.getByRole('textbox', { name: 'Invite link' });
    await linkBox.waitFor();
    const link = new URL(await linkBox.inputValue());
    expect(link.origin).toBe(new URL(system().edgeUrl).origin);
    expect(link.pathname).toMatch(/^\/invite\/[A-Za-z0-9_-]{8,16}$/);
    await dialog.getByText(/^5 uses · expires/).waitFor();
    await ada.screenshot({ path: join(SHOTS, 'invite-dialog-ada.png') });
    await dialog.getByRole('button', { name: 'Done' }).click();
    return link.pathname;
  }

  async function joinByLink(page: Page, path: string, serverName: string): Promise<void> {
    await page.goto(path);
    await page.getByRole('heading', { name: serverName }).waitFor();
    await page.getByRole('button', { name: 'Join server' }).click();
    await page.waitForURL(/\/servers\/[0-9a-f]{24}/);
    await servers(page).getByRole('link', { name: serverName }).waitFor();
  }

  it('an invite link previews and joins a private server, signed in or via log-in; an unknown code is not found', async () => {
    const ada = await person('ada', 'gw1');
    const serverName = `Hidden guild ${suffix}`;
    const path = await serverWithInvite(ada, serverName, true);

    // Bob: the link shows the preview; Join lands in the server and its channel, where Ada's message arrives.
    const bob = await person('bob', 'gw2');
    await bob.goto(path);
    await bob.getByRole('heading', { name: serverName }).waitFor();
    expect(await bob.getByText('Members by invitation').isVisible()).toBe(true);
    await bob.getByText('1 member').waitFor();
    await bob.screenshot({ path: join(SHOTS, 'invite-preview-bob.png') });
    await bob.getByRole('button', { name: 'Join server' }).click();
    await servers(bob).getByRole('link', { name: serverName }).waitFor();
    await bob.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#general' }).waitFor();
    await ada.getByRole('textbox', { name: 'Message' }).fill('welcome, bob');
    await ada.getByRole('button', { name: 'Send' }).click();
    await messages(bob).getByRole('listitem').filter({ hasText: 'welcome, bob' }).waitFor();

    // Cyd, signed out, sees the preview too (now with Bob counted).
    const cyd = await visitor('gw1');
    await cyd.goto(path);
    await cyd.getByRole('heading', { name: serverName }).waitFor();
    await cyd.getByText('2 members').waitFor();
    // Signed out: Join → log in/register → back on the invite → Join.
    await cyd.getByRole('button', { name: 'Join server' }).click();
    await register(cyd, 'cyd');
    await cyd.getByRole('heading', { name: serverName }).waitFor();
    await cyd.getByRole('button', { name: 'Join server' }).click();
    await servers(cyd).getByRole('link', { name: serverName }).waitFor();
    await members(ada).getByText(name('cyd'), { exact: true }).waitFor();

    // Already a member: the link just opens the server.
    await joinByLink(bob, path, serverName);

    await bob.goto('/invite/nosuchcode1');
    await bob.getByRole('heading', { name: 'Invite not found' }).waitFor();
  }, 150_000);

  it('a moderator kicks one member and bans another (confirm dialogs); the ban stops the invite until unbanned', async () => {
    const ada = await person('ada2', 'gw1');
    const serverName = `Strict guild ${suffix}`;
    const path = await serverWithInvite(ada, serverName, false);
    const bob = await person('bob2', 'gw2');
    const cyd = await person('cyd2', 'gw1');
    await joinByLink(bob, path, serverName);
    await joinByLink(cyd, path, serverName);

    // Ada kicks Bob: he leaves her member list and loses the server from his side bar.
    await members(ada).getByText(name('cyd2'), { exact: true }).waitFor();
    await members(ada)
      .getByRole('button', { name: `Kick ${name('bob2')}` })
      .click();
    await ada
      .getByRole('dialog', { name: `Kick ${name('bob2')}?` })
      .getByRole('button', { name: 'Kick' })
      .click();
    await members(ada).getByText(name('bob2'), { exact: true }).waitFor({ state: 'detached' });
    await servers(bob).getByRole('link', { name: serverName }).waitFor({ state: 'detached' });

    // Ada bans Cyd: the invite no longer lets Cyd in (the server's refusal is shown).
    await members(ada)
      .getByRole('button', { name: `Ban ${name('cyd2')}` })
      .click();
    const ban = ada.getByRole('dialog', { name: `Ban ${name('cyd2')}?` });
    await ban.getByRole('textbox', { name: /Reason/ }).fill('spam');
    await ban.getByRole('button', { name: 'Ban' }).click();
    await members(ada).getByText(name('cyd2'), { exact: true }).waitFor({ state: 'detached' });
    await servers(cyd).getByRole('link', { name: serverName }).waitFor({ state: 'detached' });
    await cyd.goto(path);
    await cyd.getByRole('button', { name: 'Join server' }).click();
    await cyd.getByRole('alert').waitFor();
    await cyd.screenshot({ path: join(SHOTS, 'invite-banned-cyd.png') });

    // Server settings → Bans lists Cyd; Unban clears it and the invite works again.
    await ada.getByRole('link', { name: 'Server settings' }).click();
    const bans = ada.getByRole('list', { name: 'Banned users' });
    await bans.getByText(name('cyd2')).waitFor();
    await ada.screenshot({ path: join(SHOTS, 'settings-ada.png') });
    await bans.getByRole('button', { name: `Unban ${name('cyd2')}` }).click();
    await ada.getByText('Nobody is banned.').waitFor();
    await joinByLink(cyd, path, serverName);
  }, 150_000);

  it('the role editor: a read-only #general disables the composer of a member; a role granting ADMINISTRATOR lifts it', async () => {
    const ada = await person('ada3', 'gw1');
    const serverName = `Quiet guild ${suffix}`;
    const path = await serverWithInvite(ada, serverName, false);
    const bob = await person('bob3', 'gw2');
    await joinByLink(bob, path, serverName);
    const composer = bob.getByRole('textbox', { name: 'Message' });
    await bob.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#general' }).click();
    await composer.waitFor();
    expect(await composer.isEnabled()).toBe(true);
    // Bob is a plain member: no settings, no kick or ban.
    expect(await bob.getByRole('link', { name: 'Server settings' }).count()).toBe(0);
    expect(
      await members(bob)
        .getByRole('button', { name: /^(Kick|Ban) / })
        .count(),
    ).toBe(0);

    await ada.getByRole('link', { name: 'Server settings' }).click();
    await ada.getByRole('switch', { name: 'Read-only for @everyone in #general' }).check();
    await expectChecked(ada.getByRole('switch', { name: 'Read-only for @everyone in #general' }));
    await bob.reload();
    await bob.getByText('You do not have permission to send messages in this channel.').waitFor();
    expect(await composer.isDisabled()).toBe(true);
    await bob.screenshot({ path: join(SHOTS, 'read-only-bob.png') });

    // A "Moderators" role with ADMINISTRATOR (overrides do not bind it), given to Bob.
    await ada.getByRole('textbox', { name: 'New role name' }).fill('Moderators');
    await ada.getByRole('button', { name: 'Create role' }).click();
    const role = ada.getByRole('group', { name: 'Role Moderators' });
    await role.getByRole('checkbox', { name: /Administrator/ }).check();
    await expectChecked(role.getByRole('checkbox', { name: /Administrator/ }));
    await ada.getByRole('checkbox', { name: `Moderators for ${name('bob3')}` }).check();
    await expectChecked(ada.getByRole('checkbox', { name: `Moderators for ${name('bob3')}` }));
    await ada.screenshot({ path: join(SHOTS, 'role-editor-ada.png'), fullPage: true });
    await bob.reload();
    await bob.getByRole('link', { name: 'Server settings' }).waitFor();
    await composer.waitFor();
    expect(await composer.isEnabled()).toBe(true);
    await composer.fill('moderating now');
    await bob.getByRole('button', { name: 'Send' }).click();
    await messages(bob).getByRole('listitem').filter({ hasText: 'moderating now' }).waitFor();
  }, 150_000);
});

/** Waits until a checkbox shows checked (the UI re-renders it from the server's answer). */
async function expectChecked(box: Locator): Promise<void> {
  await box.and(box.page().locator(':checked')).waitFor();
}
