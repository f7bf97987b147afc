// Search in a real browser (playwright-core driving Debian's Chromium) on the production fixture build: results as
// the reader types, from the index files only, hostile text kept as text, "More results" pressed twice, and an
// index replaced by a deploy while the page is open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSearchIndex, searchIndexFiles } from '../../site/lib/search-index.ts';
import { CHROMIUM, haveChromium, IN_CI, startBrowserSite, type BrowserSite } from './helpers/browser.ts';
import { bySlug, DAILY as DAILY_SLUG, HOSTILE as HOSTILE_SLUG } from './helpers/fixture-site.ts';

if (!haveChromium && !IN_CI) {
  console.warn(`[site search browser tests] SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH). In CI this fails.`);
}

const DAILY = bySlug(DAILY_SLUG);
const HOSTILE = bySlug(HOSTILE_SLUG);

let site: BrowserSite;
const open: BrowserSite['open'] = (path, size) => site.open(path, size);

describe.skipIf(!haveChromium && !IN_CI)('search in a browser', () => {
  beforeAll(async () => {
    site = await startBrowserSite();
  }, 120_000);

  afterAll(async () => {
    await site?.close();
  });

  it('searches as the reader types: ranked result links with highlighted excerpts, from the index files only', async () => {
    const { page, watch } = await open('/search/');
    // What typing fetches, not the page's own assets (the favicon comes late on a first visit).
    await page.waitForLoadState('networkidle');
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

  it('searches the new index when a deploy replaced it while the page was open', async () => {
    const { page, watch } = await open('/search/');
    const links = page.locator('.search-result-title a');
    await page.locator('#search-input').fill('poison message');
    await expect.poll(() => links.first().getAttribute('href')).toBe(`/recaps/${DAILY.slug}/`);
    // The deploy: the site now has another index, and the files of the one this page read are gone.
    const later = { slug: 'deployed-later', title: 'Webhook replay, deployed later', dateLabel: 'Fri, 6 Feb 2026', description: '', tags: [], category: 'development', body: '', clips: [] };
    const files = searchIndexFiles(buildSearchIndex([later]));
    const served: string[] = [];
    await page.route('**/search-index/**', (route) => {
      const name = new URL(route.request().url()).pathname.replace(/^\/search-index\//, '').replace(/\.json$/, '');
      served.push(name);
      const json = files.get(name);
      return json === undefined ? route.fulfill({ status: 404, body: 'Not found' }) : route.fulfill({ status: 200, contentType: 'application/json', body: json });
    });
    await page.locator('#search-input').fill('webhook');
    await expect.poll(() => page.locator('.search-status').textContent()).toBe('1 recap for “webhook”');
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['/recaps/deployed-later/']);
    expect(await page.locator('.search-unavailable').isHidden()).toBe(true);
    // The old build's shard first (gone), then the new manifest and the new build's files.
    expect(served[0]).toMatch(/^t-\d+\.[0-9a-f]{12}$/);
    expect(served.slice(1, 2)).toEqual(['manifest']);
    expect(files.has(served[0]!)).toBe(false);
    expect(watch.errors.every((e) => /404/.test(e))).toBe(true);
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
});
