// The real site build, twice: production (no drafts) and preview (SITE_PREVIEW=1), each into a temp directory.
// Checks the site as a whole: its pages and listings, feeds, the drafts rule and the search index. What a recap
// page holds, untrusted text on it, and what it loads: recap-page.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FALLBACK_WARNING } from '../../site/lib/front-matter.ts';
import { PAGE_SIZE } from '../../site/lib/listing.ts';
import { decodePostings, indexFileName, shardOf } from '../../site/lib/search-client.ts';
import type { DocEntry, SearchManifest } from '../../site/lib/search-index.ts';
import { terms } from '../../site/lib/search-text.ts';
import { buildSite, TEST_SITE_URL, type SiteBuild } from './helpers/build.ts';
import { bySlug, DAILY, DRAFT, drafts, has, HOSTILE, htmlFiles, page, published, read, recapPath, recaps } from './helpers/fixture-site.ts';
import { attr, hasClass, parseHtml, select, text, visibleText } from './helpers/html.ts';

/** Tags only the draft uses: their pages exist in previews only. */
const draftOnlyTags = [...new Set(drafts.flatMap((d) => d.data.tags))].filter((t) => !published.some((p) => p.data.tags.includes(t)));

let prod: SiteBuild;
let preview: SiteBuild;

beforeAll(async () => {
  prod = await buildSite({ preview: false });
  preview = await buildSite({ preview: true });
}, 120_000);

afterAll(async () => {
  await prod?.cleanup();
  await preview?.cleanup();
});

/** The built search index: manifest, every recap's doc entry in order, and a term's postings. */
function searchIndex(b: SiteBuild) {
  const json = (file: string) => JSON.parse(read(b, `search-index/${file}.json`));
  const manifest = json('manifest') as SearchManifest;
  const docs = Array.from({ length: Math.ceil(manifest.docs / manifest.docsPerFile) }, (_, n) => json(indexFileName('d', n, manifest.build)) as DocEntry[]).flat();
  const postings = (term: string) => {
    const n = shardOf(manifest.shards, term);
    const list = n < 0 ? undefined : (json(indexFileName('t', n, manifest.build)) as Record<string, number[]>)[term];
    return list ? decodePostings(list) : new Map<number, number>();
  };
  return { manifest, docs, postings };
}

function parseXml(xml: string): any {
  const valid = XMLValidator.validate(xml);
  expect(valid, `XML not well-formed: ${JSON.stringify(valid)}`).toBe(true);
  return new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => ['item', 'url', 'sitemap', 'category'].includes(name) }).parse(xml);
}

function sitemapUrls(b: SiteBuild): string[] {
  const index = parseXml(read(b, 'sitemap-index.xml'));
  const maps: string[] = index.sitemapindex.sitemap.map((s: { loc: string }) => s.loc);
  expect(maps.length).toBeGreaterThan(0);
  return maps.flatMap((loc) => {
    expect(loc.startsWith(`${TEST_SITE_URL}/`)).toBe(true);
    const doc = parseXml(read(b, new URL(loc).pathname.slice(1)));
    return doc.urlset.url.map((u: { loc: string }) => u.loc);
  });
}

function rssItems(b: SiteBuild): { title: string; link: string; guid: unknown; category?: string[]; pubDate: string }[] {
  const doc = parseXml(read(b, 'rss.xml'));
  expect(doc.rss['@_version']).toBe('2.0');
  return doc.rss.channel.item ?? [];
}

describe('fixtures', () => {
  it('cover every kind of post, a hostile one and a draft, and fill more than one home page', () => {
    expect(new Set(published.map((r) => r.data.content_type))).toEqual(new Set(['daily_recap', 'weekly_summary', 'topic_focus']));
    expect(bySlug(HOSTILE).data.draft).toBe(false);
    expect(bySlug(DRAFT).data.draft).toBe(true);
    expect(draftOnlyTags.length).toBeGreaterThan(0);
    expect(published.length).toBeGreaterThan(PAGE_SIZE);
  });
});

describe('production build', () => {
  it('has a page for every published recap and none for drafts', () => {
    for (const r of published) expect(has(prod, recapPath(r.slug)), r.slug).toBe(true);
    for (const d of drafts) expect(has(prod, recapPath(d.slug)), d.slug).toBe(false);
  });

  it("installs the fast front-matter reader in Astro's glob loader", () => {
    expect(prod.log).not.toContain(FALLBACK_WARNING);
  });

  it('has the site pages', () => {
    for (const p of ['index.html', 'page/2/index.html', 'archive/index.html', 'tags/index.html', 'categories/index.html', 'about/index.html', 'search/index.html', '404.html', 'rss.xml', 'robots.txt']) {
      expect(has(prod, p), p).toBe(true);
    }
  });

  it('paginates the home page newest first, ten per page', () => {
    const hrefs = (path: string) =>
      select(page(prod, path), 'a', (a) => /^\/recaps\/[^/]+\/$/.test(attr(a, 'href') ?? '')).map((a) => attr(a, 'href'));
    const unique = (xs: (string | undefined)[]) => [...new Set(xs)];
    expect(unique(hrefs('index.html'))).toEqual(published.slice(0, PAGE_SIZE).map((r) => `/recaps/${r.slug}/`));
    expect(unique(hrefs('page/2/index.html'))).toEqual(published.slice(PAGE_SIZE, 2 * PAGE_SIZE).map((r) => `/recaps/${r.slug}/`));
    expect(visibleText(page(prod, 'index.html'))).toContain('Page 1 of 2');
    expect(select(page(prod, 'index.html'), 'a', (a) => attr(a, 'href') === '/page/2/' && attr(a, 'rel') === 'next')).toHaveLength(1);
    expect(has(prod, 'page/1/index.html')).toBe(false);
  });

  it('paginates every tag and category listing the same way, and lists each recap exactly once across its pages', () => {
    const hrefs = (path: string) => [
      ...new Set(select(page(prod, path), 'a', (a) => /^\/recaps\/[^/]+\/$/.test(attr(a, 'href') ?? '')).map((a) => attr(a, 'href'))),
    ];
    const listings = [
      ...[...new Set(published.flatMap((r) => r.data.tags))].map((tag) => ({ base: `tags/${tag}/`, recaps: published.filter((r) => r.data.tags.includes(tag)) })),
      ...[...new Set(published.map((r) => r.data.category))].map((category) => ({ base: `categories/${category}/`, recaps: published.filter((r) => r.data.category === category) })),
    ];
    // (Listings longer than a page: tests/site/generated-recaps.test.ts.)
    for (const { base, recaps } of listings) {
      const pages = Math.ceil(recaps.length / PAGE_SIZE);
      const paths = Array.from({ length: pages }, (_, i) => (i === 0 ? `${base}index.html` : `${base}page/${i + 1}/index.html`));
      expect(paths.flatMap(hrefs), base).toEqual(recaps.map((r) => `/recaps/${r.slug}/`));
      expect(has(prod, `${base}page/${pages + 1}/index.html`), base).toBe(false);
      if (pages > 1) {
        expect(select(page(prod, paths[0]!), 'a', (a) => attr(a, 'href') === `/${base}page/2/` && attr(a, 'rel') === 'next'), base).toHaveLength(1);
        expect(select(page(prod, paths[1]!), 'a', (a) => attr(a, 'href') === `/${base}` && attr(a, 'rel') === 'prev'), base).toHaveLength(1);
      }
    }
  });

  it('keeps the space between a sentence and the link that follows it (Astro drops a line break between them)', () => {
    for (const file of htmlFiles(prod.outDir)) {
      const doc = parseHtml(readFileSync(file, 'utf8'));
      const footer = select(doc, 'footer')[0];
      expect(footer && visibleText(footer).replace(/\s+/g, ' '), relative(prod.outDir, file)).toMatch(/match is\. RSS feed/);
      // Anywhere: a sentence's end run into a link's first word.
      for (const a of select(doc, 'a')) {
        const before = a.parentNode && 'childNodes' in a.parentNode ? a.parentNode.childNodes[a.parentNode.childNodes.indexOf(a) - 1] : undefined;
        if (before?.nodeName === '#text') expect(text(before), `${relative(prod.outDir, file)}: before ${text(a)}`).not.toMatch(/[.!?:;,]$/);
      }
    }
  });

  it('never mentions a draft: no link, no title, no tag page', () => {
    for (const file of htmlFiles(prod.outDir)) {
      const html = readFileSync(file, 'utf8');
      for (const d of drafts) {
        expect(html, relative(prod.outDir, file)).not.toContain(`/recaps/${d.slug}/`);
        expect(html, relative(prod.outDir, file)).not.toContain(d.data.title);
      }
    }
    for (const tag of draftOnlyTags) expect(has(prod, `tags/${tag}/index.html`), tag).toBe(false);
    expect(read(prod, 'rss.xml')).not.toContain(DRAFT);
  });

  it('has a well-formed RSS feed with every published recap and its exact title', () => {
    const items = rssItems(prod);
    expect(items.map((i) => i.link)).toEqual(published.map((r) => `${TEST_SITE_URL}/recaps/${r.slug}/`));
    for (const item of items) {
      const r = published.find((p) => item.link.endsWith(`/${p.slug}/`))!;
      // Parsed back from XML, the hostile title comes out exactly as written: escaped, not mangled.
      expect(item.title).toBe(r.data.title);
      expect(new Date(item.pubDate).toISOString()).toBe(new Date(r.data.date).toISOString());
      expect(item.category).toEqual([r.data.category, ...r.data.tags]);
    }
  });

  it('has a well-formed sitemap with every public page and nothing else', () => {
    const urls = sitemapUrls(prod);
    for (const r of published) expect(urls).toContain(`${TEST_SITE_URL}/recaps/${r.slug}/`);
    for (const p of ['/', '/page/2/', '/archive/', '/about/', '/tags/rate-limiting/', '/categories/development/']) {
      expect(urls).toContain(`${TEST_SITE_URL}${p}`);
    }
    expect(urls.filter((u) => u.includes('/search/') || u.includes('404'))).toEqual([]);
    expect(urls.every((u) => u.startsWith(`${TEST_SITE_URL}/`))).toBe(true);
  });

  it('ships Cloudflare Pages headers that only allow Twitch clips in frames', () => {
    const headers = read(prod, '_headers');
    expect(headers).toMatch(/^\/\*$/m);
    expect(headers).toContain("frame-src https://clips.twitch.tv");
    expect(headers).toContain("frame-ancestors 'none'");
  });

  it('points crawlers at the sitemap and is indexable', () => {
    expect(read(prod, 'robots.txt')).toContain(`Sitemap: ${TEST_SITE_URL}/sitemap-index.xml`);
    expect(select(page(prod, 'index.html'), 'meta', (m) => attr(m, 'name') === 'robots')).toEqual([]);
  });

  it('builds a search index of exactly the published recaps, newest first, fetched by the search page only', () => {
    const index = searchIndex(prod);
    expect(index.manifest.docs).toBe(published.length);
    expect(index.docs.map((d) => d[0])).toEqual(published.map((r) => r.slug));
    expect(index.docs.map((d) => d[1])).toEqual(published.map((r) => r.data.title));
    // Every word of a recap's title, summary, tags, clip titles and body leads back to it.
    const hostile = published.find((r) => r.slug === HOSTILE)!;
    const id = published.indexOf(hostile);
    const [prose] = select(page(prod, recapPath(HOSTILE)), 'div', (d) => hasClass(d, 'prose'));
    const words = terms([hostile.data.title, hostile.data.description, hostile.data.tags.join(' '), hostile.data.clips.map((c) => `${c.title} ${c.transcript_excerpt}`).join(' '), text(prose!)].join(' '));
    expect(words.length).toBeGreaterThan(50);
    for (const term of words) {
      expect(index.postings(term).has(id), term).toBe(true);
    }
    const search = page(prod, 'search/index.html');
    expect(select(search, 'input', (i) => attr(i, 'type') === 'search' && attr(i, 'id') === 'search-input')).toHaveLength(1);
    const scripts = select(search, 'script', (s) => attr(s, 'type') === 'module');
    expect(scripts).toHaveLength(1);
    const code = attr(scripts[0]!, 'src') ? read(prod, attr(scripts[0]!, 'src')!.slice(1)) : text(scripts[0]!);
    expect(code).toContain('/search-index/');
    // No other page carries the search code or points at the index.
    for (const file of htmlFiles(prod.outDir).filter((f) => !f.endsWith(join('search', 'index.html')))) {
      const html = readFileSync(file, 'utf8');
      expect(html, relative(prod.outDir, file)).not.toContain('search-index');
      for (const s of select(parseHtml(html), 'script', (s) => !!attr(s, 'src'))) expect(attr(s, 'src'), relative(prod.outDir, file)).not.toBe(attr(scripts[0]!, 'src'));
    }
  });

  it('keeps drafts out of the search index', () => {
    const files = readdirSync(join(prod.outDir, 'search-index')).map((f) => readFileSync(join(prod.outDir, 'search-index', f), 'utf8'));
    for (const d of drafts) {
      for (const json of files) {
        expect(json).not.toContain(d.slug);
        expect(json).not.toContain(JSON.stringify(d.data.title).slice(1, -1));
      }
    }
  });
});

describe('preview build', () => {
  it('builds drafts, marked and not indexable', () => {
    for (const r of recaps) expect(has(preview, recapPath(r.slug)), r.slug).toBe(true);
    const doc = page(preview, recapPath(DRAFT));
    expect(select(doc, 'span', (s) => hasClass(s, 'badge-draft')).length).toBeGreaterThan(0);
    expect(select(doc, 'meta', (m) => attr(m, 'name') === 'robots').map((m) => attr(m, 'content'))).toEqual(['noindex']);
    expect(read(preview, 'index.html')).toContain(`/recaps/${DRAFT}/`);
    for (const tag of draftOnlyTags) expect(has(preview, `tags/${tag}/index.html`), tag).toBe(true);
    expect(searchIndex(preview).docs.map((d) => d[0])).toContain(DRAFT);
    expect(read(preview, 'robots.txt')).toContain('Disallow: /');
    // The banner saying so is a landmark of its own (content outside every landmark is missed by screen readers).
    const banner = select(doc, 'aside', (a) => hasClass(a, 'preview-banner'));
    expect(banner.map((a) => attr(a, 'aria-label'))).toEqual(['Preview build']);
    expect(visibleText(banner[0]!)).toContain('drafts are shown');
    expect(select(page(prod, recapPath(DAILY)), 'aside', (a) => hasClass(a, 'preview-banner'))).toEqual([]);
  });

  it('keeps drafts out of RSS and the sitemap', () => {
    const items = rssItems(preview);
    expect(items.map((i) => i.link)).toEqual(published.map((r) => `${TEST_SITE_URL}/recaps/${r.slug}/`));
    const urls = sitemapUrls(preview);
    for (const d of drafts) expect(urls.filter((u) => u.includes(d.slug))).toEqual([]);
    for (const tag of draftOnlyTags) expect(urls).not.toContain(`${TEST_SITE_URL}/tags/${tag}/`);
    for (const r of published) expect(urls).toContain(`${TEST_SITE_URL}/recaps/${r.slug}/`);
  });
});

describe('build of an empty recaps folder (this repository before any recap is merged)', () => {
  it('builds the site pages with no recap, and says where recaps were looked for and how to build the demo', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'clip-recap-empty-recaps-'));
    const built = await buildSite({ preview: false, contentDir: empty });
    try {
      expect(searchIndex(built).docs).toEqual([]);
      expect(has(built, 'index.html')).toBe(true);
      expect(built.log).toContain(`no recaps in ${empty}`);
      expect(built.log).toContain('SITE_CONTENT_DIR=.demo/blog/site/content/recaps npm run site:build');
    } finally {
      await built.cleanup();
      await rm(empty, { recursive: true, force: true });
    }
  }, 120_000);

  it('says a folder of drafts only holds drafts, built in preview builds', async () => {
    const draftsOnly = await mkdtemp(join(tmpdir(), 'clip-recap-drafts-only-'));
    const draft = recaps.find((r) => r.slug === DRAFT)!;
    await mkdir(join(draftsOnly, '2026'));
    await copyFile(draft.file, join(draftsOnly, '2026', basename(draft.file)));
    const built = await buildSite({ preview: false, contentDir: draftsOnly });
    try {
      expect(searchIndex(built).docs).toEqual([]);
      expect(built.log).toContain(`no published recap in ${draftsOnly}: its 1 recap file(s) are drafts, built only in preview builds (SITE_PREVIEW=1).`);
      expect(built.log).not.toContain('no recaps in');
    } finally {
      await built.cleanup();
      await rm(draftsOnly, { recursive: true, force: true });
    }
  }, 120_000);
});
