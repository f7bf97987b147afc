// Recap generation: golden files for each type, the schema round trip, determinism, deterministic paths, and hostile
// text that must stay text (no HTML, no unsafe links, no layout or front-matter break-out).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { buildRecap, recapLocation, RecapFrontmatter, selectClips, type RecapSource } from '../../content-pipeline/index.ts';
import { plainLine } from '../../content-pipeline/recaps/build-recap.ts';
import { readSimpleEntry } from '../../site/lib/front-matter.ts';
import { sampleSources } from '../support/recap-sources.ts';

/** Front matter and body as the site reads them: Astro parses the `---` block with js-yaml 4. */
function siteRead(markdown: string): { data: Record<string, unknown>; content: string } {
  const block = /^---\n([\s\S]*?\n)---\n/.exec(markdown);
  if (!block) throw new Error('no front matter block');
  return { data: load(block[1]!) as Record<string, unknown>, content: markdown.slice(block[0].length) };
}

const GOLDEN = join(import.meta.dirname, '../fixtures/golden');
const WEEK = { start: '2026-01-05T00:00:00.000Z', end: '2026-01-12T00:00:00.000Z' };
const MONDAY = { start: '2026-01-05T00:00:00.000Z', end: '2026-01-06T00:00:00.000Z' };

function golden(name: string, actual: string) {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const inRange = (sources: RecapSource[], range: { start: string; end: string }) =>
  sources.filter((s) => s.item.clip_created_at >= range.start && s.item.clip_created_at < range.end);

describe('recap generation', () => {
  it('writes the daily recap golden file', async () => {
    const sources = await sampleSources();
    const selected = selectClips(inRange(sources, MONDAY), { contentType: 'daily_recap', includeNeedsReview: false });
    expect(selected.map((s) => s.item.clip_id)).toEqual(['CursorPaginationFinallyFixed']);
    const recap = await buildRecap({ contentType: 'daily_recap', dateRange: MONDAY, sources: selected, generatorVersion: '0.1.0' });
    golden('daily-recap.md', recap.markdown);
  });

  it('writes the weekly summary golden file', async () => {
    const selected = selectClips(inRange(await sampleSources(), WEEK), { contentType: 'weekly_summary', includeNeedsReview: false });
    expect(selected.length).toBeGreaterThan(5);
    const recap = await buildRecap({ contentType: 'weekly_summary', dateRange: WEEK, sources: selected, generatorVersion: '0.1.0', repository: 'streamdev/clip-recap' });
    golden('weekly-summary.md', recap.markdown);
  });

  it('writes the topic focus golden file, with only on-topic clips', async () => {
    const selected = selectClips(inRange(await sampleSources(), WEEK), { contentType: 'topic_focus', topic: 'queue', includeNeedsReview: true });
    expect(selected.map((s) => s.item.clip_id)).toEqual(['QueueConsumerRefactor']);
    const recap = await buildRecap({ contentType: 'topic_focus', topic: 'queue', dateRange: WEEK, sources: selected, generatorVersion: '0.1.0' });
    golden('topic-focus.md', recap.markdown);
  });

  it('round-trips through the schema the site reads with, and is byte-identical on a re-run', async () => {
    const selected = selectClips(inRange(await sampleSources(), WEEK), { contentType: 'weekly_summary', includeNeedsReview: true });
    const a = await buildRecap({ contentType: 'weekly_summary', dateRange: WEEK, sources: selected, generatorVersion: '0.1.0' });
    const b = await buildRecap({ contentType: 'weekly_summary', dateRange: WEEK, sources: selected, generatorVersion: '0.1.0' });
    expect(b.markdown).toBe(a.markdown);
    expect(RecapFrontmatter.parse(siteRead(a.markdown).data)).toEqual(a.frontmatter);
  });

  it('selects only approved clips unless needs_review is configured', async () => {
    const sources = await sampleSources({ CursorPaginationFinallyFixed: { content_decision: 'needs_review' } });
    const monday = inRange(sources, MONDAY);
    expect(selectClips(monday, { contentType: 'daily_recap', includeNeedsReview: false })).toEqual([]);
    expect(selectClips(monday, { contentType: 'daily_recap', includeNeedsReview: true })).toHaveLength(1);
  });

  it('quotes the transcript when the item has an empty summary', async () => {
    const [first] = inRange(await sampleSources(), MONDAY);
    const source = { ...first!, item: { ...first!.item, transcript_summary: '  ' } };
    const recap = await buildRecap({ contentType: 'daily_recap', dateRange: MONDAY, sources: [source], generatorVersion: '0.1.0' });
    expect(recap.frontmatter.clips[0]!.transcript_excerpt).toBe(source.transcript.replace(/\s+/g, ' ').trim().slice(0, 600));
    expect(recap.frontmatter.clips[0]!.transcript_excerpt).not.toBe('');
  });

    it('maps each recap to a fixed path and branch', () => {
    expect(recapLocation('daily_recap', '2026-01-05T00:00:00Z')).toEqual({ path: 'site/content/recaps/2026/2026-01-05-daily-recap.md', branch: 'recap/daily/2026-01-05', slug: '2026-01-05-daily-recap' });
    expect(recapLocation('weekly_summary', '2026-01-05T00:00:00Z').path).toBe('site/content/recaps/2026/2026-W02-weekly-summary.md');
    expect(recapLocation('weekly_summary', '2024-12-30T00:00:00Z').path).toBe('site/content/recaps/2025/2025-W01-weekly-summary.md');
    expect(recapLocation('topic_focus', '2026-01-05T00:00:00Z', 'Cursor Pagination!').path).toBe('site/content/recaps/2026/2026-01-05-topic-cursor-pagination.md');
    expect(() => recapLocation('topic_focus', '2026-01-05T00:00:00Z', '!!!')).toThrow();
  });
});

describe('plainLine', () => {
  it('turns controls, separators and what XML cannot carry into spaces, and lone surrogates into U+FFFD', () => {
    expect(plainLine('a\u0000b\u0085c\u2028d\ufffe\uffffe\tf\n\ng', 100)).toBe('a b c d e f g');
    expect(plainLine('x\ud800y\udc00z 🎉', 100)).toBe('x\ufffdy\ufffdz 🎉');
  });

  it('never cuts an emoji in half at the length limit', () => {
    const cut = plainLine(`${'a'.repeat(8)}🎉🎉`, 10);
    expect(cut.isWellFormed()).toBe(true);
    expect(cut).toBe(`${'a'.repeat(8)}…`);
    expect(plainLine(`${'a'.repeat(7)}🎉🎉`, 10)).toBe(`${'a'.repeat(7)}🎉…`);
  });

  it('gives text the schema accepts, and the schema refuses what it removes', () => {
    const title = plainLine('tricky \ufffe title \ud83c', 200);
    expect(RecapFrontmatter.shape.title.safeParse(title).success).toBe(true);
    for (const bad of ['a\ufffe', 'a\uffff', 'a\u0007', 'a\n', 'a\ud800']) expect(RecapFrontmatter.shape.title.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});

describe('hostile text stays text', () => {
  it('keeps titles that YAML could read as numbers, booleans, null or dates as strings on the site', async () => {
    const LOOKALIKES = ['08', '0o17', '+08', '09.5', '00e0', '1_000', '0x1F', '.5', '-0', '1e3', 'true', 'no', 'on', 'null', '~', '2024-01-01', '.inf', '.NaN'];
    const sources = (await sampleSources()).slice(0, LOOKALIKES.length);
    const lookalike: RecapSource[] = LOOKALIKES.map((title, i) => {
      const s = sources[i % sources.length]!;
      return { ...s, item: { ...s.item, clip_id: `${s.item.clip_id}-${i}`, clip_title: title, content_decision: 'approved' } };
    });
    const recap = await buildRecap({ contentType: 'weekly_summary', dateRange: WEEK, sources: lookalike, generatorVersion: '0.1.0' });
    const titles = recap.frontmatter.clips.map((c) => c.title);
    expect([...titles].sort()).toEqual([...LOOKALIKES].sort());
    const read = siteRead(recap.markdown).data as { clips: Array<{ title: unknown }> };
    expect(read.clips.map((c) => c.title)).toEqual(titles);
    expect(RecapFrontmatter.parse(read)).toEqual(recap.frontmatter);
    // The site's fast reader gives the same, or leaves the file to js-yaml.
    const fast = readSimpleEntry(recap.markdown);
    if (fast) expect(fast.data).toEqual(read);
  });


  const HOSTILE = [
    '<img src=x onerror=alert(1)> <script>alert(1)</script>',
    '# Big heading\n## another\n- a list\n1. item',
    '[click me](javascript:alert(1)) ![x](data:text/html;base64,PHNjcmlwdD4=)',
    '---\ntitle: pwned\ndraft: true\n---',
    '&anchor *alias !!js/function "f" {evil: 1} [1, 2] | > %TAG',
    '`code` **bold** _em_ ~~strike~~ <https://evil.example> @everyone',
    '\u0000\u0007\u202e RTL \u2028 line sep',
    'www.evil.example, me@evil.example and https://evil.example/x ~one~',
  ];

  it('produces Markdown whose only links, headings and HTML are our own', async () => {
    const sources = (await sampleSources()).slice(0, HOSTILE.length);
    expect(sources).toHaveLength(HOSTILE.length);
    const hostile: RecapSource[] = sources.map((s, i) => ({
      ...s,
      item: { ...s.item, clip_title: HOSTILE[i % HOSTILE.length]!, transcript_summary: HOSTILE.join(' '), content_decision: 'approved' },
      transcript: HOSTILE.join('\n'),
      context: s.context && { ...s.context, matches: s.context.matches.map((m) => ({ ...m, event: { ...m.event, title: HOSTILE[(i + 1) % HOSTILE.length]!, actor: HOSTILE[2]!, url: 'javascript:alert(1)' } })) },
    }));
    const recap = await buildRecap({ contentType: 'weekly_summary', dateRange: WEEK, sources: hostile, generatorVersion: '0.1.0' });

    // Front matter: parses to exactly the validated object, nothing injected.
    const parsed = siteRead(recap.markdown);
    expect(RecapFrontmatter.parse(parsed.data)).toEqual(recap.frontmatter);
    expect(Object.keys(parsed.data).sort()).toEqual(Object.keys(recap.frontmatter).sort());
    expect(parsed.data.draft).toBe(false);
    for (const clip of recap.frontmatter.clips) {
      expect(clip.title).not.toMatch(/[\n\r\u0000-\u001f]/);
      for (const e of clip.github) expect(e.url).toMatch(/^https:\/\/github\.com\//);
    }

    // Body: no HTML nodes, only our own headings, only http(s) links we made.
    // Parsed with GFM, as the site reads bodies: its autolink literals and strikethrough included.
    const tree = remark().use(remarkGfm).parse(parsed.content);
    const kinds: string[] = [];
    visit(tree, (node) => void kinds.push(node.type));
    expect(kinds).not.toContain('html');
    expect(kinds).not.toContain('image');
    expect(kinds).not.toContain('delete');
    const headings: string[] = [];
    visit(tree, 'heading', (node) => void headings.push(remark().stringify({ type: 'root', children: [node] }).trim()));
    expect(headings).toEqual(['## Highlights', '## On GitHub']);
    // Our links go to GitHub. GFM also links bare URLs and e-mail addresses in text (`www.x.com`, `a@b.com`) even
    // when escaped; their text is the address as typed, which is how the site's safe-markdown plugin knows to show
    // them as text (tests/site/lib.test.ts).
    visit(tree, 'link', (node) => {
      const label = node.children.map((c) => ('value' in c ? c.value : '')).join('');
      if (/^https:\/\/github\.com\//.test(node.url)) return;
      expect(node.url).toMatch(/^(https?:|mailto:)/);
      expect(node.url.replace(/^mailto:/, '').replace(/^http:\/\/(?=www\.)/, '')).toBe(label);
    });
    // remark escapes every `<` of text as `\<`: an unescaped one would be HTML.
    expect(parsed.content).not.toMatch(/(^|[^\\])<(script|img)/);
  });
});
