import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { WEB_DIST } from '../../api/server.js';

/** Debian's Chromium; playwright-core never downloads a browser of its own here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium as this machine needs it: no sandbox (root), no GPU, and none of the background
 * connections a closed network refuses. playwright's launch() gives every browser a fresh, empty
 * profile directory of its own (the equivalent of a new --user-data-dir).
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium fonts-noto-cjk (.ci/run does).`);
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error('The web app is not built: run `npm run build:web` (npm ci runs it).');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
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

/**
 * A desktop-sized page (1366×768) in a browser of its own. Its waits give up after 10 s, sooner than
 * a test's own timeout, so a failure names the element it waited for.
 */
export async function openDesktopPage(options: { acceptDownloads?: boolean } = {}): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, ...options });
  page.setDefaultTimeout(10_000);
  return { browser, page };
}

export const SCREENSHOT_DIR = join('test-results', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs the page in with a token (what the login form stores), then opens `path`. */
export async function signInPage(page: Page, baseUrl: string, token: string, path = '/'): Promise<void> {
  await page.goto(`${baseUrl}/healthz`);
  await page.evaluate((t) => sessionStorage.setItem('taizhang.token', t), token);
  await page.goto(`${baseUrl}${path}`);
}

/** The office's navigation, link by link in order, as App.tsx gives it (the tests that check it share one list). */
export const OFFICE_NAV = [
  '挂图作战',
  '整改台账',
  '导入问题清单',
  '登记问题',
  '来源文件',
  '12317 举报',
  '约谈',
  '延期申请',
  '年度考核',
  '季督查',
  '月通报',
  '举一反三',
  '单位与领导班子',
];
