// The README's screenshots of the web client, light and dark, against a running `npm start`:
//   node --import tsx scripts/screenshots.ts [http://localhost:8080]
// Two people register, one creates a server with a second channel, the other joins, they talk; then
// each screen is captured in both colour schemes into docs/screenshots/.
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './local/processes.js';

const BASE = process.argv[2] ?? 'http://localhost:8080';
const OUT = join(REPO_ROOT, 'docs', 'screenshots');
const PASSWORD = 'correct horse battery';
const tag = Date.now() % 10000;
const names = { ada: `ada_${tag}`, bob: `bob_${tag}` };
const serverName = `Night owls ${tag}`;

async function open(browser: Browser, scheme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ baseURL: BASE, colorScheme: scheme, viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

async function enter(page: Page, who: keyof typeof names, button: 'Register' | 'Log in'): Promise<void> {
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Username' }).fill(names[who]);
  await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await page.getByRole('button', { name: button }).click();
  await page.getByRole('navigation', { name: 'Servers' }).waitFor();
}

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });

async function say(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await messages(page).getByRole('listitem').filter({ hasText: text }).waitFor();
}

/** The conversation the screenshots show (light contexts; the dark ones log in afterwards). */
async function setUp(ada: Page, bob: Page): Promise<void> {
  await enter(ada, 'ada', 'Register');
  await enter(bob, 'bob', 'Register');
  await ada.getByRole('button', { name: 'New server' }).click();
  await ada.getByRole('textbox', { name: 'Server name' }).fill(serverName);
  await ada.getByRole('textbox', { name: 'Description' }).fill('Late-night talk about the sky');
  await ada.getByRole('combobox', { name: 'Category' }).selectOption('Science & Tech');
  await ada.getByRole('button', { name: 'Create server' }).click();
  await ada.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#general' }).waitFor();
  await ada.getByRole('textbox', { name: 'Channel name' }).fill('telescopes');
  await ada.getByRole('button', { name: 'Create channel' }).click();
  await ada.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#telescopes' }).waitFor();
  await ada.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#general' }).click();

  await bob.getByRole('link', { name: 'Explore' }).click();
  await bob.getByRole('searchbox', { name: 'Search servers' }).fill(serverName);
  await bob
    .getByRole('list', { name: 'Explore results' })
    .getByRole('link', { name: new RegExp(serverName) })
    .click();
  await bob.getByRole('button', { name: 'Join server' }).click();
  await bob.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#general' }).click();

  await say(ada, 'hello bob, are you there?');
  await say(bob, 'hi ada! loud and clear');
  await say(ada, 'the stars are out tonight — Jupiter is right above the roof');
  await say(ada, 'and Saturn is rising in the east'); // a follow-up: grouped under Ada's header
  await say(bob, 'grabbing the binoculars, see you in #telescopes');
  await ada.getByRole('complementary', { name: 'Members' }).getByText(names.bob).waitFor();
}

/** Issue 13: Ada makes an invite link (its path is returned) and a "Moderators" role. */
async function community(ada: Page): Promise<string> {
  await ada.getByRole('button', { name: 'Create invite' }).click();
  const dialog = ada.getByRole('dialog', { name: 'Invite people' });
  await dialog.getByRole('button', { name: 'Generate link' }).click();
  const link = new URL(await dialog.getByRole('textbox', { name: 'Invite link' }).inputValue());
  await dialog.getByRole('button', { name: 'Done' }).click();
  await ada.getByRole('link', { name: 'Server settings' }).click();
  await ada.getByRole('textbox', { name: 'New role name' }).fill('Moderators');
  await ada.getByRole('button', { name: 'Create role' }).click();
  await ada.getByRole('group', { name: 'Role Moderators' }).getByRole('checkbox', { name: 'Kick members' }).check();
  await ada.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#general' }).click();
  return link.pathname;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  process.stdout.write(`docs/screenshots/${name}.png\n`);
}

async function screens(browser: Browser, scheme: 'light' | 'dark', ada: Page, bob: Page, invitePath: string): Promise<void> {
  const login = await open(browser, scheme);
  await login.goto('/');
  await login.getByRole('textbox', { name: 'Username' }).waitFor();
  await shoot(login, `login-${scheme}`);
  await messages(ada).getByRole('listitem').filter({ hasText: 'telescopes' }).waitFor();
  await shoot(ada, `channel-${scheme}`);
  await bob.getByRole('link', { name: 'Explore' }).click();
  await bob
    .getByRole('list', { name: 'Explore results' })
    .getByRole('link', { name: new RegExp(serverName) })
    .waitFor();
  await shoot(bob, `explore-${scheme}`);
  await login.goto(invitePath);
  await login.getByRole('button', { name: 'Join server' }).waitFor();
  await shoot(login, `invite-${scheme}`);
  await ada.getByRole('link', { name: 'Server settings' }).click();
  await ada.getByRole('button', { name: 'Moderators', exact: true }).click();
  await ada.getByRole('group', { name: 'Role Moderators' }).waitFor();
  await shoot(ada, `roles-${scheme}`);
  await ada.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#general' }).click();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const [ada, bob] = [await open(browser, 'light'), await open(browser, 'light')];
  await setUp(ada, bob);
  const invitePath = await community(ada);
  await screens(browser, 'light', ada, bob, invitePath);
  const [adaDark, bobDark] = [await open(browser, 'dark'), await open(browser, 'dark')];
  await enter(adaDark, 'ada', 'Log in');
  await adaDark.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: serverName }).click();
  await enter(bobDark, 'bob', 'Log in');
  await screens(browser, 'dark', adaDark, bobDark, invitePath);
} finally {
  await browser.close();
}
