// Which clips make a recap, and where the post lives. Pure: items and contexts in, a plan out.
import type { GitHubContext } from '../matching/context.ts';
import { isStopword, vocabularyWords } from '../matching/tokens.ts';
import type { ContentItem } from '../schemas/content-item.ts';
import { toSlug, type RecapContentType } from '../schemas/recap.ts';
import { isoWeek } from './suggestions.ts';

export interface RecapSource {
  item: ContentItem;
  context: GitHubContext | null;
  transcript: string;
}

export interface SelectionOptions {
  contentType: RecapContentType;
  /** For topic_focus: the topic's slug (e.g. `cursor-pagination`). */
  topic?: string;
  includeNeedsReview: boolean;
}

/** The most clips one post carries, by type; beyond it the best scored are kept. */
export const MAX_CLIPS: Record<RecapContentType, number> = { daily_recap: 12, weekly_summary: 20, topic_focus: 15 };

/**
 * Whether a clip is about the topic: every word of the topic, stemmed, is among the clip's. Short and common
 * development words ("CI", "D1", "tests") count like any other (the matcher's tokenizer would drop them); only
 * stopwords ("the", "with") are left out of the topic.
 */
function matchesTopic(source: RecapSource, topic: string): boolean {
  const wanted = vocabularyWords(topic).filter((w) => !isStopword(w));
  if (wanted.length === 0) return false;
  const text = new Set(
    vocabularyWords([source.item.clip_title, source.transcript, ...(source.item.content_tags ?? []), ...(source.context?.matches ?? []).map((m) => m.event.title ?? '')].join(' ')),
  );
  return wanted.every((w) => text.has(w));
}

/** Whether an item may be in a recap at all, before its topic is looked at: ready, and approved (or needs_review when configured). */
export function isPublishable(item: ContentItem, options: Pick<SelectionOptions, 'includeNeedsReview'>): boolean {
  if (item.processing_status !== 'ready_for_content') return false;
  return item.content_decision === 'approved' || (item.content_decision === 'needs_review' && options.includeNeedsReview);
}

/** How recaps rank items: best score first (unscored as 0), ties by id. */
export function byBestScore(a: ContentItem, b: ContentItem): number {
  return (b.content_score ?? 0) - (a.content_score ?? 0) || (a.content_item_id < b.content_item_id ? -1 : 1);
}

/**
 * Approved items (and needs_review ones when configured), on topic for topic_focus, at most MAX_CLIPS of the best
 * scored, then in the order they happened.
 */
export function selectClips(sources: readonly RecapSource[], options: SelectionOptions): RecapSource[] {
  const eligible = sources.filter(
    (s) => isPublishable(s.item, options) && (options.contentType !== 'topic_focus' || (options.topic !== undefined && matchesTopic(s, options.topic))),
  );
  const best = [...eligible]
    .sort((a, b) => byBestScore(a.item, b.item))
    .slice(0, MAX_CLIPS[options.contentType]);
  return best.sort((a, b) => a.item.clip_created_at.localeCompare(b.item.clip_created_at) || (a.item.content_item_id < b.item.content_item_id ? -1 : 1));
}

export function topicSlug(topic: string): string {
  return toSlug(topic, 60);
}

/** The post's path in the content collection and its review branch; the same recap always maps to the same ones. */
export function recapLocation(contentType: RecapContentType, rangeStart: string, topic?: string): { path: string; branch: string; slug: string } {
  const day = new Date(rangeStart).toISOString().slice(0, 10);
  const year = day.slice(0, 4);
  if (contentType === 'weekly_summary') {
    const { year: weekYear, week } = isoWeek(rangeStart);
    const label = `${weekYear}-W${String(week).padStart(2, '0')}`;
    return { path: `site/content/recaps/${weekYear}/${label}-weekly-summary.md`, branch: `recap/weekly/${label}`, slug: `${label}-weekly-summary` };
  }
  if (contentType === 'topic_focus') {
    const slug = topicSlug(topic ?? '');
    if (!slug) throw new Error('a topic_focus recap needs a topic');
    return { path: `site/content/recaps/${year}/${day}-topic-${slug}.md`, branch: `recap/topic/${day}-${slug}`, slug: `${day}-topic-${slug}` };
  }
  return { path: `site/content/recaps/${year}/${day}-daily-recap.md`, branch: `recap/daily/${day}`, slug: `${day}-daily-recap` };
}
