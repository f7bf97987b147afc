// The production fixture build served on 127.0.0.1 and opened in Debian's Chromium (playwright-core), with our
// worker's thumbnails answered by a small picture and Twitch by an empty page, for the site's browser tests.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';
import { buildSite, ROOT, type SiteBuild } from './build.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const IN_CI = process.env.CI === 'true';
export const haveChromium = existsSync(CHROMIUM);
export const TWITCH_HOST = /(^|\.)(twitch\.tv|jtvnw\.net|ttvnw\.net|twitchcdn\.net|twitchsvc\.net)$/;
// A small 16:9 image answered for every thumbnail from our (not running) worker.
const THUMBNAIL =
  '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="270" viewBox="0 0 480 270"><defs><linearGradient id="g" x2="1" y2="1">' +
  '<stop offset="0" stop-color="#3b0764"/><stop offset="1" stop-color="#0e7490"/></linearGradient></defs><rect width="480" height="270" fill="url(#g)"/></svg>';

export interface Watch {
  twitch: string[];
  foreign: string[];
  errors: string[];
  dialogs: string[];
}

export interface BrowserSite {
  server: StaticServer;
  context: BrowserContext;
  /** A page with every request, console error and dialog recorded. */
  open(path: string, size?: { width?: number; height?: number }): Promise<{ page: Page; watch: Watch }>;
  close(): Promise<void>;
}

export async function startBrowserSite(): Promise<BrowserSite> {
  if (!haveChromium) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  const build: SiteBuild = await buildSite({ preview: false });
  const server = await serveStatic(build.outDir);
  const profile = await mkdtemp(join(tmpdir(), 'clip-recap-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Our worker's thumbnails get a tiny image; Twitch (only ever reached after a click) an empty page.
  await context.route('http://127.0.0.1:8787/assets/thumbnails/**', (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: THUMBNAIL }));
  await context.route(
    (url) => TWITCH_HOST.test(url.hostname),
    (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>clip</title>' }),
  );
  const open = async (path: string, { width = 1280, height = 900 } = {}) => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    const watch: Watch = { twitch: [], foreign: [], errors: [], dialogs: [] };
    page.on('request', (req: Request) => {
      const url = new URL(req.url());
      if (TWITCH_HOST.test(url.hostname)) watch.twitch.push(req.url());
      else if (url.origin !== server.origin && url.origin !== 'http://127.0.0.1:8787' && url.protocol !== 'data:') watch.foreign.push(req.url());
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') watch.errors.push(`${msg.text()} @ ${msg.location().url}`);
    });
    page.on('pageerror', (err) => watch.errors.push(String(err)));
    page.on('dialog', async (dialog) => {
      watch.dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await page.goto(server.origin + path, { waitUntil: 'load' });
    return { page, watch };
  };
  const close = async () => {
    await context.close();
    await server.close();
    await build.cleanup();
    await rm(profile, { recursive: true, force: true });
  };
  return { server, context, open, close };
}

/** axe-core's serious and critical violations on the page. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}
