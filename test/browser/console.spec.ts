import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ADMIN } from '../app';
import { startReceiver } from '../receiver';
import { PNG_DATA_URL } from '../upstream';
import { launchChromium, logIn, openConsolePage, pageOverflow, type ConsolePage } from './browser';
import { describeBrowser, startConsoleGateway, type ConsoleGateway } from './gateway';
import { seedGateway, USER_PASSWORD, type SeededGateway } from './seed';

// Globals of the page, for the callbacks run there (the root tsconfig has no DOM lib; these stay in this module).
interface LoadedImage {
  complete: boolean;
  naturalWidth: number;
}
declare const document: {
  querySelector(selector: string): (LoadedImage & { textContent: string | null }) | null;
  querySelectorAll(selector: string): Iterable<LoadedImage>;
};
declare const window: { __noReload?: boolean };

jest.setTimeout(120_000);

/** The console opens the live stream only when the contract it was built against has it (see vite.config.ts). */
const CONSOLE_HAS_EVENTS = process.env.CONSOLE_TASK_EVENTS
  ? process.env.CONSOLE_TASK_EVENTS === '1'
  : '/api/mj/events/ticket' in
    (JSON.parse(readFileSync(join(__dirname, '../../openapi.json'), 'utf8')) as { paths: Record<string, unknown> }).paths;

describeBrowser('console (browser)', () => {
  let g: ConsoleGateway;
  let seeded: SeededGateway;
  let browser: Browser;
  const pages: ConsolePage[] = [];

  beforeAll(async () => {
    g = await startConsoleGateway();
    seeded = await seedGateway(g);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await seeded?.east.sim.close();
    await seeded?.west.sim.close();
    await g?.close();
  });

  async function open(who: string): Promise<ConsolePage> {
    const page = await openConsolePage(browser, g.url, who);
    pages.push(page);
    return page;
  }

  it('admin: dashboard, tasks with thumbnails, filters by channel and time, opens a task', async () => {
    const { page, shot } = await open('admin');
    await logIn(page, ADMIN.username, ADMIN.password);
    await page.getByText('Tasks by status').waitFor();
    await page.getByText('Success rate by channel').waitFor();
    await page.waitForLoadState('networkidle');
    await shot('dashboard');

    await page.getByRole('menuitem', { name: 'Tasks' }).click();
    const rows = page.locator('tbody tr');
    await expectCount(rows, 6);
    await page.locator('tbody tr img').first().waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('tbody tr img')].every((img) => img.complete && img.naturalWidth > 0));
    expect(await page.locator('tbody tr img').count()).toBeGreaterThanOrEqual(4);
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await shot('tasks');

    // Channel filter: west got three tasks (two images, the video).
    await page.getByLabel('Channel').click();
    await page.getByRole('option', { name: 'sim-west' }).click();
    await expectCount(rows, 3);
    expect(page.url()).toContain('channel_id');
    await shot('tasks-by-channel');

    // Time range: a window in the future has nothing; one around now has the three again.
    const iso = (offsetMin: number) => new Date(Date.now() + offsetMin * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Submitted from').fill(iso(60));
    await page
      .getByText(/No .* found/)
      .first()
      .waitFor();
    expect(await rows.count()).toBe(0);
    await page.getByLabel('Submitted from').fill(iso(-60));
    await page.getByLabel('Submitted until').fill(iso(60));
    await expectCount(rows, 3);
    expect(page.url()).toContain('start_timestamp');
    await shot('tasks-by-time');

    await rows.filter({ hasText: 'IMAGINE' }).first().click();
    await page.getByTestId('task-image').waitFor();
    await page.getByText('English prompt').waitFor();
    await page.waitForLoadState('networkidle');
    await shot('task-detail');

    // Revoking the task's durable links (the relay's) asks first, then says it is done; the page's own links keep working.
    await page.getByRole('button', { name: 'Revoke links' }).click();
    await page.getByText("Revoke this task's links?").waitFor();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(/Links revoked/).waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('img[data-testid="task-image"]')].some((img) => img.complete && img.naturalWidth > 0),
    );

    // The task id filter, and a video task's player.
    await page.goto(`/tasks?filter=${encodeURIComponent(JSON.stringify({ mj_id: seeded.videoId }))}`);
    await expectCount(rows, 1);
    await rows.first().click();
    await page.getByTestId('task-video').waitFor();
    expect(await page.getByTestId('task-video').getAttribute('src')).toBeTruthy();
    await shot('task-video');
  });

  it('admin: users (server field errors, quota), channels (write-only secret, toggle, test), ledger, prices', async () => {
    const { page, shot } = pages[0];
    await page.getByRole('menuitem', { name: 'Users' }).click();
    await page.getByText('alice').first().waitFor();
    await shot('users');

    // A server-side validation error lands on its form field (the browser logs the 400 it answers).
    pages[0].expectError(/status of 400 .*\/api\/users"/);
    await page.getByRole('link', { name: 'Create' }).click();
    await page.locator('input[name="username"]').fill('bad name!');
    await page.locator('input[name="password"]').fill('carol-password-1');
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .locator('.ra-input-username')
      .getByText(/letters, digits/)
      .waitFor();
    await shot('user-create-field-error');
    await page.locator('input[name="username"]').fill('carol');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'carol' }).waitFor();

    // Quota adjustment with a reason, through the ledger.
    const carol = page.locator('tbody tr', { hasText: 'carol' });
    await carol.getByRole('button', { name: 'Quota' }).click();
    await page.getByLabel('Amount').fill('250000');
    await page.getByLabel('Reason').fill('welcome bonus');
    await shot('user-quota-dialog');
    await page.getByRole('button', { name: 'Apply' }).click();
    await carol.getByText('250000').waitFor();

    // Channels: create with a secret that is never shown again; toggle; test.
    await page.getByRole('menuitem', { name: 'Channels' }).click();
    await page.getByText('sim-east').waitFor();
    await page.getByRole('link', { name: 'Create' }).click();
    await page.locator('input[name="name"]').fill('sim-extra');
    await page.locator('input[name="base_url"]').fill(seeded.east.sim.url);
    await page.locator('input[name="secret"]').fill('top-secret-value-123');
    await page.getByRole('button', { name: 'Save' }).click();
    const extra = page.locator('tbody tr', { hasText: 'sim-extra' });
    await extra.waitFor();
    expect(await page.locator('body').textContent()).not.toContain('top-secret-value-123');
    await page.getByLabel('sim-extra enabled').click();
    await expect(waitForChannel(g, 'sim-extra', (c) => c.enabled === false)).resolves.toBeTruthy();
    await extra.getByRole('link', { name: 'Edit' }).click();
    await page.locator('input[name="secret"]').waitFor();
    expect(await page.locator('input[name="secret"]').inputValue()).toBe('');
    await shot('channel-edit');
    await page.getByRole('menuitem', { name: 'Channels' }).click();

    await page.getByRole('menuitem', { name: 'Channels' }).click();
    await page.getByText('sim-east').waitFor();
    await page.getByRole('button', { name: 'Test' }).first().click();
    await page.getByTestId('channel-test-result').first().waitFor();
    expect(await page.getByTestId('channel-test-result').first().textContent()).toMatch(/\d+ ms/);
    await shot('channels');

    await page.getByRole('menuitem', { name: 'Ledger' }).click();
    await page.locator('tbody tr').first().waitFor();
    await shot('ledger');

    await page.getByRole('menuitem', { name: 'Prices' }).click();
    await page.getByText('IMAGINE', { exact: true }).waitFor();
    await shot('prices');

    // Banned words: add one, then try prompts against the list.
    await page.getByRole('menuitem', { name: 'Banned words' }).click();
    await page.getByRole('link', { name: 'Create' }).click();
    await page.locator('input[name="phrase"]').fill('gore');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('tbody tr', { hasText: 'gore' }).waitFor();
    await page.getByLabel('Try a prompt').fill('a GORE scene --ar 3:2');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    expect(await page.getByTestId('prompt-verdict').textContent()).toBe('Refused (code 24): contains "gore"');
    await shot('banned-words');
  });

  it('user: no admin menus; Imagine shows progress and the result live, then U1 opens the new task', async () => {
    const { page, shot } = await open('alice');
    await logIn(page, 'alice', USER_PASSWORD);
    await page.getByRole('menuitem', { name: 'Imagine' }).waitFor();
    await page.getByTestId('balance').waitFor();
    for (const name of ['Users', 'Channels', 'Banned words']) expect(await page.getByRole('menuitem', { name }).count()).toBe(0);
    expect(await page.getByRole('menuitem', { name: 'Tasks' }).count()).toBe(1);
    await shot('dashboard');

    // Slow tasks down so that the bar has time to move through several figures.
    seeded.east.sim.setTaskMs(6000);
    seeded.west.sim.setTaskMs(6000);
    await page.getByRole('menuitem', { name: 'Imagine' }).click();
    await page.evaluate(() => (window.__noReload = true));
    await page.getByTestId('prompt-input').fill('a paper boat on a rainy street, cinematic');
    // An optional reference image, sent as a data URL in base64Array.
    const png = Buffer.from(PNG_DATA_URL.split(',')[1], 'base64');
    await page.getByTestId('reference-image-input').setInputFiles({ name: 'reference.png', mimeType: 'image/png', buffer: png });
    await page.getByAltText('Reference 1').waitFor();
    await page.getByRole('button', { name: 'Submit' }).click();
    const task = page.getByTestId('imagine-task');
    await task.waitFor();

    // The bar moves: collect the figures it shows until the task succeeds.
    const seen = new Set<string>();
    const end = Date.now() + 30_000;
    let shotProgress = false;
    while (Date.now() < end) {
      const value = await page
        .locator('[data-testid="imagine-task"] [role="progressbar"][aria-label="progress"]')
        .getAttribute('aria-valuenow');
      if (value) seen.add(value);
      if (!shotProgress && value && Number(value) > 0 && Number(value) < 100) {
        await shot('imagine-progress');
        shotProgress = true;
      }
      if ((await task.getAttribute('data-status')) === 'SUCCESS') break;
      await page.waitForTimeout(150);
    }
    expect(await task.getAttribute('data-status')).toBe('SUCCESS');
    expect(seen.size).toBeGreaterThanOrEqual(3);
    await page.getByTestId('task-image').waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="task-image"]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    expect(await page.evaluate(() => window.__noReload)).toBe(true);
    expect(await page.getByTestId('live-mode').first().getAttribute('data-mode')).toBe(CONSOLE_HAS_EVENTS ? 'live' : 'polling');
    await shot('imagine-done');

    const firstId = await task.locator('text=/^\\d{6,}$/').first().textContent();
    await page.getByTestId('follow-up-buttons').getByRole('button', { name: /U1/ }).click();
    await page.waitForFunction((id) => {
      const el = document.querySelector('[data-testid="imagine-task"]');
      return !!el && !el.textContent?.includes(id ?? '') && el.textContent?.includes('UPSCALE');
    }, firstId);
    await page.locator('[data-testid="imagine-task"][data-status="SUCCESS"]').waitFor({ timeout: 30_000 });
    await shot('imagine-upscale');

    await page.getByRole('button', { name: 'Details' }).click();
    await page.getByText('English prompt').waitFor();
    await page.getByTestId('task-image').waitFor();
    await shot('task-detail');

    // A follow-up from the task page submits through the relay and opens the new task.
    const upscaleUrl = page.url();
    await page
      .getByTestId('follow-up-buttons')
      .getByRole('button', { name: /Vary \(Subtle\)/i })
      .click();
    await page.waitForURL((url) => url.toString() !== upscaleUrl && url.pathname.endsWith('/show'));
    await page.getByText('English prompt').waitFor();
    await page.locator('[data-status="SUCCESS"]').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('task-image').waitFor();
    await shot('task-detail-follow-up');

    await page.goto('/users');
    await page
      .getByText(/not authorized|access denied|unauthorized/i)
      .first()
      .waitFor();
  });

  it('user: API keys (created key shown once), own tasks list', async () => {
    const { page, shot } = pages[1];
    await page.goto('/tokens');
    await page.getByText('console').first().waitFor();
    await page.getByRole('link', { name: 'New key' }).click();
    await page.locator('input[name="name"]').fill('my laptop');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('new-api-key').waitFor();
    expect(await page.getByTestId('new-api-key').textContent()).toMatch(/^sk-/);
    expect(await page.getByTestId('hook-secret').textContent()).toMatch(/^whsec_/);
    await shot('api-key-created');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByText('my laptop').waitFor();
    await shot('api-keys');

    // Callbacks: the key's URL, a test event, and the delivery log with its attempt.
    const receiver = await startReceiver();
    try {
      const row = page.locator('tbody tr', { hasText: 'my laptop' });
      await row.getByRole('button', { name: 'Callback' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('URL', { exact: true }).fill(`${receiver.url}/hook`);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await row.getByText(`${receiver.url}/hook`).waitFor();
      await row.getByRole('button', { name: 'Test' }).click();
      await page.getByText('Test event queued').waitFor();
      await page.getByRole('menuitem', { name: 'Callbacks' }).click();
      await page.waitForURL(/\/hook-deliveries/);
      await page.getByText('hook-test').first().waitFor();
      for (let i = 0; i < 50 && (await page.getByTestId('hook-delivery-status').first().textContent()) !== 'delivered'; i++) {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(200);
      }
      expect(await page.getByTestId('hook-delivery-status').first().textContent()).toBe('delivered');
      await page.locator('tbody tr', { hasText: 'hook-test' }).first().click();
      await page.getByText('Latency').waitFor();
      await shot('callbacks');
      expect(receiver.received.map((hook) => hook.body.id)).toEqual(['hook-test']);
    } finally {
      await receiver.close();
    }

    await page.getByRole('menuitem', { name: 'Tasks' }).click();
    await page.waitForURL(/\/tasks/);
    await page.locator('tbody tr img').first().waitFor();
    expect(await page.locator('thead').textContent()).not.toContain('Channel');
    await shot('tasks');
  });

  it('no console errors during the run', () => {
    expect(pages.flatMap((p) => p.errors)).toEqual([]);
  });
});

async function waitForChannel(g: ConsoleGateway, name: string, test: (channel: { enabled: boolean }) => boolean): Promise<boolean> {
  const token = await g.adminToken();
  const end = Date.now() + 5000;
  while (Date.now() < end) {
    const res = await g.http.get('/api/channels').set('Authorization', `Bearer ${token}`);
    const channel = (res.body.data.items as { name: string; enabled: boolean }[]).find((c) => c.name === name);
    if (channel && test(channel)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function expectCount(locator: import('playwright-core').Locator, count: number): Promise<void> {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if ((await locator.count()) === count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(await locator.count()).toBe(count);
}
