// The one way pages get recaps. Every page, feed and index goes through publishedRecaps(), so the draft rule
// lives here only: drafts are built in preview builds (SITE_PREVIEW=1, branch and PR deploys) and never in
// production; feeds pass `includeDrafts: false` so drafts never reach RSS, even in previews.
// The sitemap cannot call this (it filters URLs after the build), so this also records for it which recaps are
// drafts, by the same rule (content-index.mjs).
import { getCollection, type CollectionEntry } from 'astro:content';
import { recordSitemapVisibility } from './content-index.mjs';
import { formatDateRange, plural, readingMinutes } from './format.ts';
import { listingEntryHtml } from './listing-entry.ts';
import { isVisible, sitemapVisibility, sortNewestFirst } from './listing.ts';

export type Recap = CollectionEntry<'recaps'>;

/** True for preview builds: SITE_PREVIEW=1 (or `true`) in the build's environment. */
export function isPreviewBuild(): boolean {
  const v = (process.env.SITE_PREVIEW ?? '').trim().toLowerCase();
  return v === '1' || v === 'true';
}

export interface RecapQuery {
  /** Default: drafts only in preview builds. RSS passes false. */
  includeDrafts?: boolean;
}

/** Recaps visible in this build, newest first. */
export async function publishedRecaps({ includeDrafts = isPreviewBuild() }: RecapQuery = {}): Promise<Recap[]> {
  const all = await getCollection('recaps');
  recordSitemapVisibility(sitemapVisibility(all));
  return sortNewestFirst(all.filter((r) => isVisible(r, includeDrafts)));
}

// Keyed by the entry's data object, which getCollection() hands out unchanged while the content store is the same
// (a whole build; in `astro dev`, until the file changes), so listing pages don't recount the same words.
const minutesCache = new WeakMap<Recap['data'], number>();

/**
 * Minutes to read a recap (readingMinutes), counted once per entry. The body's words were counted when it was
 * rendered (site/lib/markdown-store.mjs); the store keeps that count, not the body.
 */
export function minutesToRead(recap: Recap): number {
  let minutes = minutesCache.get(recap.data);
  if (minutes === undefined) {
    const bodyWords = (recap.rendered?.metadata?.frontmatter as { body_words?: unknown } | undefined)?.body_words;
    if (typeof bodyWords !== 'number') {
      throw new Error(`recap ${recap.id} has no body word count: the bodyWordCount Markdown plugin (astro.config.mjs) counts it`);
    }
    minutes = readingMinutes(bodyWords, recap.data);
    minutesCache.set(recap.data, minutes);
  }
  return minutes;
}

export const TYPE_LABEL = { daily_recap: 'Daily recap', weekly_summary: 'Weekly summary', topic_focus: 'Topic focus' } as const;

// Keyed by the entry's data object, like minutesCache: one entry per recap and heading level per build.
const listingCache = new WeakMap<Recap['data'], Partial<Record<2 | 3, string>>>();

/**
 * A recap's entry in a listing (home, tag and category pages), built once per build and heading level: a recap is
 * listed on ~10 pages (site/lib/listing-entry.ts).
 */
export function listingHtml(recap: Recap, headingLevel: 2 | 3): string {
  let entries = listingCache.get(recap.data);
  if (entries === undefined) listingCache.set(recap.data, (entries = {}));
  let html = entries[headingLevel];
  if (html === undefined) {
    const { title, draft, date_range, category, description, tags, content_type, clips } = recap.data;
    html = listingEntryHtml(
      {
        id: recap.id,
        title,
        draft,
        start: date_range.start,
        category,
        description,
        tags,
        type: TYPE_LABEL[content_type],
        range: formatDateRange(date_range.start, date_range.end),
        clips: plural(clips.length, 'clip'),
        minutes: minutesToRead(recap),
      },
      headingLevel,
    );
    entries[headingLevel] = html;
  }
  return html;
}
