// What a query over the content_items index filters on, shared by the pages (content-item-sorted-page.ts), the
// counts (content-item-count.ts) and the cursor listing (content-item-queries.ts): the filter, its SQL conditions,
// the sort columns and the UTC days a range spans.

export const SORT_COLUMNS = {
  created_at: 'clip_created_at',
  view_count: 'clip_view_count',
  duration: 'clip_duration',
  // Migration 0008's generated column, IFNULL(content_score, -1): unscored items sort as -1, last in the default descending
  // order (first when ascending).
  content_score: 'score_sort',
} as const;

/** Filters over the index, shared by the cursor listing and the generation API. */
export interface ItemFilter {
  start: string;
  end: string;
  broadcaster?: string;
  statuses?: readonly string[];
  categories?: readonly string[];
  platform?: string;
  minViews?: number;
  minDuration?: number;
  maxDuration?: number;
  minScore?: number;
  minConfidence?: number;
  /** owner/name: only items with a matched event in that repository. */
  repository?: string;
}

/** `column IN (?, ...)` with each value once: a repeated one would only spend D1's 100 bound parameters. */
export function inList(column: string, values: readonly string[]): { clause: string; params: string[] } {
  const unique = [...new Set(values)];
  return { clause: `${column} IN (${unique.map(() => '?').join(', ')})`, params: unique };
}

/** The filter's conditions other than the date range, e.g. for a query that bounds time per day. */
export function filterClauses(filter: ItemFilter): { clauses: string[]; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => (clauses.push(clause), params.push(...values));
  const addIn = (column: string, values: readonly string[]) => {
    const list = inList(column, values);
    add(list.clause, ...list.params);
  };
  if (filter.broadcaster) add('broadcaster_name = ?', filter.broadcaster);
  if (filter.statuses?.length) addIn('processing_status', filter.statuses);
  if (filter.categories?.length) addIn('content_category', filter.categories);
  if (filter.platform) add('platform = ?', filter.platform);
  if (filter.minViews !== undefined) add('clip_view_count >= ?', filter.minViews);
  if (filter.minDuration !== undefined) add('clip_duration >= ?', filter.minDuration);
  if (filter.maxDuration !== undefined) add('clip_duration <= ?', filter.maxDuration);
  if (filter.minScore !== undefined) add('content_score >= ?', filter.minScore);
  if (filter.minConfidence !== undefined) add('github_confidence >= ?', filter.minConfidence);
  // GitHub's owner/name is case-insensitive, as the events table's repo column (COLLATE NOCASE) is.
  if (filter.repository) add("EXISTS (SELECT 1 FROM json_each(item_json, '$.github_repos') WHERE value = ? COLLATE NOCASE)", filter.repository);
  return { clauses, params };
}

export function buildWhere(filter: ItemFilter): { where: string; params: unknown[] } {
  const rest = filterClauses(filter);
  return {
    where: ['clip_created_at >= ?', 'clip_created_at < ?', ...rest.clauses].join(' AND '),
    params: [new Date(filter.start).toISOString(), new Date(filter.end).toISOString(), ...rest.params],
  };
}

/** The day-sorted indexes (migrations 0007 and 0008), for the sorts that are not by time. */
export const DAY_SORT_INDEXES: Partial<Record<keyof typeof SORT_COLUMNS, string>> = {
  view_count: 'content_items_day_views',
  duration: 'content_items_day_duration',
  content_score: 'content_items_day_score',
};

/**
 * A top-k over day runs costs a row or so per day it spans (a seek into each day's run) on top of the page, so past a month
 * (the generation API's default range cap) a single pass over a channel's range can read less.
 */
export const MAX_DAY_RUNS = 31;

export const DAY_MS = 86_400_000;
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A UTC day that [start, end) touches, with the range's bounds where it cuts the day (null: the whole day). */
export type DayRun = [day: string, from: string | null, to: string | null];

export function dayRuns(start: string, end: string): DayRun[] {
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);
  const runs: DayRun[] = [];
  for (let ms = Math.floor(startMs / DAY_MS) * DAY_MS; ms < endMs && runs.length <= MAX_DAY_RUNS; ms += DAY_MS) {
    runs.push([dayOf(ms), ms < startMs ? new Date(startMs).toISOString() : null, ms + DAY_MS > endMs ? new Date(endMs).toISOString() : null]);
  }
  return runs;
}

/** The same sorted runs per UTC day and category (migration 0012), for filters that name a few categories. */
export const DAY_CATEGORY_SORT_INDEXES: Partial<Record<keyof typeof SORT_COLUMNS, string>> = {
  view_count: 'content_items_day_category_views',
  duration: 'content_items_day_category_duration',
  content_score: 'content_items_day_category_score',
};
