// Pure list operations over recaps: visibility, order, pagination, grouping. No Astro imports, so the tests
// can exercise them directly; site/lib/recaps.ts feeds them the content collection.
import type { RecapFrontmatter } from '../../content-pipeline/schemas/recap.ts';
import { monthKey } from './format.ts';

export interface RecapLike {
  id: string;
  data: Pick<RecapFrontmatter, 'date' | 'draft' | 'tags' | 'category'> & { date_range: { start: string } };
}

export const PAGE_SIZE = 10;

/** A draft is visible only when drafts are included (preview builds); a published recap always is. */
export function isVisible(recap: RecapLike, includeDrafts: boolean): boolean {
  return includeDrafts || recap.data.draft !== true;
}

/**
 * What the sitemap leaves out (site/lib/content-index.mjs): draft slugs, and the tags and categories that
 * published recaps use (a tag page only a draft uses exists in preview builds only).
 */
export function sitemapVisibility(recaps: readonly RecapLike[]): { draftSlugs: Set<string>; publishedTags: Set<string>; publishedCategories: Set<string> } {
  const draftSlugs = new Set<string>();
  const publishedTags = new Set<string>();
  const publishedCategories = new Set<string>();
  for (const recap of recaps) {
    if (!isVisible(recap, false)) {
      draftSlugs.add(recap.id);
      continue;
    }
    for (const tag of recap.data.tags) publishedTags.add(tag);
    publishedCategories.add(recap.data.category);
  }
  return { draftSlugs, publishedTags, publishedCategories };
}

/** Newest first; the same date falls back to the slug, descending, so the order never depends on the file system. */
export function sortNewestFirst<T extends RecapLike>(recaps: readonly T[]): T[] {
  return [...recaps].sort((a, b) => Date.parse(b.data.date) - Date.parse(a.data.date) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

export interface Page<T> {
  items: T[];
  /** 1-based */
  number: number;
  total: number;
  url: string;
  prevUrl: string | null;
  nextUrl: string | null;
}

/** The URL of home page `n`: `/` for the first, `/page/n/` after. */
export function pageUrl(n: number): string {
  return n <= 1 ? '/' : `/page/${n}/`;
}

/** Splits into pages of `size` whose URLs `urlOf` gives (the home pages' by default); always at least one page. */
export function paginate<T>(items: readonly T[], size = PAGE_SIZE, urlOf: (n: number) => string = pageUrl): Page<T>[] {
  const total = Math.max(1, Math.ceil(items.length / size));
  return Array.from({ length: total }, (_, i) => ({
    items: items.slice(i * size, (i + 1) * size),
    number: i + 1,
    total,
    url: urlOf(i + 1),
    prevUrl: i > 0 ? urlOf(i) : null,
    nextUrl: i + 1 < total ? urlOf(i + 2) : null,
  }));
}

/**
 * The pages of a tag or category listing (`/tags/x/`, then `/tags/x/page/2/` …), each with the rest parameter its
 * route (`[tag]/[...page].astro`) takes: undefined for the first page.
 */
export function listingPages<T>(base: string, items: readonly T[]): Array<{ page: Page<T>; rest: string | undefined }> {
  return paginate(items, PAGE_SIZE, (n) => (n <= 1 ? base : `${base}page/${n}/`)).map((page) => ({
    page,
    rest: page.number === 1 ? undefined : `page/${page.number}`,
  }));
}

function groupBy<T>(items: readonly T[], keys: (item: T) => readonly string[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    for (const key of new Set(keys(item))) {
      const list = out.get(key);
      if (list) list.push(item);
      else out.set(key, [item]);
    }
  }
  return out;
}

/** Tag -> recaps (input order kept), tags sorted alphabetically. */
export function groupByTag<T extends RecapLike>(recaps: readonly T[]): Map<string, T[]> {
  return new Map([...groupBy(recaps, (r) => r.data.tags)].sort(([a], [b]) => a.localeCompare(b)));
}

/** Category -> recaps, categories sorted alphabetically. */
export function groupByCategory<T extends RecapLike>(recaps: readonly T[]): Map<string, T[]> {
  return new Map([...groupBy(recaps, (r) => [r.data.category])].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * `YYYY-MM` -> recaps, newest month first. A recap belongs to the month its covered range starts in (UTC), so
 * the recap of 31 December published on 1 January is in December. Newest first within a month.
 */
export function groupByMonth<T extends RecapLike>(recaps: readonly T[]): Map<string, T[]> {
  return new Map([...groupBy(sortNewestFirst(recaps), (r) => [monthKey(r.data.date_range.start)])].sort(([a], [b]) => b.localeCompare(a)));
}

export function recapUrl(slug: string): string {
  return `/recaps/${slug}/`;
}
export function tagUrl(tag: string): string {
  return `/tags/${tag}/`;
}
export function categoryUrl(category: string): string {
  return `/categories/${category}/`;
}
