import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from './test-app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = 'artifacts/screenshots';

/** Builds dist/ when it is older than src/: the page loads the compiled board and client. */
function ensureBuilt(): void {
  execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });
}

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page that fails the test on any script error or CSP violation. */
export async function openPage(browser: Browser, options: { width?: number; height?: number } = {}) {
  const page = await browser.newPage({
    viewport: { width: options.width ?? 1200, height: options.height ?? 900 },
  });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

export interface BrowserSession {
  browser: Browser;
  app: TestApp;
  /** http://127.0.0.1:<port> of the listening app. */
  base: string;
  close(): Promise<void>;
}

/** A built, listening app and a browser to look at it with. */
async function startBrowserSession(env: Record<string, string>): Promise<BrowserSession> {
  ensureBuilt();
  const browser = await launchBrowser();
  const app = await startTestApp(env);
  const base = (await app.listen()).http;
  return {
    browser,
    app,
    base,
    close: async () => {
      await browser.close();
      await app.close();
    },
  };
}

/**
 * One BrowserSession for a test file (its app on `env`): started before its tests, closed after them. Read its
 * fields inside tests.
 */
export function useBrowserSession(env: Record<string, string> = {}): Omit<BrowserSession, 'close'> {
  let session: BrowserSession | undefined;
  beforeAll(async () => {
    session = await startBrowserSession(env);
  }, 60_000);
  afterAll(() => session?.close());
  const current = () => {
    if (!session) throw new Error('the browser session has not started');
    return session;
  };
  return {
    get browser() {
      return current().browser;
    },
    get app() {
      return current().app;
    },
    get base() {
      return current().base;
    },
  };
}
