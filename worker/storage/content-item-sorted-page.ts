// One sorted page of content items as SQL: by time through the time index, by views, duration or score through
// the per-day sorted indexes (one day directly, up to 31 days merged), otherwise one pass over the range.
import { buildWhere, DAY_SORT_INDEXES, dayRuns, filterClauses, MAX_DAY_RUNS, SORT_COLUMNS, type ItemFilter } from './content-item-filter.ts';

/**
 * A merge reads ~4 rows per row it takes (offset included), so for deep pages (page 11 and on at 20 a page) one
 * pass over the range, which reads each item in it once or twice, is the safer bet.
 */
const MAX_MERGED_ROWS = 200;

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
