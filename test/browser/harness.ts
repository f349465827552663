import axeCore from 'axe-core';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The browser harness: the real app listening on a random port (createTestApp: in-memory SQLite, seeded), and
 * Debian's Chromium (never a downloaded browser build) driven by playwright-core with a fresh profile directory.
 * Every page records console errors and uncaught exceptions; axe-core checks each screen; screenshots go to
 * test/browser/screenshots/ (git-ignored).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SCREENSHOTS = join(__dirname, 'screenshots');

/** `describe` when Chromium is installed; otherwise the suite is skipped and says why. */
export function describeInBrowser(name: string, fn: () => void): void {
  if (HAVE_CHROMIUM) {
    describe(name, fn);
    return;
  }
  describe(name, () => {
    it.skip(`needs ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH): skipped`, () => undefined);
  });
  console.warn(`[browser tests] ${CHROMIUM} is missing: "${name}" skipped. Install it with: apt-get install -y chromium`);
}

/**
 * The little of the page's globals the harness touches, typed here because this project's TypeScript has no DOM
 * library. (waitForFunction takes functions, not strings: a string would need 'unsafe-eval', which the CSP refuses.)
 */
interface PageGlobals {
  location: { hash: string };
  document: { querySelector(selector: string): unknown };
}

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export interface Harness {
  t: TestApp;
  base: string;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function startHarness(opts: { patients?: number } = {}): Promise<Harness> {
  const t = await createTestApp({ patients: opts.patients ?? 40 });
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const profile = mkdtempSync(join(tmpdir(), 'hit-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 720 },
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    t,
    base,
    context,
    async close() {
      await context.close();
      await t.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The browser logs "Failed to load resource: ... status of 403" for every refused fetch. A refusal the console
 * shows on purpose (a 403 with its explanation, a 401 before the re-login prompt, a 409 it explains) is part of
 * the lesson, not a page error: those lines are counted apart. Anything else at error level fails the test.
 */
const EXPECTED_REFUSAL = /^Failed to load resource: the server responded with a status of (401|403|404|409) /;

/** One browser tab of the console, with the problems it reported. */
export class ConsoleTab {
  readonly errors: string[] = [];
  readonly refusals: string[] = [];

  private constructor(readonly page: Page, readonly h: Harness) {
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() !== 'error') return;
      const url = m.location().url ?? '';
      if (EXPECTED_REFUSAL.test(m.text()) && !url.includes('/console/')) this.refusals.push(`${m.text()} ${url}`);
      else this.errors.push(`${m.text()} ${url}`);
    });
    page.on('pageerror', (err) => this.errors.push(`uncaught: ${err.message}`));
  }

  /** A new tab at /console (its own sessionStorage), signed in as `username` when given. */
  static async open(h: Harness, username?: string): Promise<ConsoleTab> {
    const tab = new ConsoleTab(await h.context.newPage(), h);
    await tab.page.goto(`${h.base}/console`);
    await tab.page.waitForSelector('.user-card');
    if (username) await tab.signIn(username);
    return tab;
  }

  async signIn(username: string): Promise<void> {
    if (!(await this.page.locator('.user-card').count())) await this.go('login');
    await this.page.getByRole('button', { name: `Sign in as ${username}`, exact: true }).click();
    await this.page.waitForFunction(() => (globalThis as unknown as PageGlobals).location.hash !== '#/login');
    await this.page.waitForSelector('main h1');
  }

  /** Navigate by the hash router, e.g. go('audit'), go('patients/4'). */
  async go(route: string): Promise<void> {
    await this.page.evaluate((hash) => { (globalThis as unknown as PageGlobals).location.hash = hash; }, `#/${route}`);
    await this.page.waitForFunction((hash) => {
      const g = globalThis as unknown as PageGlobals;
      return g.location.hash === hash && g.document.querySelector('main h1') !== null;
    }, `#/${route}`);
  }

  /** Presses Tab until the focused element's text (or aria-label) matches, as a keyboard user would. */
  async tabTo(name: string | RegExp, max = 80): Promise<void> {
    for (let i = 0; i < max; i += 1) {
      await this.page.keyboard.press('Tab');
      const focused = await this.page.evaluate<string>("(document.activeElement.getAttribute('aria-label') || document.activeElement.textContent || '').trim()");
      if (typeof name === 'string' ? focused === name : name.test(focused)) return;
    }
    throw new Error(`${String(name)} is not reachable with Tab`);
  }

  /** axe-core on the page as it stands; returns the serious and critical violations (id: targets). */
  async axe(): Promise<string[]> {
    // page.evaluate is not subject to the page's CSP, so axe runs with the policy on.
    if (!(await this.page.evaluate<boolean>("'axe' in window"))) await this.page.evaluate(axeCore.source);
    const result = await this.page.evaluate<axeCore.AxeResults>("axe.run(document, { resultTypes: ['violations'] })");
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  async shot(name: string, fullPage = false): Promise<void> {
    await this.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
  }

  /** axe, screenshot and console check for one screen: the three things every screen must pass. */
  async checkScreen(name: string, fullPage = false): Promise<void> {
    await this.shot(name, fullPage);
    expect({ screen: name, violations: await this.axe() }).toEqual({ screen: name, violations: [] });
    expect({ screen: name, errors: this.errors }).toEqual({ screen: name, errors: [] });
  }
}
