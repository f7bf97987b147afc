// One sorted page of content items: by time through the time index in one statement; by views, duration or score
// within up to 31 days as a top-k over each day's (or day's and category's) sorted index (content-item-day-runs.ts);
// otherwise one pass over the range.
import { buildWhere, DAY_SORT_INDEXES, dayRuns, MAX_DAY_RUNS, SORT_COLUMNS, type ItemFilter } from './content-item-filter.ts';
import { planDayRuns } from './content-item-day-runs.ts';

/**
 * The day runs read a few rows past the page in each run, and offset + limit rows in all: for deep pages (page 11
 * and on at 20 a page) one pass over the range, which reads each item in it once or twice, is the safer bet.
 */
const MAX_TOP_K_ROWS = 200;

export interface SortedPageOptions {
  sortBy: keyof typeof SORT_COLUMNS;
  sortOrder: 'asc' | 'desc';
  limit: number;
  offset: number;
  /** Keyset cursor: only rows after this (sort value, content_item_id) in the sort order. */
  after?: [string | number, string];
}

export interface PageRow {
  item_json: string;
  sort_value: string | number;
  content_item_id: string;
}

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

export interface SortedPage {
  rows: PageRow[];
  /** D1's rows read by every statement of the page, in all its round trips. */
  rowsRead: number;
}

/**
 * A page as statements for the caller's first round trip (so it shares a D1 batch with counts and the like) and a
 * `finish` that makes the page of their results, with up to two more round trips when the first could not decide it.
 */
export interface SortedPagePlan {
  /** The first round trip's SQL (for EXPLAIN QUERY PLAN in tests), and the same bound as statements. */
  queries: SqlQuery[];
  statements: D1PreparedStatement[];
  finish(results: D1Result[]): Promise<SortedPage>;
  /** For tests and the docs: which index walk the page takes, and over how many sorted runs. */
  kind: 'one-pass' | 'day-runs';
  runs: number;
}

/**
 * The page of the items matching `filter`, sorted, with content_item_id as tie-break.
 * - Sorted by time, or past 31 days, or over several days deeper than offset + limit = 200: one statement that walks
 *   the time index (by time it stops after the page; otherwise it reads the range and sorts it). One day is one run
 *   at any depth.
 * - Sorted by views, duration or score within 31 days: the page is the top offset + limit of the runs each UTC day
 *   (and category, when the filter names few) holds in its sorted index, read as plain index seeks.
 */
export function planSortedPage(db: D1Database, filter: ItemFilter, options: SortedPageOptions): SortedPagePlan {
  const index = DAY_SORT_INDEXES[options.sortBy];
  const days = index ? dayRuns(filter.start, filter.end) : [];
  if (index && days.length <= MAX_DAY_RUNS && (days.length === 1 || options.offset + options.limit <= MAX_TOP_K_ROWS)) {
    return { ...planDayRuns(db, filter, days, options, MAX_TOP_K_ROWS), kind: 'day-runs' };
  }
  const query = onePassQuery(filter, options);
  return {
    queries: [query],
    statements: [db.prepare(query.sql).bind(...query.params)],
    finish: async ([result]) => ({ rows: result!.results as unknown as PageRow[], rowsRead: result!.meta.rows_read }),
    kind: 'one-pass',
    runs: 1,
  };
}

/** Runs a page's plan on its own: one D1 batch, and the further round trips it needs. */
export async function readSortedPage(db: D1Database, filter: ItemFilter, options: SortedPageOptions): Promise<SortedPage> {
  const plan = planSortedPage(db, filter, options);
  return plan.finish(await db.batch(plan.statements));
}

function onePassQuery(filter: ItemFilter, options: SortedPageOptions): SqlQuery {
  const sort = SORT_COLUMNS[options.sortBy];
  const direction = options.sortOrder === 'desc' ? 'DESC' : 'ASC';
  const { where, params } = buildWhere(filter);
  const clauses = [where];
  if (options.after) clauses.push(`(${sort}, content_item_id) ${options.sortOrder === 'desc' ? '<' : '>'} (?, ?)`), params.push(...options.after);
  return {
    sql: `SELECT item_json, ${sort} AS sort_value, content_item_id FROM content_items
          WHERE ${clauses.join(' AND ')} ORDER BY ${sort} ${direction}, content_item_id ${direction} LIMIT ? OFFSET ?`,
    params: [...params, options.limit, options.offset],
  };
}
