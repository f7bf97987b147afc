// Suggestions for a generation answer: a title, categories as tags, and an overall score, from the page's items.
import type { ContentCategory, ContentItem } from '../schemas/content-item.ts';
import type { RecapContentType } from '../schemas/recap.ts';

const DAY = 86_400_000;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Jun 1, 2025" (UTC), as en-US formats it; by hand because toLocaleDateString builds a formatter per call (~0.8 ms). */
function formatDay(iso: string): string {
  const date = new Date(iso);
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

/** ISO 8601 week number and its year (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(iso: string): { year: number; week: number } {
  const date = new Date(iso);
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  thursday.setUTCDate(thursday.getUTCDate() + 4 - (thursday.getUTCDay() || 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return { year: thursday.getUTCFullYear(), week: Math.ceil(((thursday.getTime() - yearStart) / DAY + 1) / 7) };
}

function topTags(items: readonly ContentItem[], n: number): string[] {
  const counts = new Map<string, number>();
  for (const item of items) for (const tag of item.content_tags ?? []) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([t]) => t);
}

export function suggestedTitle(contentType: RecapContentType, range: { start: string; end: string }, items: readonly ContentItem[], topic?: string): string {
  const tags = topTags(items, 3);
  const about = tags.length > 0 ? `: ${tags.join(', ')}` : '';
  if (contentType === 'weekly_summary') {
    const { year, week } = isoWeek(range.start);
    return `Week ${week}, ${year} on stream${about}`;
  }
  if (contentType === 'topic_focus') return `Focus on ${topic ?? tags[0] ?? 'the stream'} (${formatDay(range.start)} – ${formatDay(new Date(Date.parse(range.end) - 1).toISOString())})`;
  return `Stream recap, ${formatDay(range.start)}${about}`;
}

/** Categories of the items, most frequent first. */
export function suggestedCategories(items: readonly ContentItem[]): ContentCategory[] {
  const counts = new Map<ContentCategory, number>();
  for (const item of items) if (item.content_category) counts.set(item.content_category, (counts.get(item.content_category) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
}

/** Mean content score of the scored items, one decimal; undefined when none is scored. */
export function meanScore(items: readonly ContentItem[]): number | undefined {
  const scores = items.map((i) => i.content_score).filter((s): s is number => s !== undefined);
  return scores.length === 0 ? undefined : Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 10) / 10;
}
