// Property tests: untrusted text (clip titles, transcripts, GitHub titles, creator names) stays text everywhere.
import fc from 'fast-check';
import { load } from 'js-yaml';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import { visit } from 'unist-util-visit';
import { beforeAll, describe, expect, it } from 'vitest';
import siteConfig from '../../astro.config.mjs';
import { buildRecap, type RecapSource } from '../../content-pipeline/index.ts';
import { plainLine } from '../../content-pipeline/recaps/build-recap.ts';
import { codeSpan, pullRequestBody } from '../../content-pipeline/recaps/pr-body.ts';
import { htmlToText } from '../../site/lib/search-docs.ts';
import { readSimpleEntry } from '../../site/lib/front-matter.ts';
import { recapJsonLd, serializeJsonLd } from '../../site/lib/jsonld.ts';
import { elements, parseHtml, text } from '../site/helpers/html.ts';
import { sampleSources } from '../support/recap-sources.ts';

const TOKENS = [
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '</script', '<!--', '-->', '<b>', '</b>', '<div>', '<a href="javascript:x">',
  '&amp;', '&lt;', '&#60;', '&#x3c;', '&copy;', '&', 'javascript:alert(1)', 'JaVaScRiPt:x', 'data:text/html,<x>', 'vbscript:x',
  '[x](javascript:alert(1))', '[x][r]', '[r]: javascript:x', '<javascript:alert(1)>', '<https://e.test>', 'https://e.test/a_b', 'http://e.test',
  'www.e.test', 'a@b.test', '![i](data:x)', '![i](https://img.test/a.png)', '*', '_', '`', '``', '[', ']', '(', ')', '#', '# ', '> ', '|', '~', '~~',
  '-', '+', '=', '\\', '\\|', '---', '***', '1. ', '- ', ': ', "'", '"', '\n', '\r', '\r\n', '\t', ' ', '  ', '@everyone', '@user', '#12',
  '\u202e', '\u200b', '\u0301', '🎉', '\ud83c', '\udf89', '\u0000', '\u0007', '\u0085', '\u2028', '\u00a0', '\ufeff', '%41', '%', '%25',
  'www.e.test/a_b_', 'x@y.z', 'mailto:a@b.c', 'xmpp:a@b.c', 'https://e.test/%41', 'www.e.test/%', '.www.e.test', '(www.e.test)', '*www.e.test*', '_https://e.test_', 'http://', 'https://e.test?a=1&b=2', '&lt;script&gt;',
  '{', '}', '!!js/function', '&a', '*a', '? ', '%TAG', '...', '0x1F', '08', 'null', 'true', '~', '.inf', ':', ' #',
];

const hostile = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), { maxLength: 14 })
  .map((parts) => parts.join(''));

const WEEK = { start: '2026-01-05T00:00:00.000Z', end: '2026-01-12T00:00:00.000Z' };

let base: RecapSource[];
let render: (md: string) => Promise<string>;
beforeAll(async () => {
  base = (await sampleSources()).filter((s) => (s.context?.matches.length ?? 0) > 0).slice(0, 2);
  const renderer = await siteConfig.markdown!.processor!.createRenderer({});
  render = async (md) => (await renderer.render(md)).code;
});

function hostileSources(title: string, other: string, event: string): RecapSource[] {
  return base.map((s, i) => ({
    ...s,
    item: { ...s.item, clip_title: i === 0 ? title : other, transcript_summary: other.slice(0, 500), broadcaster_name: other, content_decision: 'approved' as const },
    transcript: other,
    context: s.context && { ...s.context, matches: s.context.matches.slice(0, 1).map((m) => ({ ...m, event: { ...m.event, title: event, actor: other } })) },
  }));
}

const ALLOWED = new Set(['html', 'head', 'body', 'p', 'h2', 'ul', 'li', 'strong', 'a']);

describe('buildRecap with hostile text', () => {
  it('keeps underscores next to emoji and other symbols beyond U+FFFF as text (found by the property below)', async () => {
    for (const title of ['🎉_https://e.test_𛲜', '🎉_win_🎉', 'a_🎉_b', '𝔸__x__𝔸']) {
      const recap = await buildRecap({ contentType: 'weekly_summary', dateRange: WEEK, sources: hostileSources(title, 'other', 'event'), generatorVersion: '0.1.0' });
      const html = await render(recap.body);
      const strongs = elements(parseHtml(html)).filter((e) => e.tagName === 'strong');
      expect(strongs[0] && text(strongs[0]), html).toBe(title);
      expect(html).not.toContain('<em>');
    }
  });

  it('front matter round-trips exactly (js-yaml and the fast reader), and the rendered body only holds our markup', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (title, other, event) => {
        const recap = await buildRecap({ contentType: 'weekly_summary', dateRange: WEEK, sources: hostileSources(title, other, event), generatorVersion: '0.1.0' });
        const block = /^---\n([\s\S]*?\n)---\n/.exec(recap.markdown)!;
        const data = load(block[1]!) as any;
        expect(data).toEqual(JSON.parse(JSON.stringify(recap.frontmatter)));
        const expected = plainLine(title, 500) || base[0]!.item.clip_id;
        expect(data.clips[0].title).toBe(expected);
        const fast = readSimpleEntry(recap.markdown);
        if (fast) expect(fast.data).toEqual(data);

        // The site's render path: Sätteri + safe-markdown.
        const html = await render(recap.markdown.slice(block[0].length));
        // The search index's view of the body reads the clip title as written too.
        expect(htmlToText(html).split('\n').some((l) => l.startsWith(`${expected.replace(/\s+/g, ' ')} (`)), html).toBe(true);
        const doc = parseHtml(html);
        const els = elements(doc);
        expect(els.map((e) => e.tagName).filter((t) => !ALLOWED.has(t))).toEqual([]);
        const ourUrls = new Set(recap.frontmatter.clips.flatMap((c) => c.github.map((e) => e.url)));
        for (const el of els) for (const a of el.attrs) {
          if (el.tagName === 'a' && a.name === 'href') expect(ourUrls.has(a.value), a.value).toBe(true);
          else if (el.tagName === 'h2' && a.name === 'id') continue;
          else expect.fail(`unexpected attribute ${el.tagName}[${a.name}=${a.value}]`);
        }
        // Fidelity: the bold clip title reads as written.
        const strongs = els.filter((e) => e.tagName === 'strong').map((e) => text(e));
        expect(strongs[0]).toBe(expected);
        const items = els.filter((e) => e.tagName === 'li').map((e) => text(e));
        for (const e of recap.frontmatter.clips[0]!.github) expect(items.some((t) => t.includes(`: ${e.title} (`)), e.title).toBe(true);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 500) },
    );
  });
});

describe('pull request body with hostile text', () => {
  it('quotes every untrusted text in a code span: no HTML, no links but ours, table rows intact', async () => {
    const sources = await sampleSources();
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (title, event) => {
        // Known bug, reported separately (tests/unit/pr-body-untrusted.test.ts): a backslash before a pipe.
        const srcs = hostileSources(title, title, event);
        const recap = await buildRecap({ contentType: 'weekly_summary', dateRange: WEEK, sources: srcs, generatorVersion: '0.1.0' });
        const md = pullRequestBody({ frontmatter: recap.frontmatter, items: srcs.map((s) => ({ ...s.item, content_decision: 'needs_review', judge_fallback_reason: title })), path: 'p.md', branch: 'recap/x', pagesProject: 'blog', slug: 's' });
        const tree = remark().use(remarkGfm).parse(md);
        const kinds: string[] = [];
        visit(tree, (n: any) => void kinds.push(n.type === 'html' && /^<\/?sub>$/.test(n.value) ? 'our-html' : n.type));
        expect(kinds).not.toContain('html');
        expect(kinds).not.toContain('image');
        const ours = new Set(['https://recap-x.blog.pages.dev/recaps/s/', ...recap.frontmatter.clips.map((c) => c.url), ...recap.frontmatter.clips.flatMap((c) => c.github.map((e) => e.url))]);
        visit(tree, 'link', (n: any) => void expect(ours.has(n.url), n.url).toBe(true));
        // No untrusted text outside code spans: text nodes hold no '@' mention.
        visit(tree, 'text', (n: any) => void expect(n.value).not.toMatch(/@\w/));
        const table = tree.children.find((n) => n.type === 'table') as any;
        expect(table.children).toHaveLength(1 + recap.frontmatter.clips.length);
        for (const row of table.children) expect(row.children).toHaveLength(4);
        // The title cell is one code span holding the title (bounded).
        const cell = table.children[1].children[0];
        expect(cell.children[0].type).toBe('inlineCode');
      }),
      { numRuns: 200 },
    );
    void sources;
  });

  it('codeSpan in a table cell shows the text as written (apart from backticks, controls and a pipe after odd backslashes)', () => {
    fc.assert(
      fc.property(hostile, (t) => {
        const cell = codeSpan(t, 10_000, { inTable: true });
        const tree = remark().use(remarkGfm).parse(`| a |\n| --- |\n| ${cell} |`) as any;
        const row = tree.children[0].children[1];
        expect(row.children).toHaveLength(1);
        expect(row.children[0].children).toHaveLength(1);
        expect(row.children[0].children[0].type).toBe('inlineCode');
        // Fidelity: the cell shows the text, apart from the documented rewrites (controls, backticks, trimming).
        const expected = t.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/`/g, "'").trim() || ' ';
        // In a table, an odd run of backslashes before a pipe shows one backslash longer (codeSpan explains why).
        const inCell = expected.replace(/(\\*)\|/g, (_, run: string) => `${run}${run.length % 2 ? '\\' : ''}|`);
        expect(row.children[0].children[0].value).toBe(inCell);
        const inline = (remark().use(remarkGfm).parse(`x ${codeSpan(t, 10_000)} y`) as any).children[0].children;
        expect(inline.map((c: any) => c.type)).toEqual(['text', 'inlineCode', 'text']);
        expect(inline[1].value).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('JSON-LD with hostile text', () => {
  it('never closes or confuses the script element, and parses back to the same strings', async () => {
    const sources = await sampleSources();
    const recap = await buildRecap({ contentType: 'weekly_summary', dateRange: WEEK, sources: sources.slice(0, 1), generatorVersion: '0.1.0' });
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const data = { ...recap.frontmatter, title: a, clips: recap.frontmatter.clips.map((c) => ({ ...c, title: b, transcript_excerpt: a, broadcaster: b })) };
        const ld = recapJsonLd({ data, url: 'https://x.test/r/', siteTitle: 'T', siteUrl: 'https://x.test/' });
        const out = serializeJsonLd(ld);
        expect(out.toLowerCase()).not.toContain('</script');
        expect(out).not.toContain('<!--');
        expect(out).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(out)).toEqual(ld);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the site renderer (Sätteri + safe-markdown) on hostile Markdown', () => {
  const MD = [
    '[a](javascript:alert(1))', '[a](<javascript:alert(1)>)', '[a](java\nscript:x)', '[a][r]', '[r]', '[r][]', '\n\n[r]: javascript:alert(1)\n\n', '\n\n[r]: <javascript:x> "t"\n\n',
    '\n\n[R]: https://ok.test\n\n', '<javascript:alert(1)>', '<JAVASCRIPT:x>', '<a@b.test>', '<mailto:a@b.test>', '![i](javascript:x)', '![i][r]', '![i](data:image/svg+xml,<svg onload=alert(1)>)',
    '[![i](javascript:x)](https://ok.test)', '[a ![i](https://ok.test/i.png)](javascript:x)', '[x](https://ok.test "t")', '<b>', '</b>', '<img src=x onerror=alert(1)>', '<script>alert(1)</script>',
    '\n\n<div>\n', '\n\n<!-- c -->\n\n', '<!--', '-->', '<?php ?>', '<![CDATA[x]]>', '<svg><a href="javascript:x">', '&#x6a;avascript:x', '[a](&#x6a;avascript:alert(1))', '[a](java&#x09;script:x)',
    '[a](%6Aavascript:x)', '[a](\\javascript:x)', '[a](javascript&colon;x)', '[a](  javascript:x)', '[a](vbscript:x)', '[a](data:text/html,x)', '[a](//evil.test)', '[a](/ok)', '[a](#f)',
    '[^1]', '\n\n[^1]: note [x](javascript:y)\n\n', 'www.e.test', 'https://e.test', 'a@b.test', '~~s~~', '`code <b>`', '\n\n```\n<b>\n```\n\n', '\n\n    <b>\n\n', '\n\n| a | b |\n| - | - |\n| <b> | [x](javascript:1) |\n\n',
    '\n\n> ', '\n\n- ', '\n\n1. ', '\n\n# ', '*', '_', '**', '\\', '[', ']', '(', ')', '<', '>', '"', "'", ' ', '\n', 'x', '- [ ] task', '$x$', '{#id}', ':smile:',
  ];
  const hostileMd = fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...MD) }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) }), { maxLength: 16 }).map((p) => p.join(''));
  const SAFE_TAGS = new Set(['html', 'head', 'body', 'p', 'a', 'img', 'em', 'strong', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'br', 'del', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'input', 'sup', 'section', 'span', 'div']);
  const SAFE_ATTRS = new Set(['href', 'src', 'alt', 'title', 'id', 'class', 'type', 'checked', 'disabled', 'align', 'start', 'aria-describedby', 'aria-label', 'data-footnotes', 'data-footnote-ref', 'data-footnote-backref', 'dir', '__astro_image_', 'style', 'tabindex', 'data-language'] );

  it('only emits allowlisted elements, and every href/src is http(s), relative or a fragment', async () => {
    await fc.assert(
      fc.asyncProperty(hostileMd, async (md) => {
        const doc = parseHtml(await render(md));
        for (const el of elements(doc)) {
          expect(SAFE_TAGS.has(el.tagName), `<${el.tagName}> from ${JSON.stringify(md)}`).toBe(true);
          for (const a of el.attrs) {
            expect(SAFE_ATTRS.has(a.name) && !a.name.startsWith('on'), `${el.tagName}[${a.name}] from ${JSON.stringify(md)}`).toBe(true);
            if (a.name === 'href' || a.name === 'src') expect(new URL(a.value, 'https://site.test/recaps/x/').protocol, `${a.value} from ${JSON.stringify(md)}`).toMatch(/^https?:$/);
          }
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('the fast front-matter reader', () => {
  it('reads any string js-yaml dumped exactly as js-yaml loads it (or leaves it to js-yaml)', async () => {
    const { dump } = await import('js-yaml');
    const str = fc.oneof(hostile, fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: fc.constantFrom(...'0123456789.-+_:#eExXoObB \'"\\-~!&*|>%@`,[]{}?TtNnFfuUlLrRsaA'.split('')), maxLength: 12 }));
    fc.assert(
      fc.property(str, str, (a, b) => {
        // Known bug, reported separately (tests/unit/fast-frontmatter-unicode-space.test.ts).
        const yaml = dump({ title: a, list: [a, b], nested: { k: b, items: [{ t: a }] } }, { lineWidth: -1, noRefs: true });
        const md = `---\n${yaml}---\nbody\n`;
        const fast = readSimpleEntry(md);
        if (fast) expect(fast.data, JSON.stringify(yaml)).toEqual(load(yaml));
      }),
      { numRuns: 5000 },
    );
  });
});
