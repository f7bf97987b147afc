// A recap page of the real production build (fixtures in tests/fixtures/recaps): what it shows, its metadata and
// structured data, untrusted text kept as text, and nothing loaded from Twitch before the reader asks.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatConfidence, formatOffset, formatTime, githubSummaryLine } from '../../site/lib/format.ts';
import { buildSite, ROOT, TEST_SITE_URL, type SiteBuild } from './helpers/build.ts';
import { bySlug, DAILY, has, HOSTILE, htmlFiles, page, published, read, recapPath, recaps } from './helpers/fixture-site.ts';
import { attr, elements, hasClass, parseHtml, select, text, visibleText } from './helpers/html.ts';

let prod: SiteBuild;

beforeAll(async () => {
  prod = await buildSite({ preview: false });
}, 120_000);

afterAll(async () => {
  await prod?.cleanup();
});

describe('recap page', () => {
  const r = bySlug(DAILY);
  const doc = () => page(prod, recapPath(DAILY));

  it('shows title, date range, description, reading time and the GitHub summary', () => {
    const t = visibleText(doc());
    expect(visibleText(select(doc(), 'h1')[0]!)).toBe(r.data.title);
    expect(t).toContain('Mon, 5 Jan 2026');
    expect(t).toContain(r.data.description);
    expect(t).toMatch(/\d+ min read/);
    expect(t).toContain(githubSummaryLine(r.data.github_summary));
    expect(githubSummaryLine(r.data.github_summary)).toBe('2 commits, 2 PRs and 1 issue across 1 repository');
  });

  it('lists the clips in order with title, views, duration, transcript and a facade linking to Twitch', () => {
    const clips = select(doc(), 'li', (li) => hasClass(li, 'clip'));
    expect(clips).toHaveLength(r.data.clips.length);
    clips.forEach((li, i) => {
      const clip = r.data.clips[i]!;
      const t = visibleText(li);
      expect(visibleText(select(li, 'h3')[0]!)).toBe(`${i + 1}. ${clip.title}`);
      expect(t).toContain(`${clip.views} views`);
      expect(t).toContain(clip.transcript_excerpt);
      const facade = select(li, 'a', (a) => hasClass(a, 'facade'))[0]!;
      expect(attr(facade, 'href')).toBe(clip.url);
      expect(attr(facade, 'data-clip')).toBe(clip.id);
      // The label carries the title (the script reads it back from there for the button and the iframe).
      expect(attr(facade, 'aria-label')).toBe(`Watch on Twitch: ${clip.title}`);
      // The thumbnail is the link's only content: the play icon is drawn by the stylesheet.
      expect(facade.childNodes.map((n) => n.nodeName)).toEqual(['img']);
      const img = select(facade, 'img')[0]!;
      expect([attr(img, 'src'), attr(img, 'alt'), attr(img, 'loading'), attr(img, 'width'), attr(img, 'height')]).toEqual([clip.thumbnail, '', 'lazy', '480', '270']);
    });
    expect(visibleText(clips[0]!)).toContain('0:43'); // 42.5 s
  });

  it('draws the play icon once, in the stylesheet, not in every clip', () => {
    const source = read(prod, recapPath(DAILY));
    expect(source).not.toContain('<svg');
    expect(source).not.toContain('data-title');
    const sheets = select(doc(), 'link', (l) => attr(l, 'rel') === 'stylesheet').map((l) => read(prod, attr(l, 'href')!.slice(1)));
    expect(sheets).toHaveLength(1);
    const css = sheets[0]!;
    // The rounded shape and the triangle, each defined exactly once.
    expect(css.match(/clip-path:\s*path\(/g)).toHaveLength(1);
    expect(css.match(/clip-path:\s*polygon\(27px 14px,\s*27px 34px,\s*45px 24px\)/g)).toHaveLength(1);
    expect(css).toMatch(/\.facade:?:before/);
    expect(css).toMatch(/\.facade:?:after/);
  });

  it('has a GitHub card per event: link, short sha or number, state, relative time, confidence, visible reason', () => {
    const cards = select(doc(), 'li', (li) => hasClass(li, 'gh-card'));
    const events = r.data.clips.flatMap((c) => c.github.map((e) => ({ ...e, clipSeconds: c.duration_seconds })));
    expect(cards).toHaveLength(events.length);
    cards.forEach((card, i) => {
      const e = events[i]!;
      const t = visibleText(card);
      expect(select(card, 'a').map((a) => attr(a, 'href'))).toEqual([e.url]);
      expect(t).toContain(e.title);
      expect(t).toContain(e.sha ? e.sha.slice(0, 7) : `#${e.number}`);
      if (e.sha) expect(t).not.toContain(e.sha.slice(0, 8));
      expect(t).toContain(formatOffset(e.offset_seconds, e.clipSeconds));
      const badge = select(card, 'span', (s) => hasClass(s, 'badge'))[0]!;
      expect(visibleText(badge)).toBe(formatConfidence(e.confidence));
      // The reason is on the card for every reader, not in a tooltip only a mouse reaches.
      expect(select(card, 'p', (p) => hasClass(p, 'gh-why')).map(visibleText)).toEqual([`Why: ${e.reason}`]);
      if (e.type === 'pull_request') expect(t).toContain(e.action!);
    });
    expect(visibleText(cards[0]!)).toContain('12 min after the clip');
    expect(visibleText(cards[1]!)).toContain('15 min before the clip');
    expect(visibleText(cards[0]!)).toContain('92% match');
  });

  it('says "during the clip" for an event inside the clipped moment, as the match reason does', () => {
    expect(formatOffset(-45, 60)).toBe('during the clip');
    expect(formatOffset(0, 60)).toBe('during the clip');
    expect(formatOffset(-75, 60)).toBe('1 min before the clip');
    expect(formatOffset(20, 60)).toBe('at the time of the clip');
  });

  it('times each clip in a daily recap, and dates it too in a recap of several days', () => {
    const clipped = (slug: string) =>
      select(page(prod, recapPath(slug)), 'p', (p) => hasClass(p, 'clip-meta')).map((p) => visibleText(select(p, 'time')[0]!));
    expect(clipped(DAILY)).toEqual(r.data.clips.map((c) => formatTime(c.created_at)));
    const weekly = recaps.find((x) => x.data.content_type === 'weekly_summary' && !x.data.draft)!;
    const times = clipped(weekly.slug);
    expect(times).toHaveLength(weekly.data.clips.length);
    weekly.data.clips.forEach((c, i) => {
      const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(c.created_at));
      expect(times[i]).toBe(`${day}, ${formatTime(c.created_at)}`);
    });
  });

  it('links to the older and newer recap', () => {
    const i = published.findIndex((p) => p.slug === DAILY);
    const nav = select(doc(), 'nav', (n) => attr(n, 'aria-label') === 'More recaps')[0]!;
    const links = select(nav, 'a').map((a) => [attr(a, 'rel'), attr(a, 'href')]);
    const expected = [
      ...(published[i + 1] ? [['prev', `/recaps/${published[i + 1]!.slug}/`]] : []),
      ...(published[i - 1] ? [['next', `/recaps/${published[i - 1]!.slug}/`]] : []),
    ];
    expect(expected.length).toBeGreaterThan(0);
    expect(links).toEqual(expected);
  });

  it('has canonical, Open Graph and Twitter metadata', () => {
    const meta = (key: string) =>
      select(doc(), 'meta', (m) => attr(m, 'property') === key || attr(m, 'name') === key).map((m) => attr(m, 'content'));
    const url = `${TEST_SITE_URL}/recaps/${DAILY}/`;
    expect(select(doc(), 'link', (l) => attr(l, 'rel') === 'canonical').map((l) => attr(l, 'href'))).toEqual([url]);
    expect(meta('og:url')).toEqual([url]);
    expect(meta('og:type')).toEqual(['article']);
    expect(meta('og:title')).toEqual([r.data.title]);
    expect(meta('og:description')).toEqual([r.data.description]);
    expect(meta('og:image')).toEqual([r.data.clips[0]!.thumbnail]);
    expect(meta('twitter:card')).toEqual(['summary_large_image']);
    expect(meta('article:published_time')).toEqual([r.data.date]);
  });

  it('has BlogPosting JSON-LD with a VideoObject per clip, on every recap page', () => {
    for (const p of published) {
      const scripts = select(page(prod, recapPath(p.slug)), 'script', (s) => attr(s, 'type') === 'application/ld+json');
      expect(scripts, p.slug).toHaveLength(1);
      const ld = JSON.parse(text(scripts[0]!));
      // Google's Article properties (headline, image, dates, author) and then some.
      expect(ld).toMatchObject({
        '@context': 'https://schema.org',
        '@type': 'BlogPosting',
        headline: p.data.title,
        description: p.data.description,
        datePublished: p.data.date,
        dateModified: p.data.generated_at,
        url: `${TEST_SITE_URL}/recaps/${p.slug}/`,
        image: p.data.clips[0]!.thumbnail,
        author: { '@type': 'Person', name: p.data.clips[0]!.broadcaster },
        publisher: { '@type': 'Organization', name: 'Clip Recap', url: `${TEST_SITE_URL}/` },
      });
      expect(ld.video).toHaveLength(p.data.clips.length);
      ld.video.forEach((v: Record<string, unknown>, i: number) => {
        const c = p.data.clips[i]!;
        // VideoObject: Google's required name, thumbnailUrl, uploadDate, and the recommended properties we have.
        expect(v).toMatchObject({
          '@type': 'VideoObject',
          name: c.title,
          description: c.transcript_excerpt.trim() || c.title,
          thumbnailUrl: c.thumbnail,
          uploadDate: c.created_at,
          embedUrl: c.embed_url,
          interactionStatistic: { '@type': 'InteractionCounter', interactionType: { '@type': 'WatchAction' }, userInteractionCount: c.views },
        });
        expect(v.duration).toMatch(/^PT(\d+H)?(\d+M)?\d+S$/);
        // contentUrl is for the video file itself; the clip's Twitch page is linked from the page.
        expect(v).not.toHaveProperty('contentUrl');
      });
    }
  });
});

describe('untrusted text', () => {
  const r = bySlug(HOSTILE);
  const html = () => read(prod, recapPath(HOSTILE));

  it('is escaped in the HTML: text, never markup', () => {
    const source = html();
    expect(source).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(source).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    // Outside attribute values (always double-quoted, where `<` is inert) no hostile markup survives.
    const outsideAttributes = source.replace(/="[^"]*"/g, '=""');
    for (const needle of ['<img src=x onerror', '<svg onload', '<svg/onload', "<script>alert", '<iframe src', '<style>body', '<a href=javascript', '<div onclick']) {
      expect(outsideAttributes, needle).not.toContain(needle);
    }
  });

  it('parses to the same text and no active content', () => {
    const doc = parseHtml(html());
    const all = elements(doc);
    expect(all.flatMap((el) => el.attrs.filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}[${a.name}]`))).toEqual([]);
    expect(all.filter((el) => ['iframe', 'object', 'embed', 'style', 'textarea'].includes(el.tagName)).map((el) => el.tagName)).toEqual([]);
    for (const el of all) {
      for (const a of el.attrs.filter((x) => ['href', 'src', 'action', 'formaction'].includes(x.name))) {
        expect(a.value, `${el.tagName}[${a.name}]`).toMatch(/^(https?:\/\/|\/|#)/);
      }
    }
    // The only images are the facades' thumbnails.
    expect(select(doc, 'img').map((i) => attr(i, 'src'))).toEqual(r.data.clips.map((c) => c.thumbnail));
    // Scripts: the JSON-LD and our facade module, nothing else; a hostile title did not open a new one.
    expect(select(doc, 'script').map((s) => attr(s, 'type'))).toEqual(['application/ld+json', 'module']);
    expect(visibleText(select(doc, 'h1')[0]!)).toBe(r.data.title.replace(/\s+/g, ' '));
    const clip = r.data.clips[0]!;
    expect(visibleText(select(doc, 'h3')[0]!)).toBe(`1. ${clip.title}`);
    expect(text(doc)).toContain(clip.github[0]!.title);
    expect(text(doc)).toContain(clip.github[0]!.actor!);
    expect(text(doc)).toContain(clip.transcript_excerpt);
    expect(select(doc, 'p', (p) => hasClass(p, 'gh-why') && visibleText(p) === `Why: ${clip.github[0]!.reason}`)).toHaveLength(1);
  });

  it('cannot close the JSON-LD script: it parses back to the exact title', () => {
    const source = html();
    const doc = parseHtml(source);
    const [script] = select(doc, 'script', (s) => attr(s, 'type') === 'application/ld+json');
    const raw = text(script!);
    expect(raw).not.toMatch(/[<>&\u2028\u2029]/);
    const ld = JSON.parse(raw);
    expect(ld.headline).toBe(r.data.title);
    expect(ld.headline).toContain('</script>');
    expect(ld.headline).toContain('\u2028');
    expect(ld.video[0].name).toBe(r.data.clips[0]!.title);
    expect(ld.author.name).toBe(r.data.clips[0]!.broadcaster);
  });

  it('neutralises raw HTML and unsafe links in the Markdown body', () => {
    const doc = parseHtml(html());
    const prose = select(doc, 'div', (d) => hasClass(d, 'prose'))[0]!;
    const t = text(prose);
    expect(t).toContain("<script>alert('body script')</script>");
    expect(t).toContain('<div onclick="alert(\'div\')">');
    expect(select(prose, 'a').map((a) => attr(a, 'href'))).toEqual(['https://github.com/ada-codes/clip-recap']);
    expect(select(prose, 'img')).toEqual([]);
    expect(t).toContain('javascript link');
  });

  it('is never given to set:html, and the browser script never builds HTML', () => {
    const files = readdirSync(join(ROOT, 'site'), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(astro|ts|mts|mjs|js)$/.test(f))
      .map((f) => join('site', f));
    const using = (needle: RegExp) => files.filter((f) => needle.test(readFileSync(join(ROOT, f), 'utf8')));
    // Two exceptions, each pasting what one module built and escaped: the JSON-LD (jsonld.ts) and the listing
    // entries (listing-entry.ts, built once per build instead of per listing page; tests/site/listing-entry.test.ts).
    expect(using(/set:html\s*=/).sort()).toEqual(['site/components/JsonLd.astro', 'site/components/RecapList.astro']);
    expect(readFileSync(join(ROOT, 'site/components/JsonLd.astro'), 'utf8')).toMatch(/set:html=\{json\}/);
    expect(readFileSync(join(ROOT, 'site/components/RecapList.astro'), 'utf8')).toMatch(/set:html=\{recaps\.map\(\(recap\) => listingHtml\(recap, headingLevel\)\)\.join\(''\)\}/);
    expect(using(/\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|createContextualFragment|set:text\s*=/)).toEqual([]);
  });
});

describe('no Twitch before interaction', () => {
  it('no built page loads anything from Twitch: no iframe, no Twitch src, no preconnect', () => {
    for (const file of htmlFiles(prod.outDir)) {
      const doc = parseHtml(readFileSync(file, 'utf8'));
      const where = relative(prod.outDir, file);
      expect(select(doc, 'iframe'), where).toEqual([]);
      for (const el of elements(doc)) {
        const loads = el.tagName === 'link' ? attr(el, 'href') : attr(el, 'src');
        if (loads) expect(loads, `${where} ${el.tagName}`).not.toMatch(/twitch\.tv|jtvnw\.net|ttvnw\.net/);
        if (el.tagName === 'img') expect(attr(el, 'srcset'), where).toBeUndefined();
      }
    }
  });

  it('keeps the recap page light: our JavaScript under 5 KB', () => {
    const source = read(prod, recapPath(DAILY));
    const doc = parseHtml(source);
    const inline = select(doc, 'script', (s) => attr(s, 'type') === 'module' && !attr(s, 'src')).map((s) => text(s));
    const external = select(doc, 'script', (s) => !!attr(s, 'src')).map((s) => read(prod, attr(s, 'src')!.slice(1)));
    const css = select(doc, 'link', (l) => attr(l, 'rel') === 'stylesheet').map((l) => read(prod, attr(l, 'href')!.slice(1)));
    const jsBytes = [...inline, ...external].reduce((n, s) => n + Buffer.byteLength(s), 0);
    const cssBytes = css.reduce((n, s) => n + Buffer.byteLength(s), 0);
    const htmlBytes = Buffer.byteLength(source);
    console.log(`recap page ${DAILY}: HTML ${htmlBytes} B (incl. ${jsBytes} B inline JS), CSS ${cssBytes} B, total ${htmlBytes + cssBytes + external.reduce((n, s) => n + Buffer.byteLength(s), 0)} B`);
    expect(jsBytes).toBeGreaterThan(0);
    expect(jsBytes).toBeLessThan(5 * 1024);
  });
});
