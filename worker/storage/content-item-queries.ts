// List queries over the content_items index: a date range, filters, a sort, and keyset (cursor) pagination, so
// every page costs about its own size in rows read, never a scan of the table or of R2.
import { z } from 'zod';
import { ContentCategory, ContentItem, IsoDateTime, ProcessingStatus } from '../../content-pipeline/index.ts';

export const SORT_COLUMNS = {
  created_at: 'clip_created_at',
  view_count: 'clip_view_count',
  duration: 'clip_duration',
  // Migration 0008's generated column, IFNULL(content_score, -1): unscored items sort last.
  content_score: 'score_sort',
} as const;

const csv = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
    z.array(item).min(1),
  );

const number = z.coerce.number().finite().nonnegative();

export const ContentItemListQuery = z
  .object({
    start: IsoDateTime,
    end: IsoDateTime,
    broadcaster: z.string().min(1).max(50).optional(),
    status: csv(ProcessingStatus).optional(),
    category: csv(ContentCategory).optional(),
    min_views: number.optional(),
    min_duration: number.optional(),
    max_duration: number.optional(),
    min_score: number.max(100).optional(),
    sort_by: z.enum(['created_at', 'view_count', 'duration', 'content_score']).default('created_at'),
    sort_order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(400).optional(),
  })
  .strict()
  .refine((q) => Date.parse(q.end) > Date.parse(q.start), { message: 'end must be after start', path: ['end'] })
  .refine((q) => q.min_duration === undefined || q.max_duration === undefined || q.min_duration <= q.max_duration, {
    message: 'max_duration must be at least min_duration',
    path: ['max_duration'],
  });
export type ContentItemListQuery = z.infer<typeof ContentItemListQuery>;

const Cursor = z.tuple([z.enum(['created_at', 'view_count', 'duration', 'content_score']), z.enum(['asc', 'desc']), z.union([z.string(), z.number()]), z.string()]);

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

function encodeCursor(parts: z.infer<typeof Cursor>): string {
  return btoa(JSON.stringify(parts)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeCursor(cursor: string, query: ContentItemListQuery): [string | number, string] {
  try {
    const parts = Cursor.parse(JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))));
    if (parts[0] !== query.sort_by || parts[1] !== query.sort_order) throw new Error('sort changed');
    return [parts[2], parts[3]];
  } catch {
    throw new InvalidCursorError('cursor is not one this endpoint issued for this sort');
  }
}

export interface ContentItemPage {
  items: ContentItem[];
  next_cursor?: string;
  rows_read: number;
}

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
function inList(column: string, values: readonly string[]): { clause: string; params: string[] } {
  const unique = [...new Set(values)];
  return { clause: `${column} IN (${unique.map(() => '?').join(', ')})`, params: unique };
}

/** The filter's conditions other than the date range, e.g. for a query that bounds time per day. */
function filterClauses(filter: ItemFilter): { clauses: string[]; params: unknown[] } {
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
  if (filter.repository) add("EXISTS (SELECT 1 FROM json_each(item_json, '$.github_repos') WHERE value = ?)", filter.repository);
  return { clauses, params };
}

export function buildWhere(filter: ItemFilter): { where: string; params: unknown[] } {
  const rest = filterClauses(filter);
  return {
    where: ['clip_created_at >= ?', 'clip_created_at < ?', ...rest.clauses].join(' AND '),
    params: [new Date(filter.start).toISOString(), new Date(filter.end).toISOString(), ...rest.params],
  };
}

export function buildListQuery(query: ContentItemListQuery): { sql: string; params: unknown[] } {
  const filter: ItemFilter = {
    start: query.start,
    end: query.end,
    ...(query.broadcaster && { broadcaster: query.broadcaster }),
    ...(query.status && { statuses: query.status }),
    ...(query.category && { categories: query.category }),
    ...(query.min_views !== undefined && { minViews: query.min_views }),
    ...(query.min_duration !== undefined && { minDuration: query.min_duration }),
    ...(query.max_duration !== undefined && { maxDuration: query.max_duration }),
    ...(query.min_score !== undefined && { minScore: query.min_score }),
  };
  return sortedPageQuery(filter, {
    sortBy: query.sort_by,
    sortOrder: query.sort_order,
    limit: query.limit + 1,
    offset: 0,
    ...(query.cursor && { after: decodeCursor(query.cursor, query) }),
  });
}

/** The day-sorted indexes (migrations 0007 and 0008), for the sorts that are not by time. */
const DAY_SORT_INDEXES: Partial<Record<keyof typeof SORT_COLUMNS, string>> = {
  view_count: 'content_items_day_views',
  duration: 'content_items_day_duration',
  content_score: 'content_items_day_score',
};

/**
 * A merge costs a few rows per day it spans (a seek into each day's run) on top of the page, so past a month
 * (the generation API's default range cap) a single pass over a channel's range can read less.
 */
const MAX_DAY_RUNS = 31;

/**
 * A merge reads ~4 rows per row it takes (offset included), so for deep pages (page 11 and on at 20 a page) one
 * pass over the range, which reads each item in it once or twice, is the safer bet.
 */
const MAX_MERGED_ROWS = 200;

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A UTC day that [start, end) touches, with the range's bounds where it cuts the day (null: the whole day). */
type DayRun = [day: string, from: string | null, to: string | null];

function dayRuns(start: string, end: string): DayRun[] {
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);
  const runs: DayRun[] = [];
  for (let ms = Math.floor(startMs / DAY_MS) * DAY_MS; ms < endMs && runs.length <= MAX_DAY_RUNS; ms += DAY_MS) {
    runs.push([dayOf(ms), ms < startMs ? new Date(startMs).toISOString() : null, ms + DAY_MS > endMs ? new Date(endMs).toISOString() : null]);
  }
  return runs;
}

export interface SortedPageOptions {
  sortBy: keyof typeof SORT_COLUMNS;
  sortOrder: 'asc' | 'desc';
  limit: number;
  offset: number;
  /** Keyset cursor: only rows after this (sort value, content_item_id) in the sort order. */
  after?: [string | number, string];
}

/**
 * One page of the items matching `filter` (columns item_json, sort_value, content_item_id), sorted, with the
 * content_item_id as tie-break.
 * - Sorted by time, it walks the time index and stops after the page.
 * - Sorted by views, duration or score within one UTC day, it walks that day's sorted index (0008) and stops.
 * - Over 2 to 31 days, up to offset + limit = 200, it merges the days' sorted runs: a recursive CTE whose ORDER BY
 *   makes its queue a priority queue holds each day's next matching row; taking the best one pushes the row after
 *   it in the same day (an index seek or two), until offset + limit rows are taken. D1 counts about 4 rows per row
 *   taken (the queue, the seek, the row, the final sort) plus 3 per day, and the entries a filter skips, instead
 *   of every item in the range.
 * - Longer ranges and deeper pages read the range once and sort it.
 */
export function sortedPageQuery(filter: ItemFilter, options: SortedPageOptions): { sql: string; params: unknown[] } {
  const sort = SORT_COLUMNS[options.sortBy];
  const direction = options.sortOrder === 'desc' ? 'DESC' : 'ASC';
  const beyond = options.sortOrder === 'desc' ? '<' : '>';
  const order = `ORDER BY ${sort} ${direction}, content_item_id ${direction}`;
  const index = DAY_SORT_INDEXES[options.sortBy];
  const runs = index ? dayRuns(filter.start, filter.end) : [];
  if (!index || runs.length === 1 || runs.length > MAX_DAY_RUNS || options.offset + options.limit > MAX_MERGED_ROWS) {
    const { where, params } = buildWhere(filter);
    const clauses = [where];
    const oneDay = index && runs.length === 1;
    if (oneDay) clauses.push('created_day = ?'), params.push(runs[0]![0]);
    if (options.after) clauses.push(`(${sort}, content_item_id) ${beyond} (?, ?)`), params.push(...options.after);
    return {
      sql: `SELECT item_json, ${sort} AS sort_value, content_item_id FROM content_items${oneDay ? ` INDEXED BY ${index}` : ''}
            WHERE ${clauses.join(' AND ')} ${order} LIMIT ? OFFSET ?`,
      params: [...params, options.limit, options.offset],
    };
  }
  // Numbered parameters: the seeds and the steps share the filter's ?1..?n.
  const filters = filterClauses(filter);
  let n = 0;
  const shared = filters.clauses.map((clause) => ` AND ${clause.replace(/\?/g, () => `?${++n}`)}`).join('');
  const params = [...filters.params];
  let after = '';
  if (options.after) {
    after = ` AND (${sort}, content_item_id) ${beyond} (?${n + 1}, ?${n + 2})`;
    params.push(...options.after);
    n += 2;
  }
  /** The first row of `run`'s day that matches and satisfies `seek`, in the sort order. */
  const first = (run: string, seek: string, orderBy = order) =>
    `(SELECT content_item_id FROM content_items INDEXED BY ${index}
      WHERE created_day = ${run}.day${seek} AND (${run}.from_at IS NULL OR clip_created_at >= ${run}.from_at)
        AND (${run}.to_at IS NULL OR clip_created_at < ${run}.to_at)${shared} ${orderBy} LIMIT 1)`;
  // The row after m in its day: the next id among m's ties, else the first row past m's value. (A row-value seek,
  // (sort, id) > (m.sort, m.id), would be one seek, but SQLite seeks only its first column against a recursive
  // CTE's row and would walk every tie.) The seeds' keyset cursor is a row value: there SQLite seeks both columns.
  const next = `COALESCE(${first('m', ` AND ${sort} = m.sort_value AND content_item_id ${beyond} m.content_item_id`, `ORDER BY content_item_id ${direction}`)},
                         ${first('m', ` AND ${sort} ${beyond} m.sort_value`)})`;
  // The CTE gives rows out in the sort order (its queue's), but SQL promises no order without an ORDER BY: the
  // final sort of offset + limit rows costs D1 one row read each and keeps OFFSET and the cursor exact.
  return {
    sql: `WITH RECURSIVE runs(day, from_at, to_at) AS (SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?${n + 1})),
      merged(day, from_at, to_at, sort_value, content_item_id, item_json) AS (
        SELECT r.day, r.from_at, r.to_at, c.${sort}, c.content_item_id, c.item_json
          FROM runs AS r JOIN content_items AS c ON c.content_item_id = ${first('r', after)}
        UNION ALL
        SELECT m.day, m.from_at, m.to_at, c.${sort}, c.content_item_id, c.item_json
          FROM merged AS m JOIN content_items AS c ON c.content_item_id = ${next}
        ORDER BY 4 ${direction}, 5 ${direction} LIMIT ?${n + 2})
      SELECT item_json, sort_value, content_item_id FROM merged ORDER BY sort_value ${direction}, content_item_id ${direction} LIMIT ?${n + 3} OFFSET ?${n + 4}`,
    params: [...params, JSON.stringify(runs), options.offset + options.limit, options.limit, options.offset],
  };
}

export async function listContentItems(db: D1Database, query: ContentItemListQuery): Promise<ContentItemPage> {
  const { sql, params } = buildListQuery(query);
  const result = await db.prepare(sql).bind(...params).all<{ item_json: string; sort_value: string | number; content_item_id: string }>();
  const rows = result.results;
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => JSON.parse(row.item_json) as ContentItem),
    ...(rows.length > query.limit && last && { next_cursor: encodeCursor([query.sort_by, query.sort_order, last.sort_value, last.content_item_id]) }),
    rows_read: result.meta.rows_read,
  };
}

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

/** Runs statements as one D1 batch: `db.batch`, or a wrapper such as the request's nonce claim (nonce-claim.ts). */
export type BatchRunner = (statements: D1PreparedStatement[]) => Promise<D1Result[]>;

export interface OffsetPage {
  items: ContentItem[];
  total: number;
  rows_read: { page: number; count: number };
  /** Results of the extra statements, in order. */
  extra: D1Result[];
}

/**
 * One page by offset (the generation API's page/limit) and the total, plus any `extra` statements, in one D1 batch
 * (one round trip; `runBatch` runs it, e.g. with the request's nonce claim in front). `limit` 0 skips the page and
 * only counts.
 */
export async function pageContentItems(
  db: D1Database,
  filter: ItemFilter,
  sortBy: keyof typeof SORT_COLUMNS,
  sortOrder: 'asc' | 'desc',
  page: number,
  limit: number,
  extra: D1PreparedStatement[] = [],
  runBatch: BatchRunner = (statements) => db.batch(statements),
): Promise<OffsetPage> {
  const count = countStatement(db, filter);
  const pageQuery = limit > 0 ? sortedPageQuery(filter, { sortBy, sortOrder, limit, offset: (page - 1) * limit }) : null;
  const pageStatement = pageQuery ? db.prepare(pageQuery.sql).bind(...pageQuery.params) : null;
  const results = await runBatch([count, ...(pageStatement ? [pageStatement] : []), ...extra]);
  const counted = results[0]!;
  const rows = pageStatement ? results[1]! : null;
  return {
    items: rows ? (rows.results as Array<{ item_json: string }>).map((r) => JSON.parse(r.item_json) as ContentItem) : [],
    total: (counted.results[0] as { n: number }).n,
    rows_read: { page: rows?.meta.rows_read ?? 0, count: counted.meta.rows_read },
    extra: results.slice(pageStatement ? 2 : 1),
  };
}
