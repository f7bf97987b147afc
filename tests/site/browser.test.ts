// The production build in a real browser (playwright-core driving Debian's Chromium), served by a tiny
// static server on 127.0.0.1: clip facades with mouse and keyboard, no Twitch request before interaction,
// GitHub card links, console errors, accessibility (axe-core), narrow screens, search, and screenshots in
// test-results/screenshots/ for a human to look at.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, ROOT, type SiteBuild } from './helpers/build.ts';
import { loadRecaps } from './helpers/content.ts';
import { serveStatic, type StaticServer } from './helpers/static-server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const IN_CI = process.env.CI === 'true';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !IN_CI) {
  console.warn(`[site browser tests] SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH). In CI this fails.`);
}

const SCREENSHOTS = join(ROOT, 'test-results/screenshots');
const TWITCH_HOST = /(^|\.)(twitch\.tv|jtvnw\.net|ttvnw\.net|twitchcdn\.net|twitchsvc\.net)$/;
// A small 16:9 image answered for every thumbnail from our (not running) worker.
const THUMBNAIL =
  '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="270" viewBox="0 0 480 270"><defs><linearGradient id="g" x2="1" y2="1">' +
  '<stop offset="0" stop-color="#3b0764"/><stop offset="1" stop-color="#0e7490"/></linearGradient></defs><rect width="480" height="270" fill="url(#g)"/></svg>';

const recaps = loadRecaps();
const recap = (slug: string) => {
  const r = recaps.find((x) => x.slug === slug);
  if (!r) throw new Error(`fixture ${slug} missing`);
  return r;
};
const DAILY = recap('2026-01-05-daily-recap');
const HOSTILE = recap('2026-01-08-daily-recap');
const WEEKLY = recap('2026-01-11-weekly-summary');

interface Watch {
  twitch: string[];
  foreign: string[];
  errors: string[];
  dialogs: string[];
}

let build: SiteBuild;
let server: StaticServer;
let context: BrowserContext;
let profile: string;

/** A page with thumbnails and Twitch answered locally, and every request, console error and dialog recorded. */
async function open(path: string, { width = 1280, height = 900 } = {}): Promise<{ page: Page; watch: Watch }> {
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
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}

describe.skipIf(!haveChromium && !IN_CI)('site in a browser', () => {
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
    build = await buildSite({ preview: false });
    server = await serveStatic(build.outDir);
    await mkdir(SCREENSHOTS, { recursive: true });
    profile = await mkdtemp(join(tmpdir(), 'clip-recap-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
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
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await build?.cleanup();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('loads nothing from Twitch until a facade is used, then embeds it for this host (click, Enter, Space)', async () => {
    const { page, watch } = await open(`/recaps/${DAILY.slug}/`);
    // Scroll through so every lazy thumbnail loads, then wait for the network to settle.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForLoadState('networkidle');
    expect(await page.locator('iframe').count()).toBe(0);
    expect(watch.twitch).toEqual([]);

    const buttons = page.locator('button.facade');
    expect(await buttons.count()).toBe(DAILY.data.clips.length);
    expect(await page.locator('a.facade').count()).toBe(0);
    for (const [i, clip] of DAILY.data.clips.entries()) {
      await expect.poll(() => buttons.nth(i).getAttribute('aria-label')).toBe(`Play clip: ${clip.title}`);
    }
    // Served with the site's _headers, as on Pages: the CSP must allow exactly this embed.
    expect((await page.request.get(page.url())).headers()['content-security-policy']).toContain('frame-src https://clips.twitch.tv');
    const hostname = await page.evaluate(() => location.hostname);
    expect(hostname).toBe('127.0.0.1');
    const box = page.locator('.facade-box');
    // Position in the document (not the viewport, which scrolls when the button is clicked).
    const place = (i: number) =>
      box.nth(i).evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { top: r.top + window.scrollY, left: r.left, width: r.width, height: r.height };
      });
    const before = await place(0);
    expect(before.width / before.height).toBeCloseTo(16 / 9, 2);

    const checkEmbed = async (i: number) => {
      const frame = box.nth(i).locator('iframe');
      await frame.waitFor();
      const src = new URL((await frame.getAttribute('src'))!);
      expect(src.origin + src.pathname).toBe('https://clips.twitch.tv/embed');
      expect(src.searchParams.get('clip')).toBe(DAILY.data.clips[i]!.id);
      expect(src.searchParams.get('parent')).toBe(hostname);
      expect(src.searchParams.get('autoplay')).toBe('true');
      expect((await frame.getAttribute('allow'))?.split(/;\s*/)).toEqual(['autoplay', 'fullscreen']);
    };

    // 1. mouse
    await page.getByRole('button', { name: `Play clip: ${DAILY.data.clips[0]!.title}` }).click();
    await checkEmbed(0);
    expect(await place(0)).toEqual(before); // the reserved 16:9 box does not move or resize
    // 2. keyboard: Enter
    await page.getByRole('button', { name: `Play clip: ${DAILY.data.clips[1]!.title}` }).focus();
    await page.keyboard.press('Enter');
    await checkEmbed(1);
    // 3. keyboard: Space
    await page.getByRole('button', { name: `Play clip: ${DAILY.data.clips[2]!.title}` }).focus();
    await page.keyboard.press('Space');
    await checkEmbed(2);

    expect(await page.locator('iframe').count()).toBe(3);
    await expect.poll(() => watch.twitch.length).toBeGreaterThanOrEqual(3);
    expect(watch.twitch.every((u) => u.startsWith('https://clips.twitch.tv/embed?'))).toBe(true);
    expect(watch.foreign).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  it('shows visible focus on the play button', async () => {
    const { page } = await open(`/recaps/${DAILY.slug}/`);
    const button = page.locator('button.facade').first();
    await button.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const outline = await button.evaluate((el) => {
      const s = getComputedStyle(el);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), focused: el.matches(':focus-visible') };
    });
    expect(outline.focused).toBe(true);
    expect(outline.style).not.toBe('none');
    expect(outline.width).toBeGreaterThanOrEqual(2);
    await page.close();
  });

  it('draws the play icon on every facade from the stylesheet, purple on hover', async () => {
    const { page, watch } = await open(`/recaps/${DAILY.slug}/`);
    const icon = (el: Element, pseudo: string) => {
      const s = getComputedStyle(el, pseudo);
      return { content: s.content, width: s.width, height: s.height, clip: s.clipPath.split('(')[0], bg: s.backgroundColor, position: s.position };
    };
    const facades = page.locator('button.facade');
    expect(await facades.count()).toBe(DAILY.data.clips.length);
    for (let i = 0; i < DAILY.data.clips.length; i++) {
      expect(await facades.nth(i).evaluate(icon, '::before')).toEqual({ content: '""', width: '68px', height: '48px', clip: 'path', bg: 'rgba(33, 33, 33, 0.8)', position: 'absolute' });
      expect(await facades.nth(i).evaluate(icon, '::after')).toEqual({ content: '""', width: '68px', height: '48px', clip: 'polygon', bg: 'rgb(255, 255, 255)', position: 'absolute' });
    }
    // Centred on the thumbnail.
    const centred = await facades.first().evaluate((el) => {
      const box = el.getBoundingClientRect();
      const img = el.querySelector('img')!.getBoundingClientRect();
      return Math.abs(box.width / 2 - img.width / 2) < 1 && Math.abs(box.height / 2 - img.height / 2) < 1;
    });
    expect(centred).toBe(true);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await facades.first().hover();
    await expect.poll(() => facades.first().evaluate((el) => getComputedStyle(el, '::before').backgroundColor)).toBe('rgb(145, 70, 255)');
    expect(watch.twitch).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  it('links every GitHub card to its event', async () => {
    const { page, watch } = await open(`/recaps/${WEEKLY.slug}/`);
    const clips = page.locator('li.clip');
    for (const [i, clip] of WEEKLY.data.clips.entries()) {
      const hrefs = await clips.nth(i).locator('.gh-card a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs).toEqual(clip.github.map((e) => e.url));
    }
    const commit = WEEKLY.data.clips[1]!.github[1]!;
    await expect.poll(() => page.getByRole('link', { name: new RegExp(`^${commit.sha!.slice(0, 7)} `) }).getAttribute('href')).toBe(commit.url);
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  it('renders hostile text as text: no script runs, no dialog opens', async () => {
    const { page, watch } = await open(`/recaps/${HOSTILE.slug}/`);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForLoadState('networkidle');
    expect(await page.locator('h1').textContent()).toBe(HOSTILE.data.title);
    expect(await page.locator('li.clip h3').first().innerText()).toBe(`1. ${HOSTILE.data.clips[0]!.title}`);
    await page.locator('button.facade').first().click();
    await page.locator('iframe').first().waitFor();
    expect(watch.dialogs).toEqual([]);
    expect(watch.errors).toEqual([]);
    // Exactly the two scripts we ship; no element grew an event handler.
    expect(await page.locator('script').count()).toBe(2);
    expect(await page.evaluate(() => [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length)).toBe(0);
    await page.close();
  });

  it('works without JavaScript: the facade is a plain link to the clip on Twitch', async () => {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await page.goto(`${server.origin}/recaps/${DAILY.slug}/`);
    const links = page.locator('a.facade');
    expect(await links.count()).toBe(DAILY.data.clips.length);
    expect(await page.locator('button.facade').count()).toBe(0);
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(DAILY.data.clips.map((c) => c.url));
    expect(await page.locator('iframe').count()).toBe(0);
    await page.close();
  });

  it('has no serious or critical accessibility violations, light and dark', async () => {
    const paths = ['/', `/recaps/${DAILY.slug}/`, `/recaps/${HOSTILE.slug}/`, '/archive/', '/tags/', `/tags/${DAILY.data.tags[0]}/`, '/about/', '/search/', '/404.html'];
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const path of paths) {
        const { page, watch } = await open(path);
        await page.emulateMedia({ colorScheme });
        found.push(...(await axeViolations(page)).map((v) => `${colorScheme} ${path}: ${v}`));
        expect(watch.errors, path).toEqual([]);
        await page.close();
      }
    }
    expect(found).toEqual([]);
  });

  it('fits a 320 px screen without horizontal scrolling', async () => {
    for (const path of ['/', `/recaps/${DAILY.slug}/`, `/recaps/${HOSTILE.slug}/`, `/recaps/${recap('2026-01-14-topic-rate-limiting').slug}/`, `/recaps/${WEEKLY.slug}/`, '/archive/', '/tags/', '/search/']) {
      const { page } = await open(path, { width: 320, height: 640 });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, path).toBeLessThanOrEqual(320);
      await page.close();
    }
  });

  it('searches as the reader types: ranked result links with highlighted excerpts, from the index files only', async () => {
    const { page, watch } = await open('/search/');
    const fetched: string[] = [];
    page.on('request', (req) => fetched.push(new URL(req.url()).pathname));
    await page.locator('#search-input').fill('poison message');
    const links = page.locator('.search-result-title a');
    await expect.poll(() => links.first().getAttribute('href')).toBe(`/recaps/${DAILY.slug}/`);
    expect(await links.first().textContent()).toBe(DAILY.data.title);
    const marks = await page.locator('.search-result').first().locator('.search-excerpt mark').allTextContents();
    expect(marks.map((m) => m.toLowerCase())).toEqual(expect.arrayContaining(['poison', 'message']));
    await expect.poll(() => page.locator('.search-status').textContent()).toMatch(/^\d+ recaps? for “poison message”$/);
    // The query is kept in the address, and a link with ?q= runs it.
    expect(new URL(page.url()).searchParams.get('q')).toBe('poison message');
    expect(fetched.every((p) => p.startsWith('/search-index/'))).toBe(true);
    expect(fetched).toContain('/search-index/manifest.json');
    // Folded diacritics and case, and the last word completed while typing.
    await page.locator('#search-input').fill('PÖISON mess');
    await expect.poll(() => links.first().getAttribute('href')).toBe(`/recaps/${DAILY.slug}/`);
    await page.locator('#search-input').fill('zzznotaword');
    await expect.poll(() => page.locator('.search-status').textContent()).toBe('No recap matches “zzznotaword”.');
    expect(await page.locator('.search-result').count()).toBe(0);
    expect(watch.errors).toEqual([]);
    expect(watch.twitch).toEqual([]);
    expect(watch.foreign).toEqual([]);
    await page.close();
  });

  it('shows every result once when "More results" is pressed twice in a row, then moves focus to the new results', async () => {
    const { page, watch } = await open('/search/');
    await page.locator('#search-input').fill('recap');
    const status = page.locator('.search-status');
    await expect.poll(() => status.textContent()).toMatch(/^\d+ recaps for “recap”$/);
    const total = Number(/^(\d+)/.exec((await status.textContent())!)![1]);
    expect(total).toBeGreaterThan(10);
    expect(total).toBeLessThanOrEqual(20);
    const results = page.locator('.search-result-title a');
    await expect.poll(() => results.count()).toBe(10);
    const more = page.locator('.search-more');
    // Two presses in one task: the second comes while the first page is still being fetched.
    await more.evaluate((button: HTMLButtonElement) => {
      button.click();
      button.click();
    });
    await expect.poll(() => more.isHidden()).toBe(true);
    await page.waitForTimeout(600);
    const hrefs = await results.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toHaveLength(total);
    expect(new Set(hrefs).size).toBe(total);
    // Pressed from the keyboard, the last page moves focus to its first result instead of the page's start.
    await page.locator('#search-input').fill('');
    await page.locator('#search-input').fill('the');
    await expect.poll(() => results.count()).toBe(10);
    await more.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => more.isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe(await results.nth(10).getAttribute('href'));
    expect(watch.errors).toEqual([]);
    await page.close();
  });

    it('shows hostile titles and transcripts in search results as text: no markup, no script, no dialog', async () => {
    const { page, watch } = await open('/search/?q=onerror');
    const results = page.locator('.search-result');
    await expect.poll(() => results.count()).toBeGreaterThan(0);
    const hrefs = await page.locator('.search-result-title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toContain(`/recaps/${HOSTILE.slug}/`);
    expect(hrefs.every((h) => /^\/recaps\/[^/]+\/$/.test(h ?? ''))).toBe(true);
    const hostile = results.filter({ has: page.locator(`a[href="/recaps/${HOSTILE.slug}/"]`) });
    expect(await hostile.locator('.search-result-title a').textContent()).toBe(HOSTILE.data.title);
    // Only the elements the script builds: no element came from the index's text.
    const tags = await page.locator('.search-results *').evaluateAll((els) => [...new Set(els.map((e) => e.tagName.toLowerCase()))].sort());
    expect(tags.every((t) => ['a', 'h2', 'li', 'mark', 'p'].includes(t))).toBe(true);
    expect(await page.locator('.search-results script, .search-results img, .search-results iframe').count()).toBe(0);
    expect(watch.dialogs).toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(await page.locator('#search-input').inputValue()).toBe('onerror');
    await page.close();
  });

  it('takes screenshots at 375 px and 1280 px, light and dark', async () => {
    const shots: [string, string, number, 'light' | 'dark'][] = [
      ['recap', `/recaps/${DAILY.slug}/`, 375, 'light'],
      ['recap', `/recaps/${DAILY.slug}/`, 1280, 'light'],
      ['recap', `/recaps/${DAILY.slug}/`, 375, 'dark'],
      ['recap', `/recaps/${DAILY.slug}/`, 1280, 'dark'],
      ['hostile', `/recaps/${HOSTILE.slug}/`, 375, 'light'],
      ['home', '/', 375, 'light'],
      ['home', '/', 1280, 'dark'],
      ['archive', '/archive/', 1280, 'light'],
      ['search', '/search/?q=queue', 375, 'dark'],
      ['search', '/search/?q=queue', 1280, 'light'],
    ];
    for (const [name, path, width, colorScheme] of shots) {
      const { page } = await open(path, { width, height: 900 });
      await page.emulateMedia({ colorScheme });
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => window.scrollTo(0, 0));
      const file = join(SCREENSHOTS, `${name}-${width}-${colorScheme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      expect(existsSync(file)).toBe(true);
      await page.close();
    }
  });
});
