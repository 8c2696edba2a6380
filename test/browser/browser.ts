import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOTS = join(__dirname, '../../test-results/browser');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A page that records every console error and uncaught exception, and saves numbered screenshots. */
export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  errors: string[];
  shot(name: string): Promise<void>;
}

let shots = 0;

export async function openConsolePage(browser: Browser, baseURL: string, who: string): Promise<ConsolePage> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`[${who}] console: ${message.text()} ${JSON.stringify(message.location())}`);
  });
  page.on('pageerror', (error) => errors.push(`[${who}] pageerror: ${error.message}`));
  return {
    context,
    page,
    errors,
    async shot(name) {
      shots += 1;
      await page.screenshot({ path: join(SCREENSHOTS, `${String(shots).padStart(2, '0')}-${who}-${name}.png`), fullPage: true });
    },
  };
}

export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}
