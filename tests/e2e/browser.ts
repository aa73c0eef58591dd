import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startPortalServer, type PortalServer } from './portal-server.ts';

/**
 * What the browser tests share: Debian's chromium and how it is launched,
 * the rule for a machine without it, the watch for console errors and CSP
 * violations, axe-core on what the user sees, and the screenshots.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const VIEWPORT = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const AXE_SOURCE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export const haveChromium = existsSync(CHROMIUM);

/**
 * describe() for a browser test. Outside CI a machine without chromium skips
 * it and says why; in CI it runs, and launchChromium() fails.
 */
export function describeInBrowser(name: string, options: { timeout: number }, body: () => void): void {
  if (!haveChromium && !process.env.CI) {
    const reason = `browser e2e SKIPPED: ${CHROMIUM} not found — install Debian's chromium (apt-get install chromium) to run it`;
    console.warn(reason);
    describe(name, () => {
      it.skip(reason, () => {});
    });
    return;
  }
  describe(name, options, body);
}

/** Throws at once (before anything else starts) when chromium is missing: only CI gets this far without it. */
export function launchChromium(): Promise<Browser> {
  if (!haveChromium) {
    throw new Error(
      `Browser e2e cannot run: ${CHROMIUM} is missing. Install Debian's chromium package (apt-get install chromium); ` +
        'CI is set, and browser tests must not be skipped in CI.',
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
}

/** Chromium and the portal, side by side; if either fails, the other is closed before the error goes on. */
export async function startBrowserAndPortal(options: Parameters<typeof startPortalServer>[0] = {}): Promise<{ browser: Browser; portal: PortalServer }> {
  const launching = launchChromium();
  const [b, p] = await Promise.allSettled([launching, startPortalServer(options)]);
  if (b.status === 'fulfilled' && p.status === 'fulfilled') return { browser: b.value, portal: p.value };
  if (b.status === 'fulfilled') await b.value.close();
  if (p.status === 'fulfilled') await p.value.close();
  throw b.status === 'rejected' ? b.reason : (p as PromiseRejectedResult).reason;
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage, animations: 'disabled', caret: 'hide' });
}

/** The only client script the portal has: the help search box's suggestions, on help pages. */
export function isHelpSearchScript(pageUrl: string, scriptUrl: string): boolean {
  const pageAt = new URL(pageUrl);
  const script = new URL(scriptUrl);
  return script.origin === pageAt.origin && script.pathname === '/static/help-search.js' && (pageAt.pathname === '/ayuda' || pageAt.pathname.startsWith('/ayuda/'));
}

/**
 * What the browser complained about on the pages it watches: console errors
 * (CSP violations among them), script errors, broken sub-resources, and any
 * script the portal should not load.
 */
export class BrowserProblems {
  readonly list: string[] = [];

  constructor(private readonly allowScript: (pageUrl: string, scriptUrl: string) => boolean = isHelpSearchScript) {}

  watch(page: Page): Page {
    const { list } = this;
    page.on('console', (msg) => {
      // A 401/403/404/422 document is expected here; a broken sub-resource is caught on 'response'.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) list.push(`console.error on ${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => list.push(`page error on ${page.url()}: ${err.message}`));
    page.on('request', (req) => {
      if (req.resourceType() === 'script' && !this.allowScript(page.url(), req.url())) list.push(`script requested on ${page.url()}: ${req.url()} (only help pages load /static/help-search.js)`);
    });
    page.on('response', (res) => {
      if (res.request().resourceType() !== 'document' && res.status() >= 400) list.push(`${res.status()} for ${res.url()} on ${page.url()}`);
    });
    return page;
  }

  /** None since the last call (each test answers for its own pages). */
  expectNone(): void {
    const found = this.list.splice(0);
    expect(found, found.join('\n')).toEqual([]);
  }
}

export interface Finding {
  page: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * axe-core on exactly what the user sees: the DOM of a page is replayed at
 * the same URL in a page of a context with bypassCSP (axe is injected as a
 * script, which the portal's CSP rightly forbids), with the portal's real
 * stylesheets, so colour contrast is measured on the real styles. The
 * portal's own scripts are not run again there: the recorded DOM already
 * holds what they did (the suggestions list, the combobox attributes). The
 * audits run one after another in the background while the test goes on;
 * settle() waits for them.
 */
export class AxeAuditor {
  readonly findings: Finding[] = [];
  readonly audited = new Set<string>();
  readonly errors: string[] = [];
  private queue: Promise<void> = Promise.resolve();
  private html = '';

  private constructor(
    private readonly page: Page,
    private readonly source: string,
  ) {}

  static async create(browser: Browser): Promise<AxeAuditor> {
    const context = await browser.newContext({ viewport: VIEWPORT, bypassCSP: true, locale: 'es-CL' });
    const page = await context.newPage();
    const auditor = new AxeAuditor(page, readFileSync(AXE_SOURCE_PATH, 'utf8'));
    // Navigations get the recorded DOM; stylesheets and images come from the portal.
    await page.route('**/*', (route) => {
      const req = route.request();
      if (req.isNavigationRequest()) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: auditor.html });
      if (req.resourceType() === 'script') return route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: '' });
      return route.continue();
    });
    return auditor;
  }

  /** Record what `page` shows now and audit it in the background, under `label` (at `viewport`, the desktop's by default). */
  async audit(label: string, page: Page, viewport = VIEWPORT): Promise<void> {
    const html = await page.content();
    const at = page.url();
    this.queue = this.queue.then(() =>
      this.run(at, html, viewport).then(
        (violations) => {
          for (const v of violations) this.findings.push({ page: `${label} (${new URL(at).pathname})`, ...v });
          this.audited.add(label);
        },
        (err: unknown) => {
          this.errors.push(`${label} (${at}): ${err instanceof Error ? err.message : String(err)}`);
        },
      ),
    );
  }

  /** axe on `html` as if served at `at`. */
  async run(at: string, html: string, viewport = VIEWPORT): Promise<Array<Omit<Finding, 'page'>>> {
    this.html = html;
    await this.page.setViewportSize(viewport);
    // Without the fragment: going to the same URL with another #hash would not load the page again.
    const url = new URL(at);
    url.hash = '';
    await this.page.goto(url.href);
    await this.page.addScriptTag({ content: this.source });
    return this.page.evaluate(async () => {
      type AxeResult = { violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> };
      const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResult> } }).axe;
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
    });
  }

  /** How wide the document run() showed last is, at the viewport it ran at (wider than the viewport: it scrolls sideways). */
  scrollWidth(): Promise<number> {
    return this.page.evaluate(() => document.documentElement.scrollWidth);
  }

  /** Wait for every audit queued so far; fail if axe itself could not run. */
  async settle(): Promise<void> {
    await this.queue;
    expect(this.errors, 'axe could not audit').toEqual([]);
  }

  /**
   * The end of a walk: every audit done, the harness still catches known
   * faults (so an empty list means something), every page of `mustAudit`
   * audited, and no violation of any impact.
   */
  async expectNoViolations(origin: string, mustAudit: readonly string[]): Promise<void> {
    await this.settle();
    await this.expectToCatchKnownFaults(origin);
    expect(mustAudit.filter((p) => !this.audited.has(p)), 'pages the walk did not audit').toEqual([]);
    expect(this.findings, `axe found violations:\n${formatFindings(this.findings)}`).toEqual([]);
  }

  /** The harness itself: a page with known faults must be caught. */
  async expectToCatchKnownFaults(origin: string): Promise<void> {
    const faulty = await this.run(
      `${origin}/axe-self-check`,
      '<!doctype html><html><head><title>x</title></head><body><main><p style="color:#c8c8c8;background:#fff">poco contraste</p><input type="text" name="x"></main></body></html>',
    );
    expect(faulty.map((v) => v.id)).toEqual(expect.arrayContaining(['color-contrast', 'label', 'html-has-lang']));
  }
}

export function formatFindings(list: Finding[]): string {
  return list.map((f) => `  [${f.impact}] ${f.id} on ${f.page}: ${f.help}\n    ${f.targets.join('\n    ')}`).join('\n');
}
