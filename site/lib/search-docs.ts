// What the search index knows of a recap (site/lib/search-index.ts), taken from the same collection entry its page
// is built from: front matter fields, and the rendered body as plain text.
import type { RecapFrontmatter } from '../../content-pipeline/schemas/recap.ts';
import { formatDateRange } from './format.ts';
import type { SearchDoc } from './search-index.ts';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the character references a Markdown renderer writes (named basics and numeric ones). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (ref, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ref;
    }
    return ENTITIES[name.toLowerCase()] ?? ref;
  });
}

/**
 * The text of rendered Markdown: tags dropped, references decoded, one line per block (paragraph, list item,
 * heading...). Only for indexing and excerpts, which the browser shows as text, never as HTML.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<\/(p|li|h[1-6]|blockquote|pre|tr|div|dt|dd)\s*>|<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** A recap as the search index sees it. */
export function searchDoc(recap: { id: string; data: RecapFrontmatter; rendered?: { html: string } }): SearchDoc {
  const { data } = recap;
  return {
    slug: recap.id,
    title: data.title,
    dateLabel: formatDateRange(data.date_range.start, data.date_range.end),
    description: data.description,
    tags: data.tags,
    category: data.category,
    body: htmlToText(recap.rendered?.html ?? ''),
    clips: data.clips.map((c) => ({ title: c.title, transcript: c.transcript_excerpt, github: c.github.flatMap((e) => [e.title, e.repo]) })),
  };
}
