// Untrusted text must not escape its code span in the PR body: a backslash before a pipe in a table cell, and the
// body's length limit cutting a line in the middle of a span (found by untrusted-text.property.test.ts).
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { buildRecap, RecapFrontmatter } from '../../content-pipeline/index.ts';
import { codeSpan, pullRequestBody } from '../../content-pipeline/recaps/pr-body.ts';
import { sampleSources } from '../support/recap-sources.ts';

const WEEK = { start: '2026-01-05T00:00:00.000Z', end: '2026-01-12T00:00:00.000Z' };
const gfm = (md: string) => remark().use(remarkGfm).parse(md) as any;

describe('codeSpan in a table cell', () => {
  it('keeps a title holding a backslash before a pipe inside one cell and one code span', () => {
    // codeSpan turns `|` into `\|`, but leaves the backslash before it: `\|` becomes `\\|`, an escaped backslash
    // followed by a bare `|`, which ends the cell (GFM and GitHub split cells before inline parsing).
    const row = gfm(`| a |\n| --- |\n| ${codeSpan('\\|', 80, { inTable: true })} |`).children[0].children[1];
    expect(row.children).toHaveLength(1);
    expect(row.children[0].children.map((c: any) => c.type)).toEqual(['inlineCode']);
  });
});

describe('pullRequestBody with a viewer-written clip title', () => {
  it('does not let `\\|` break the title out of its code span (links, mentions, extra cells)', async () => {
    const [source] = (await sampleSources()).filter((s) => s.context?.matches.length);
    const title = '\\|@everyone [win a prize](https://evil.example)';
    const recap = await buildRecap({ contentType: 'weekly_summary', dateRange: WEEK, sources: [{ ...source!, item: { ...source!.item, clip_title: title } }], generatorVersion: '0.1.0' });
    expect(recap.frontmatter.clips[0]!.title).toBe(title);
    const body = pullRequestBody({ frontmatter: recap.frontmatter, items: [source!.item], path: 'p.md', branch: 'recap/x', pagesProject: 'blog', slug: 's' });
    const tree = gfm(body);
    const table = tree.children.find((n: any) => n.type === 'table');
    for (const row of table.children) expect(row.children).toHaveLength(4);
    const urls: string[] = [];
    visit(tree, 'link', (n: any) => void urls.push(n.url));
    expect(urls).not.toContain('https://evil.example');
    const texts: string[] = [];
    visit(tree, 'text', (n: any) => void texts.push(n.value));
    expect(texts.join(' ')).not.toContain('@everyone');
  });
});

describe('pullRequestBody at its 60,000-character limit', () => {
  it('never cuts inside a code span, which would leave the rest of an untrusted title as live Markdown', async () => {
    const sources = (await sampleSources()).filter((s) => s.context?.matches.length);
    const recap = await buildRecap({ contentType: 'weekly_summary', dateRange: WEEK, sources: sources.slice(0, 1), generatorVersion: '0.1.0' });
    const e0 = recap.frontmatter.clips[0]!.github[0]!;
    const clip0 = recap.frontmatter.clips[0]!;
    // 6 clips x 50 matched commits (the schema's maximum per clip): a busy week. The reason's length only moves
    // where the cut lands.
    const clips = Array.from({ length: 6 }, (_, c) => ({
      ...clip0,
      id: `clip${c}`,
      github: Array.from({ length: 50 }, (_, i) => ({ ...e0, id: `e${c}-${i}`, title: '@everyone '.repeat(8).trim(), reason: 'r' })),
    }));
    const frontmatter = RecapFrontmatter.parse({ ...recap.frontmatter, clips });
    const body = pullRequestBody({ frontmatter, items: [], path: 'p.md', branch: 'recap/x', pagesProject: 'blog', slug: 's' });
    expect(body.length).toBeLessThanOrEqual(60_000);
    const texts: string[] = [];
    visit(gfm(body), 'text', (n: any) => void texts.push(n.value));
    // Every event title is in a code span: none of it may be plain text (a mention GitHub would notify).
    expect(texts.join(' ')).not.toContain('@everyone');
    // Whole event lines are left out, counted; the warnings and the footer stay.
    expect(body).toMatch(/\n- … and \d+ more, in the recap file\.\n/);
    expect(body).toContain('\n### Warnings\n');
    expect(body).toMatch(/regenerating this recap updates this pull request\.<\/sub>$/);
  });
});
