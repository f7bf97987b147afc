// The production build in a real browser (playwright-core driving Debian's Chromium), served by a tiny
// static server on 127.0.0.1: clip facades with mouse and keyboard, no Twitch request before interaction,
// GitHub card links, console errors, accessibility (axe-core), narrow screens, and screenshots in
// test-results/screenshots/ for a human to look at. Search in a browser: search-browser.test.ts.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/build.ts';
import { axeViolations, CHROMIUM, haveChromium, IN_CI, startBrowserSite, type BrowserSite } from './helpers/browser.ts';
import { bySlug, DAILY as DAILY_SLUG, HOSTILE as HOSTILE_SLUG } from './helpers/fixture-site.ts';

if (!haveChromium && !IN_CI) {
  console.warn(`[site browser tests] SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH). In CI this fails.`);
}

const SCREENSHOTS = join(ROOT, 'test-results/screenshots');
const DAILY = bySlug(DAILY_SLUG);
const HOSTILE = bySlug(HOSTILE_SLUG);
const WEEKLY = bySlug('2026-01-11-weekly-summary');

let site: BrowserSite;
const open: BrowserSite['open'] = (path, size) => site.open(path, size);

describe.skipIf(!haveChromium && !IN_CI)('site in a browser', () => {
  beforeAll(async () => {
    site = await startBrowserSite();
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await site?.close();
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

  it('hides a thumbnail that fails to load, above the fold or lazily below it, and keeps the others', async () => {
    const broken = [DAILY.data.clips[0]!.thumbnail, DAILY.data.clips.at(-1)!.thumbnail];
    const notFound = (route: Route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'gone' });
    for (const url of broken) await site.context.route(url, notFound);
    try {
      const { page } = await open(`/recaps/${DAILY.slug}/`);
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await page.waitForLoadState('networkidle');
      const images = () =>
        page.locator('.facade img').evaluateAll((imgs) => (imgs as HTMLImageElement[]).map((img) => ({ src: img.src, hidden: img.hidden, loaded: img.naturalWidth > 0, shown: getComputedStyle(img).visibility === 'visible' })));
      await expect.poll(async () => (await images()).filter((i) => broken.includes(i.src)).map((i) => i.shown)).toEqual([false, false]);
      const rest = (await images()).filter((i) => !broken.includes(i.src));
      expect(rest.length).toBe(DAILY.data.clips.length - 2);
      for (const img of rest) expect(img, img.src).toMatchObject({ hidden: false, loaded: true, shown: true });
      // The facade keeps its 16:9 box and stays a working play button.
      const box = await page.locator('.facade-box').first().boundingBox();
      expect(box!.width / box!.height).toBeCloseTo(16 / 9, 1);
      await expect.poll(() => page.locator('button.facade').first().getAttribute('aria-label')).toBe(`Play clip: ${DAILY.data.clips[0]!.title}`);
    } finally {
      for (const url of broken) await site.context.unroute(url, notFound);
    }
  });

  it('hides a thumbnail that failed before the script ran (found by its state, not by an event)', async () => {
    // The page as served, but with eager thumbnails and the facade script held back 500 ms: the 404s come first.
    const path = `/recaps/${DAILY.slug}/`;
    const pageUrl = site.server.origin + path;
    const broken = DAILY.data.clips[0]!.thumbnail;
    const notFound = (route: Route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'gone' });
    const heldBack = async (route: Route) => {
      const response = await route.fetch();
      const html = (await response.text())
        .replaceAll('loading="lazy"', 'loading="eager"')
        .replace(
          '<script type="module">',
          `<script type="module">await new Promise((r) => setTimeout(r, 500)); window.failedBeforeScript = [...document.querySelectorAll('.facade img')].filter((i) => i.complete && i.naturalWidth === 0).length;`,
        );
      await route.fulfill({ response, body: html });
    };
    await site.context.route(broken, notFound);
    await site.context.route(pageUrl, heldBack);
    try {
      const { page } = await open(path);
      await page.waitForLoadState('networkidle');
      await expect.poll(() => page.evaluate(() => (window as unknown as { failedBeforeScript?: number }).failedBeforeScript)).toBe(1);
      const hidden = await page.locator('.facade img').evaluateAll((imgs) => (imgs as HTMLImageElement[]).map((img) => [img.src, img.hidden, getComputedStyle(img).visibility]));
      expect(hidden.filter(([src]) => src === broken)).toEqual([[broken, true, 'hidden']]);
      expect(hidden.filter(([src]) => src !== broken).every(([, isHidden, visibility]) => isHidden === false && visibility === 'visible')).toBe(true);
    } finally {
      await site.context.unroute(pageUrl, heldBack);
      await site.context.unroute(broken, notFound);
    }
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
    const page = await site.context.newPage();
    const cdp = await site.context.newCDPSession(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await page.goto(`${site.server.origin}/recaps/${DAILY.slug}/`);
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
    for (const path of ['/', `/recaps/${DAILY.slug}/`, `/recaps/${HOSTILE.slug}/`, `/recaps/${bySlug('2026-01-14-topic-rate-limiting').slug}/`, `/recaps/${WEEKLY.slug}/`, '/archive/', '/tags/', '/search/']) {
      const { page } = await open(path, { width: 320, height: 640 });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, path).toBeLessThanOrEqual(320);
      await page.close();
    }
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
