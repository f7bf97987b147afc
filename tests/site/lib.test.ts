// The site's pure helpers: formatting, listing, JSON-LD escaping, the Markdown sanitizer, the sitemap's draft
// filter and the embed URL. No build needed.
import { readFile } from 'node:fs/promises';
import matter from 'gray-matter';
import { createSatteriMarkdownProcessor } from '@astrojs/markdown-satteri';
import siteConfig from '../../astro.config.mjs';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import { describe, expect, it } from 'vitest';
import { RecapFrontmatter } from '../../content-pipeline/schemas/recap.ts';
import { embedUrl, facadeTitle, WATCH_LABEL } from '../../site/lib/clip-facade.ts';
import { clearSitemapVisibility, recordSitemapVisibility, sitemapFilter } from '../../site/lib/content-index.mjs';
import {
  confidenceLevel,
  describeEvent,
  formatConfidence,
  formatDateRange,
  formatDuration,
  formatOffset,
  githubSummaryLine,
  isoDuration,
  readingMinutes,
} from '../../site/lib/format.ts';
import { recapJsonLd, serializeJsonLd } from '../../site/lib/jsonld.ts';
import { groupByCategory, groupByMonth, groupByTag, isVisible, listingPages, paginate, sitemapVisibility, sortNewestFirst, type RecapLike } from '../../site/lib/listing.ts';
import { bodyWordCount } from '../../site/lib/markdown-store.mjs';
import { isSafeUrl, safeMarkdown } from '../../site/lib/safe-markdown.mjs';
import { countWords } from '../../site/lib/words.mjs';
import { CONTENT_DIR, listRecapFiles, loadRecaps, slugFromPath } from './helpers/content.ts';
import { elements, parseHtml, text } from './helpers/html.ts';

describe('serializeJsonLd', () => {
  const hostile = '</script><script>alert(1)</script><!-- & \u2028\u2029 >';

  it('escapes everything that could end or confuse a script element, and stays JSON', () => {
    const out = serializeJsonLd({ headline: hostile, nested: [{ name: '</SCRIPT >' }] });
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(out).toContain('\\u003c/script\\u003e');
    expect(out).toContain('\\u2028\\u2029');
    expect(JSON.parse(out)).toEqual({ headline: hostile, nested: [{ name: '</SCRIPT >' }] });
  });

  it('rejects what JSON cannot represent', () => {
    expect(() => serializeJsonLd(undefined)).toThrow(TypeError);
  });
});

describe('recapJsonLd', () => {
  const [recap] = loadRecaps().filter((r) => r.slug === '2026-01-05-daily-recap');

  it('is a BlogPosting with one VideoObject per clip', () => {
    const ld = recapJsonLd({ data: recap!.data, url: 'https://x.test/recaps/a/', siteTitle: 'Clip Recap', siteUrl: 'https://x.test/' }) as any;
    expect(ld['@context']).toBe('https://schema.org');
    expect(ld['@type']).toBe('BlogPosting');
    expect(ld.url).toBe('https://x.test/recaps/a/');
    expect(ld.image).toBe(recap!.data.clips[0]!.thumbnail);
    expect(ld.video.map((v: any) => v.thumbnailUrl)).toEqual(recap!.data.clips.map((c) => c.thumbnail));
    expect(ld.video[0]).toMatchObject({ '@type': 'VideoObject', duration: 'PT43S', uploadDate: '2026-01-05T14:12:40Z', embedUrl: recap!.data.clips[0]!.embed_url });
  });

  it('holds the properties search engines document for the two types, and no others', () => {
    const ld = recapJsonLd({ data: recap!.data, url: 'https://x.test/recaps/a/', siteTitle: 'Clip Recap', siteUrl: 'https://x.test/' }) as any;
    expect(Object.keys(ld).sort()).toEqual(
      ['@context', '@type', 'author', 'dateModified', 'datePublished', 'description', 'headline', 'image', 'publisher', 'url', 'video'].sort(),
    );
    for (const [i, v] of ld.video.entries()) {
      const clip = recap!.data.clips[i]!;
      expect(Object.keys(v).sort()).toEqual(['@type', 'description', 'duration', 'embedUrl', 'interactionStatistic', 'name', 'thumbnailUrl', 'uploadDate'].sort());
      // Google's required VideoObject properties are never empty.
      for (const key of ['name', 'thumbnailUrl', 'uploadDate']) expect(v[key], key).toMatch(/\S/);
      expect(v.description).toBe(clip.transcript_excerpt.trim() || clip.title);
      expect(v.interactionStatistic.userInteractionCount).toBe(clip.views);
    }
  });

  it('has no image when there is no clip', () => {
    const ld = recapJsonLd({ data: { ...recap!.data, clips: [] }, url: 'https://x.test/recaps/a/', siteTitle: 'Clip Recap', siteUrl: 'https://x.test/' }) as any;
    expect(ld).not.toHaveProperty('image');
    expect(ld.author.name).toBe('Clip Recap');
    expect(ld.video).toEqual([]);
    expect(() => JSON.parse(serializeJsonLd(ld))).not.toThrow();
  });
});

describe('formatting', () => {
  it('says when an event happened relative to the clip', () => {
    expect(formatOffset(-720)).toBe('12 min before the clip');
    expect(formatOffset(180)).toBe('3 min after the clip');
    expect(formatOffset(10)).toBe('at the time of the clip');
    expect(formatOffset(-45)).toBe('1 min before the clip');
    expect(formatOffset(3600)).toBe('1 h after the clip');
    expect(formatOffset(-69_960)).toBe('19 h 26 min before the clip');
    expect(formatOffset(3 * 86_400)).toBe('3 days after the clip');
  });

  it('formats durations for people and for schema.org', () => {
    expect(formatDuration(42.5)).toBe('0:43');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(isoDuration(42.4)).toBe('PT42S');
    expect(isoDuration(65)).toBe('PT1M5S');
    expect(isoDuration(3603)).toBe('PT1H0M3S');
    expect(isoDuration(0)).toBe('PT0S');
  });

  it('formats covered ranges, end exclusive, in UTC', () => {
    expect(formatDateRange('2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z')).toBe('Mon, 5 Jan 2026');
    expect(formatDateRange('2026-01-05T00:00:00Z', '2026-01-12T00:00:00Z')).toBe('5–11 Jan 2026');
    expect(formatDateRange('2026-01-26T00:00:00Z', '2026-02-02T00:00:00Z')).toBe('26 Jan – 1 Feb 2026');
    expect(formatDateRange('2025-12-29T00:00:00Z', '2026-01-05T00:00:00Z')).toBe('29 Dec 2025 – 4 Jan 2026');
  });

  it('shows confidence as a percentage with a level', () => {
    expect(formatConfidence(0.92)).toBe('92% match');
    expect(formatConfidence(0.055)).toBe('6% match');
    expect([0.95, 0.8, 0.6, 0.2].map(confidenceLevel)).toEqual(['high', 'high', 'medium', 'low']);
  });

  it('summarises GitHub activity', () => {
    expect(githubSummaryLine({ commits: 1, pull_requests: 2, issues: 0, repositories: ['a/b', 'c/d'] })).toBe('1 commit, 2 PRs and 0 issues across 2 repositories');
    expect(githubSummaryLine({ commits: 0, pull_requests: 0, issues: 0, repositories: [] })).toBe('No linked GitHub activity');
  });

  it('estimates reading time from the body and the transcripts', () => {
    const clip = { title: 'a', transcript_excerpt: 'word '.repeat(300) } as RecapFrontmatter['clips'][number];
    expect(readingMinutes(0, { clips: [clip] })).toBe(2);
    expect(readingMinutes(0, { clips: [{ ...clip, transcript_excerpt: '' }] })).toBe(1);
    expect(readingMinutes(220, { clips: [{ ...clip, transcript_excerpt: '' }] })).toBe(2);
  });

  it('counts words: whitespace-separated runs holding a letter or digit', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('  one two\n\nthree — 4 * [link](https://a.test) ')).toBe(5);
    expect(countWords('é ü 字')).toBe(3);
  });

  it('describes GitHub events: short sha, number, state', () => {
    const base = { id: 'x', repo: 'a/b', title: 't', url: 'https://github.com/a/b', actor: null, occurred_at: '2026-01-01T00:00:00Z', offset_seconds: 0, confidence: 1, reason: 'r' } as const;
    expect(describeEvent({ ...base, type: 'push', action: null, number: null, sha: '9f3c2a1b7e4d5f60718293a4b5c6d7e8f9012345' })).toEqual({ kind: 'Commit', ref: '9f3c2a1', state: null, stateLabel: null });
    expect(describeEvent({ ...base, type: 'pull_request', action: 'merged', number: 42, sha: null })).toMatchObject({ kind: 'Pull request', ref: '#42', state: 'merged' });
    expect(describeEvent({ ...base, type: 'pull_request', action: 'closed', number: 44, sha: null }).state).toBe('closed');
    expect(describeEvent({ ...base, type: 'issues', action: 'opened', number: 41, sha: null })).toMatchObject({ kind: 'Issue', ref: '#41', state: 'open', stateLabel: 'opened' });
    expect(describeEvent({ ...base, type: 'pull_request', action: 'ready_for_review', number: 3, sha: null })).toMatchObject({ state: null, stateLabel: 'ready for review' });
  });
});


describe('listing', () => {
  const r = (id: string, date: string, extra: Partial<RecapLike['data']> = {}): RecapLike => ({
    id,
    data: { date, draft: false, tags: [], category: 'development', date_range: { start: date }, ...extra },
  });

  it('shows drafts only when asked', () => {
    expect(isVisible(r('a', '2026-01-01T00:00:00Z', { draft: true }), false)).toBe(false);
    expect(isVisible(r('a', '2026-01-01T00:00:00Z', { draft: true }), true)).toBe(true);
    expect(isVisible(r('a', '2026-01-01T00:00:00Z'), false)).toBe(true);
  });

  it('sorts newest first, ties by slug', () => {
    const sorted = sortNewestFirst([r('a', '2026-01-01T00:00:00Z'), r('c', '2026-01-02T00:00:00Z'), r('b', '2026-01-02T00:00:00Z')]);
    expect(sorted.map((x) => x.id)).toEqual(['c', 'b', 'a']);
  });

  it('paginates with / for the first page and /page/n/ after', () => {
    expect(paginate([], 10)).toEqual([{ items: [], number: 1, total: 1, url: '/', prevUrl: null, nextUrl: null }]);
    const pages = paginate(Array.from({ length: 21 }, (_, i) => i), 10);
    expect(pages.map((p) => [p.url, p.items.length, p.prevUrl, p.nextUrl])).toEqual([
      ['/', 10, null, '/page/2/'],
      ['/page/2/', 10, '/', '/page/3/'],
      ['/page/3/', 1, '/page/2/', null],
    ]);
  });

  it('paginates a tag or category listing under its own URL, with the route parameter of each page', () => {
    const pages = listingPages('/tags/rust/', Array.from({ length: 11 }, (_, i) => i));
    expect(pages.map(({ page, rest }) => [page.url, rest, page.items.length, page.prevUrl, page.nextUrl])).toEqual([
      ['/tags/rust/', undefined, 10, null, '/tags/rust/page/2/'],
      ['/tags/rust/page/2/', 'page/2', 1, '/tags/rust/', null],
    ]);
    expect(listingPages('/categories/gaming/', [1]).map(({ page, rest }) => [page.url, rest, page.total])).toEqual([['/categories/gaming/', undefined, 1]]);
  });

  it('groups by tag, category and the month a recap covers', () => {
    const list = [
      r('jan', '2026-01-01T05:30:00Z', { tags: ['b', 'a'], date_range: { start: '2025-12-31T00:00:00Z' } }),
      r('feb', '2026-02-03T00:00:00Z', { tags: ['a', 'a'], category: 'gaming' }),
    ];
    expect([...groupByTag(list)].map(([k, v]) => [k, v.map((x) => x.id)])).toEqual([['a', ['jan', 'feb']], ['b', ['jan']]]);
    expect([...groupByCategory(list).keys()]).toEqual(['development', 'gaming']);
    expect([...groupByMonth(list)].map(([k, v]) => [k, v.map((x) => x.id)])).toEqual([['2026-02', ['feb']], ['2025-12', ['jan']]]);
  });
});

describe('safe-markdown (Sätteri plugin)', () => {
  // The pipeline Astro runs for recap bodies: the site's configured processor (Sätteri, its features, our plugins).
  const render = async (md: string) => {
    const renderer = await siteConfig.markdown!.processor!.createRenderer({});
    return parseHtml((await renderer.render(md)).code);
  };
  const urls = (doc: ReturnType<typeof parseHtml>) => elements(doc).flatMap((el) => el.attrs.filter((a) => ['href', 'src'].includes(a.name)).map((a) => a.value));

  it('turns raw HTML into text and drops unsafe URLs, keeping link text', async () => {
    const doc = await render('<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> [x](javascript:alert(1)) [ok](https://a.test) ![i](data:image/png;base64,AA) [r][d]\n\n[d]: javascript:alert(2)');
    expect(elements(doc).map((el) => el.tagName).filter((t) => !['html', 'head', 'body', 'p', 'a'].includes(t))).toEqual([]);
    expect(urls(doc)).toEqual(['https://a.test']);
    const t = text(doc);
    expect(t).toContain('<script>alert(1)</script>');
    expect(t).toContain('<img src=x onerror=alert(1)>');
    expect(t).toContain('x');
    expect(t).toContain('i');
  });

  it('cleans the whole content of an unsafe link: raw HTML and unsafe images inside it too', async () => {
    const doc = await render('[<b>bold</b> ![a](javascript:1) *em <i>x</i>* ![ok](https://img.test/a.png)](javascript:2) <javascript:alert(3)>\n\n> <div onclick=x>\n\n- <p>item</p>');
    expect(elements(doc).map((el) => el.tagName).filter((t) => !['html', 'head', 'body', 'p', 'em', 'img', 'blockquote', 'ul', 'li'].includes(t))).toEqual([]);
    expect(urls(doc)).toEqual(['https://img.test/a.png']);
    const t = text(doc);
    for (const s of ['<b>bold</b>', 'a', '<i>x</i>', 'javascript:alert(3)', '<div onclick=x>', '<p>item</p>']) expect(t).toContain(s);
  });

  it('leaves addresses in untrusted text as text, and the generator’s own links as links', async () => {
    // Serialised as the publisher does (remark + GFM, every special character escaped), then rendered.
    const said = 'see https://x.test/a_b*c and www.spam.test/p_q, mail a_b@c.test or <https://d.test>!';
    const markdown = remark()
      .use(remarkGfm)
      .stringify({
        type: 'root',
        children: [
          { type: 'paragraph', children: [{ type: 'text', value: said }] },
          { type: 'paragraph', children: [{ type: 'link', url: 'https://github.com/o/r/pull/12', children: [{ type: 'text', value: 'PR #12 in o/r' }] }] },
        ],
      });
    const doc = await render(markdown);
    expect(urls(doc)).toEqual(['https://github.com/o/r/pull/12']);
    expect(text(doc)).toContain(said);
    expect(text(doc)).toContain('PR #12 in o/r');
    // Written by hand too: a bare address, an angle-bracket autolink and a mailto link all end up as text.
    const byHand = await render('www.x.test https://y.test <https://z.test> [write](mailto:a@b.test) [ok](https://a.test)');
    expect(urls(byHand)).toEqual(['https://a.test']);
    expect(text(byHand)).toContain('www.x.test https://y.test https://z.test write ok');
    // A generator link whose URL holds a lone % (valid for the schema, not for decodeURI) renders as a link.
    const percent = await render('[New ref in o/r](https://github.com/o/r/tree/100%)');
    expect(urls(percent)).toEqual(['https://github.com/o/r/tree/100%25']);
  });

  it('keeps quoted titles as written: no smart punctuation', async () => {
    const title = 'Add --dry-run flag... and "quoted" arg, don\'t';
    expect(text(await render(`- ${title}`))).toContain(title);
  });

    it('knows which URLs are safe', () => {
    for (const ok of ['https://a.test', 'http://a.test', '/recaps/x/', '#clips', 'relative/path', '']) expect(isSafeUrl(ok), ok).toBe(true);
    for (const bad of ['mailto:a@b.test', 'tel:+123', 'javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd']) expect(isSafeUrl(bad), bad).toBe(false);
  });
});

describe('bodyWordCount (Sätteri plugin)', () => {
  it('hands back the body word count instead of a copy of the front matter, and changes nothing in the HTML', async () => {
    const md = '# Title\n\nSome *text* with <b>html</b> and a [link](https://a.test). — 42 …';
    const frontmatter = { title: 'x', clips: [{ id: 'a' }] };
    const plain = await (await createSatteriMarkdownProcessor({ mdastPlugins: [safeMarkdown] })).render(md, { frontmatter });
    const lean = await (await createSatteriMarkdownProcessor({ mdastPlugins: [safeMarkdown, bodyWordCount] })).render(md, { frontmatter });
    expect(plain.metadata.frontmatter).toEqual(frontmatter);
    expect(lean.metadata.frontmatter).toEqual({ body_words: countWords(md) });
    expect(countWords(md)).toBe(9);
    expect(lean.code).toBe(plain.code);
    expect(lean.metadata.headings).toEqual(plain.metadata.headings);
  });
});

describe('fixture recaps', () => {
  it('all match the shared front-matter schema', async () => {
    const files = listRecapFiles(CONTENT_DIR);
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const { data } = matter(await readFile(file, 'utf8'));
      const parsed = RecapFrontmatter.safeParse(data);
      expect(parsed.success, `${file}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('have unique slugs (file names) across year folders', () => {
    const slugs = listRecapFiles(CONTENT_DIR).map(slugFromPath);
    expect(new Set(slugs).size).toBe(slugs.length);
  });
});

describe('sitemapFilter', () => {
  const r = (id: string, date: string, extra: Partial<RecapLike['data']> = {}): RecapLike => ({
    id,
    data: { date, draft: false, tags: [], category: 'development', date_range: { start: date }, ...extra },
  });

  it('drops draft pages and tag/category pages that only drafts use', () => {
    const pub = r('pub', '2026-01-02T00:00:00Z', { tags: ['shared'], category: 'development' });
    const secret = r('secret', '2026-01-03T00:00:00Z', { draft: true, tags: ['shared', 'secret-tag'], category: 'gaming' });
    recordSitemapVisibility(sitemapVisibility([pub, secret]));
    try {
      const keep = sitemapFilter();
      const site = 'https://x.test';
      expect(keep(`${site}/recaps/pub/`)).toBe(true);
      expect(keep(`${site}/recaps/secret/`)).toBe(false);
      expect(keep(`${site}/tags/shared/`)).toBe(true);
      expect(keep(`${site}/tags/secret-tag/`)).toBe(false);
      expect(keep(`${site}/tags/shared/page/2/`)).toBe(true);
      expect(keep(`${site}/tags/secret-tag/page/2/`)).toBe(false);
      expect(keep(`${site}/categories/development/`)).toBe(true);
      expect(keep(`${site}/categories/gaming/`)).toBe(false);
      expect(keep(`${site}/search/`)).toBe(false);
      expect(keep(`${site}/`)).toBe(true);
    } finally {
      clearSitemapVisibility();
    }
  });

  it('refuses to filter when the build recorded nothing, rather than let drafts through', () => {
    clearSitemapVisibility();
    expect(() => sitemapFilter()('https://x.test/recaps/pub/')).toThrow(/no recap visibility/);
  });
});

describe('facadeTitle', () => {
  const link = (label: string | null) => ({ getAttribute: (name: string) => (name === 'aria-label' ? label : null) }) as unknown as Element;

  it('reads the clip title back from the facade link label', () => {
    expect(facadeTitle(link(`${WATCH_LABEL}Finally fixed the bug`))).toBe('Finally fixed the bug');
    // Only the leading label is removed: a title may contain the same words, or markup, which stays text.
    expect(facadeTitle(link(`${WATCH_LABEL}${WATCH_LABEL}<script>alert(1)</script>`))).toBe(`${WATCH_LABEL}<script>alert(1)</script>`);
    expect(facadeTitle(link(WATCH_LABEL))).toBe('');
    expect(facadeTitle(link('Something else'))).toBe('Something else');
    expect(facadeTitle(link(null))).toBe('');
  });
});

describe('embedUrl', () => {
  it('builds the Twitch embed for the current host', () => {
    expect(embedUrl('BrightTenderHamsterPJSalt-aB3dE5fG7hJ9kL1m', 'pr-12.clip-recap.pages.dev')).toBe(
      'https://clips.twitch.tv/embed?clip=BrightTenderHamsterPJSalt-aB3dE5fG7hJ9kL1m&parent=pr-12.clip-recap.pages.dev&autoplay=true',
    );
    const url = new URL(embedUrl('a&b=c', 'localhost'));
    expect(url.host).toBe('clips.twitch.tv');
    expect(url.searchParams.get('clip')).toBe('a&b=c');
    expect(url.searchParams.get('parent')).toBe('localhost');
  });
});
