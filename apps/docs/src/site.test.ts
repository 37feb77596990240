// Builds the documentation site and checks it in a real browser: Debian's
// Chromium driven by playwright-core, loading the static build from loopback.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type StaticServer, serveStatic } from '@ctxkit/test-utils';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const docsRoot = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `\n!!! docs browser test SKIPPED: no Chromium at ${CHROMIUM}. Install Debian's chromium (scripts/ci-system-deps.sh does) to run it.\n`,
  );
}

let server: StaticServer;
let browser: Browser;
const consoleErrors: string[] = [];
const failedResponses: string[] = [];

async function open(path: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`${path}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`${path}: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) failedResponses.push(`${res.status()} ${res.url()}`);
  });
  await page.goto(`${server.url}${path}`, { waitUntil: 'networkidle' });
  return page;
}

// Later pages of one test: wait for the load event and the rendered title, not for 500 ms of network
// silence (that alone cost ~0.7 s a page). A request that fails later is still caught: the server
// records every 404 and the page's listeners stay attached until the test closes it.
async function visit(page: Page, path: string): Promise<void> {
  await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  await page.locator('.VPDoc h1').first().waitFor();
}

describe.skipIf(!haveChromium)('documentation site in Chromium', () => {
  beforeAll(async () => {
    // The build runs typedoc with validation warnings as errors, then VitePress (dead links fail it).
    execFileSync('pnpm', ['run', 'docs:build'], { cwd: docsRoot, stdio: 'pipe', timeout: 300_000 });
    server = await serveStatic(resolve(docsRoot, '.vitepress/dist'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
      ],
    });
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the home page', async () => {
    const page = await open('/');
    await expect(page.locator('.VPHero .name').textContent()).resolves.toContain('ctxkit');
    await page.close();
  });

  it('opens the getting-started guide', async () => {
    const page = await open('/guide/getting-started');
    await expect(page.locator('h1').first().textContent()).resolves.toContain('Getting started');
    await page.close();
  });

  it('opens the API reference of each package, and one of its pages', async () => {
    // typedoc writes one folder per package: api/@ctxkit/<name>, and api/<name> for unscoped ones (the CLI).
    const api = resolve(docsRoot, 'api');
    const packages = [
      ...readdirSync(resolve(api, '@ctxkit')).map((name) => `@ctxkit/${name}`),
      ...readdirSync(api, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !d.name.startsWith('@') && !d.name.startsWith('_'))
        .map((d) => d.name),
    ];
    expect(packages).toEqual(
      expect.arrayContaining(['@ctxkit/core', '@ctxkit/sliding-window', '@ctxkit/tracker']),
    );
    const page = await open('/api/');
    for (const name of packages) {
      const index = `/api/${name}/`;
      await visit(page, index);
      await expect(page.locator('.VPDoc h1').first().textContent()).resolves.toContain(name);
      // Follow the first link to one of the package's own export pages (a class, function, …).
      // Hrefs in the server-rendered page are relative; compare resolved paths.
      const links = await page
        .locator('.VPDoc a')
        .evaluateAll((as) => as.map((a) => (a as unknown as { pathname: string }).pathname));
      const exportPage = links.find((l) => l.startsWith(index) && l !== index);
      expect(exportPage, `no export page linked from ${index}`).toBeDefined();
      await visit(page, exportPage as string);
      await expect(page.locator('.VPDoc h1').first().textContent()).resolves.not.toBe('');
    }
    await page.close();
  });

  it('opens every guide page from the sidebar', async () => {
    const page = await open('/guide/getting-started');
    const links = await page
      .locator('.VPSidebar a[href*="/guide/"], .VPSidebar a[href$="/benchmarks"]')
      .evaluateAll((as) => as.map((a) => (a as unknown as { pathname: string }).pathname));
    expect(links.length).toBeGreaterThanOrEqual(8);
    for (const link of new Set(links)) {
      await visit(page, link);
      await expect(page.locator('.VPDoc h1').first().textContent()).resolves.not.toBe('');
    }
    await page.close();
  });

  it('finds exports of several packages with the search box', async () => {
    const page = await open('/');
    await page.locator('.DocSearch-Button, .VPNavBarSearchButton, #local-search button').first().click();
    const input = page.locator('.VPLocalSearchBox input');
    for (const term of ['validateConversation', 'SlidingWindowContextManager', 'TokenUsageTracker']) {
      await input.fill(term);
      const result = page.locator('.VPLocalSearchBox .result').first();
      await expect.poll(() => result.textContent(), { timeout: 10_000 }).toContain(term);
    }
    // Opening a result navigates to its page.
    await page.locator('.VPLocalSearchBox .result').first().click();
    await page.waitForURL(/\/api\//, { timeout: 10_000 });
    await page.close();
  });

  it('fits the home page and a guide at 390 px and 1280 px, code comments visible', async () => {
    const shots = resolve(docsRoot, '.screenshots');
    mkdirSync(shots, { recursive: true });
    const problems: string[] = [];
    for (const width of [390, 1280]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      for (const path of ['/', '/guide/context-management']) {
        await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
        await page
          .locator(path === '/' ? '.VPHero' : '.VPDoc h1')
          .first()
          .waitFor();
        const name = path === '/' ? 'home' : path.split('/').pop();
        await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
        const overflow = await page.evaluate(() => {
          const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
            .document;
          return (
            doc.documentElement.scrollWidth - (globalThis as unknown as { innerWidth: number }).innerWidth
          );
        });
        if (overflow > 0)
          problems.push(`${path} at ${width}px: the page is ${overflow}px wider than the window`);
        // A code block that scrolls sideways hides the end of its lines, where the `// →` comments are.
        const hidden = await page.locator('.vp-doc div[class*="language-"] pre').evaluateAll(
          (pres) =>
            pres.filter((p) => {
              const el = p as unknown as { scrollWidth: number; clientWidth: number };
              return el.scrollWidth > el.clientWidth + 1;
            }).length,
        );
        if (hidden > 0) problems.push(`${path} at ${width}px: ${hidden} code block(s) overflow`);
      }
      await page.close();
    }
    expect(problems).toEqual([]);
  });

  it('saw no console error and no failed request on any page', () => {
    expect(consoleErrors).toEqual([]);
    expect(failedResponses).toEqual([]);
    expect(server.notFound).toEqual([]);
  });
});
