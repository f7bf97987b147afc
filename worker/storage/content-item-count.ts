// The number of content items matching a filter, as SQL: per-day counts where the filter allows, otherwise through
// an index.
import { buildWhere, DAY_MS, DAY_SORT_INDEXES, dayOf, dayRuns, inList, MAX_DAY_RUNS, type ItemFilter } from './content-item-filter.ts';

/**
 * Counts through the index: the date range is the selective predicate, so it reads the range once (the planner
 * might otherwise walk a filter column's index across the whole table).
 */
function indexedCount(filter: ItemFilter): { sql: string; params: unknown[] } {
  const { where, params } = buildWhere(filter);
  // A bound on duration, views or score within a month: each day's sorted index is sought to the bound, so only
  // the entries inside it are read (a duration of 20-60 s over a week: 1919 -> about half as many rows).
  const sorted = filter.minDuration !== undefined || filter.maxDuration !== undefined ? DAY_SORT_INDEXES.duration
    : filter.minViews !== undefined ? DAY_SORT_INDEXES.view_count
    : filter.minScore !== undefined ? DAY_SORT_INDEXES.content_score
    : undefined;
  const runs = sorted ? dayRuns(filter.start, filter.end) : [];
  if (sorted && runs.length <= MAX_DAY_RUNS) {
    // score_sort is IFNULL(content_score, -1): with min_score >= 0 the same rows as content_score >= min_score.
    const score = sorted === DAY_SORT_INDEXES.content_score ? ' AND score_sort >= ?' : '';
    return {
      sql: `SELECT COUNT(*) FROM content_items INDEXED BY ${sorted} WHERE created_day IN (${runs.map(() => '?').join(', ')}) AND ${where}${score}`,
      params: [...runs.map(([day]) => day), ...params, ...(score ? [filter.minScore] : [])],
    };
  }
  return { sql: `SELECT COUNT(*) FROM content_items INDEXED BY content_items_created WHERE ${where}`, params };
}

/**
 * The number of items matching `filter`. When it filters on status and category only, whole UTC days come from
 * content_item_counts (one row per day, kept by triggers, migration 0006) and only the partial days at the edges
 * of the range are counted through the index; any other filter counts through an index: a duration, views or
 * score bound through the days' sorted indexes (only the entries inside the bound), otherwise the whole range.
 */
export function countQuery(filter: ItemFilter): { sql: string; params: unknown[] } {
  const rollupable =
    filter.broadcaster === undefined && filter.platform === undefined && filter.minViews === undefined && filter.minDuration === undefined &&
    filter.maxDuration === undefined && filter.minScore === undefined && filter.minConfidence === undefined && filter.repository === undefined;
  const startMs = Date.parse(filter.start);
  const endMs = Date.parse(filter.end);
  const firstWholeDay = Math.ceil(startMs / DAY_MS) * DAY_MS;
  const endOfWholeDays = Math.floor(endMs / DAY_MS) * DAY_MS;
  if (!rollupable || firstWholeDay >= endOfWholeDays) {
    const { sql, params } = indexedCount(filter);
    return { sql: `SELECT (${sql}) AS n`, params };
  }
  const statuses = inList('processing_status', filter.statuses?.length ? filter.statuses : ['*']);
  const categories = inList('content_category', filter.categories?.length ? filter.categories : ['*']);
  const parts = [`SELECT IFNULL(SUM(n), 0) FROM content_item_counts WHERE ${statuses.clause} AND ${categories.clause} AND day >= ? AND day < ?`];
  const params: unknown[] = [...statuses.params, ...categories.params, dayOf(firstWholeDay), dayOf(endOfWholeDays)];
  for (const [from, to] of [[startMs, firstWholeDay], [endOfWholeDays, endMs]] as const) {
    if (from >= to) continue;
    const edge = indexedCount({ ...filter, start: new Date(from).toISOString(), end: new Date(to).toISOString() });
    parts.push(edge.sql);
    params.push(...edge.params);
  }
  return { sql: `SELECT ${parts.map((part) => `(${part})`).join(' + ')} AS n`, params };
}

/** countQuery, prepared. */
export function countStatement(db: D1Database, filter: ItemFilter): D1PreparedStatement {
  const { sql, params } = countQuery(filter);
  return db.prepare(sql).bind(...params);
}
