// The recap pull request's body, as GitHub's Markdown (GFM) reads it: untrusted text (a viewer's clip title, the
// judge's reasons, event titles) stays inside its code spans, whatever it holds.
import type { InlineCode } from 'mdast';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { buildRecap, codeSpan, pullRequestBody } from '../../content-pipeline/index.ts';
import { sampleSources } from '../support/recap-sources.ts';

const HOSTILE = 'nice | @everyone ![x](https://evil.example/pixel.png) [click](https://evil.example) | `tick` <b>x</b>';

async function bodyWithTitle(title: string): Promise<string> {
  const [first] = await sampleSources();
  const source = { ...first!, item: { ...first!.item, clip_title: title, content_decision: 'approved' as const } };
  const recap = await buildRecap({ contentType: 'daily_recap', dateRange: { start: '2026-01-05T00:00:00Z', end: '2026-01-06T00:00:00Z' }, sources: [source], generatorVersion: 't' });
  return pullRequestBody({ frontmatter: recap.frontmatter, items: [source.item], path: 'site/content/recaps/2026/x.md', branch: 'recap/daily/2026-01-05', pagesProject: 'p', slug: 's' });
}

describe('recap pull request body', () => {
  it('keeps a clip title with pipes inside its code span in the Clips table: no mention, image, link or HTML gets out', async () => {
    const tree = remark().use(remarkGfm).parse(await bodyWithTitle(HOSTILE));
    const escaped: string[] = [];
    const codes: string[] = [];
    visit(tree, (node) => {
      if (node.type === 'text' && /@everyone|evil/.test(node.value)) escaped.push(`text: ${node.value}`);
      if ((node.type === 'image' || node.type === 'link') && node.url.includes('evil.example')) escaped.push(`${node.type}: ${node.url}`);
      if (node.type === 'html' && !/^<\/?sub>$/.test(node.value)) escaped.push(`html: ${node.value}`); // our own <sub> footer
      if (node.type === 'inlineCode') codes.push((node as InlineCode).value);
    });
    expect(escaped).toEqual([]);
    // The table's cell shows the title as typed, pipes included (backticks become quotes), cut at 80 characters.
    const shown = HOSTILE.replace(/`/g, "'");
    expect(codes).toContain(`${shown.slice(0, 79)}…`);
    const table = tree.children.find((n) => n.type === 'table');
    expect(table && 'children' in table ? table.children[1]!.children : []).toHaveLength(4);
  });

  it('cuts long text on a code point, with an ellipsis', () => {
    expect(codeSpan('ab😀cd', 4)).toBe('`ab…`');
    expect(codeSpan('abc😀d', 5)).toBe('`abc…`');
    expect(codeSpan('a|b', 10)).toBe('`a|b`');
    expect(codeSpan('a|b', 10, { inTable: true })).toBe('`a\\|b`');
    expect(codeSpan('line\nbreak\u0000', 20)).toBe('`line break`');
  });
});
