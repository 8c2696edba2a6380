import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// Globals of the page, for the callbacks run there (the root tsconfig has no DOM lib).
declare const document: { documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };

export const SCREENSHOTS = join(__dirname, '../../test-results/browser');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A page that records every console error and uncaught exception, and saves numbered screenshots. */
export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  errors: string[];
  shot(name: string): Promise<void>;
  /** An error the test provokes on purpose (a 400 from a bad form, say): not counted once. */
  expectError(pattern: RegExp): void;
}

let shots = 0;

export async function openConsolePage(browser: Browser, baseURL: string, who: string): Promise<ConsolePage> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors: string[] = [];
  const expected: RegExp[] = [];
  const record = (text: string) => {
    const index = expected.findIndex((pattern) => pattern.test(text));
    if (index >= 0) expected.splice(index, 1);
    else errors.push(text);
  };
  page.on('console', (message) => {
    if (message.type() === 'error') record(`[${who}] console: ${message.text()} ${JSON.stringify(message.location())}`);
  });
  page.on('pageerror', (error) => record(`[${who}] pageerror: ${error.message}`));
  return {
    context,
    page,
    errors,
    expectError: (pattern) => void expected.push(pattern),
    async shot(name) {
      await page.waitForTimeout(450); // let transitions (progress bars, dialogs) finish
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

/** Tidy layout: nothing wider than the window (wide tables scroll inside their card). */
export async function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}
