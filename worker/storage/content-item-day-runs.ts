// A page sorted by views, duration or score within up to 31 days, read from sorted runs: each UTC day's run in
// its sorted index (0008), or each (day, category) run (0012) when the filter names few categories. Every
// statement is a plain seek that stops after its LIMIT, so D1 counts about the rows it returns:
//   1. each run's first ceil(N / runs) rows (N = offset + limit), in the caller's batch;
//   2. if those do not decide the page, for each run whose last row read still ranks before the N-th best row
//      read so far (the threshold), its next rows up to the threshold: an even share of N among those runs;
//   3. if still undecided, the same with every row that can still make the page: at most N minus the rows read
//      that rank at or before the run's last row.
// Why three rounds suffice: a row of the true top N ranks at or before the threshold (N rows read already do), and
// the threshold only moves up as rows are read. So a row of the page not read by round 2 sits in a run between its
// last row read and the threshold, among the first rows there that round 3 reads. With fewer than N rows read and
// no threshold, the rounds read on from every run not yet exhausted. The recursive merge this replaces (0008) cost
// D1 about 4 rows per row taken; this costs about one, plus a row or so per run.
import { filterClauses, DAY_CATEGORY_SORT_INDEXES, DAY_SORT_INDEXES, SORT_COLUMNS, type DayRun, type ItemFilter } from './content-item-filter.ts';
import type { PageRow, SortedPageOptions, SortedPagePlan, SqlQuery } from './content-item-sorted-page.ts';

/** Past this many (day, category) runs, the days' runs without the category split read less. */
const MAX_CATEGORY_RUNS = 62;

interface Run {
  day: DayRun;
  category?: string;
}

type Key = [sortValue: string | number, contentItemId: string];

export function planDayRuns(
  db: D1Database,
  filter: ItemFilter,
  days: DayRun[],
  options: SortedPageOptions,
  maxTopKRows: number,
): Omit<SortedPagePlan, 'kind'> {
  const wanted = options.offset + options.limit;
  const categories = [...new Set(filter.categories ?? [])];
  const runCount = days.length * categories.length;
  const byCategory = categories.length > 0 && runCount <= MAX_CATEGORY_RUNS && (runCount === 1 || wanted <= maxTopKRows);
  const runs: Run[] = byCategory ? days.flatMap((day) => categories.map((category) => ({ day, category }))) : days.map((day) => ({ day }));
  const index = (byCategory ? DAY_CATEGORY_SORT_INDEXES : DAY_SORT_INDEXES)[options.sortBy]!;
  const sort = SORT_COLUMNS[options.sortBy];
  const direction = options.sortOrder === 'desc' ? 'DESC' : 'ASC';
  // The filter's bounds on the sort column become the run's range in its index, merged with the row-value bounds:
  // SQLite seeks one lower and one upper bound per column, and a scalar one would take the row value's place
  // (a round-2 seek past a run's last row would then start back at the filter's bound).
  const { lower, upper, rest } = sortColumnBounds(byCategory ? { ...filter, categories: [] } : filter, options.sortBy);
  const shared = filterClauses(rest);

  /** The run's rows after `from` and before `until` in the sort order, at most `limit` of them past `offset`. */
  const query = (run: Run, bounds: { from?: Key | undefined; until?: Key | undefined }, limit: number, offset = 0): SqlQuery => {
    const clauses = ['created_day = ?'];
    const params: unknown[] = [run.day[0]];
    const add = (clause: string, ...values: unknown[]) => (clauses.push(clause), params.push(...values));
    if (run.category !== undefined) add('content_category = ?', run.category);
    if (run.day[1] !== null) add('clip_created_at >= ?', run.day[1]);
    if (run.day[2] !== null) add('clip_created_at < ?', run.day[2]);
    shared.clauses.forEach((clause) => clauses.push(clause));
    params.push(...shared.params);
    // A row bound read from the run already satisfies the filter's bound on that side, which it replaces.
    const [low, high] = options.sortOrder === 'asc' ? [bounds.from, bounds.until] : [bounds.until, bounds.from];
    if (low) add(`(${sort}, content_item_id) > (?, ?)`, ...low);
    else if (lower !== undefined) add(`${sort} >= ?`, lower);
    if (high) add(`(${sort}, content_item_id) < (?, ?)`, ...high);
    else if (upper !== undefined) add(`${sort} <= ?`, upper);
    return {
      sql: `SELECT item_json, ${sort} AS sort_value, content_item_id FROM content_items INDEXED BY ${index}
            WHERE ${clauses.join(' AND ')} ORDER BY ${sort} ${direction}, content_item_id ${direction} LIMIT ? OFFSET ?`,
      params: [...params, limit, offset],
    };
  };
  const statement = (q: SqlQuery) => db.prepare(q.sql).bind(...q.params);

  // A keyset cursor short of the filter's bound on the sort column (a client that tightened the filter between
  // pages) would replace that bound as the range's start: the bound is the tighter one then, and the cursor goes.
  const cursor = options.after;
  const beforeBound = typeof cursor?.[0] === 'number' && (options.sortOrder === 'asc' ? lower !== undefined && cursor[0] < lower : upper !== undefined && cursor[0] > upper);
  const after = beforeBound ? undefined : cursor;

  if (runs.length === 1) {
    const only = query(runs[0]!, { from: after }, options.limit, options.offset);
    return {
      queries: [only],
      statements: [statement(only)],
      runs: 1,
      finish: async ([result]) => ({ rows: result!.results as unknown as PageRow[], rowsRead: result!.meta.rows_read }),
    };
  }

  const sign = options.sortOrder === 'desc' ? -1 : 1;
  /** Negative when `a` comes first in the page's order (SQLite compares the ULIDs' ASCII as JavaScript does). */
  const rank = (a: PageRow, b: PageRow) =>
    sign * (a.sort_value < b.sort_value ? -1 : a.sort_value > b.sort_value ? 1 : a.content_item_id < b.content_item_id ? -1 : a.content_item_id > b.content_item_id ? 1 : 0);
  const key = (row: PageRow): Key => [row.sort_value, row.content_item_id];
  const perRun = Math.ceil(wanted / runs.length);

  const queries = packed(runs.map((run, i) => [i, query(run, { from: after }, perRun)]));
  return {
    queries,
    statements: queries.map(statement),
    runs: runs.length,
    async finish(results) {
      let rowsRead = results.reduce((sum, result) => sum + result.meta.rows_read, 0);
      const read = byRun(results, runs.length);
      const candidates = read.flat().sort(rank);
      /** The run's last row read, while the run may hold more (its last read filled its LIMIT). */
      const last = read.map((rows) => (rows.length === perRun ? rows.at(-1) : undefined));
      for (let round = 2; round <= MAX_ROUNDS; round++) {
        // The page's last row so far: it only moves up as rows are read, so rows past it are never needed.
        const threshold = candidates[wanted - 1];
        const open = runs.flatMap((_, i) => {
          const from = last[i];
          return from && (!threshold || rank(from, threshold) < 0) ? [i] : [];
        });
        if (open.length === 0) break;
        const share = Math.ceil(wanted / open.length);
        const limits = new Map<number, number>();
        const parts = open.map((i): [number, SqlQuery] => {
          // Rows of run i past its last row rank after every row read that ranks before that one, so at most
          // `wanted` minus those can make the page.
          const before = candidates.findIndex((row) => rank(row, last[i]!) > 0);
          const room = wanted - (before === -1 ? candidates.length : before);
          const limit = round === MAX_ROUNDS ? room : Math.min(room, share);
          limits.set(i, limit);
          return [i, query(runs[i]!, { from: key(last[i]!), until: threshold && key(threshold) }, limit)];
        });
        const more = await db.batch(packed(parts).map(statement));
        rowsRead += more.reduce((sum, result) => sum + result.meta.rows_read, 0);
        const rows = byRun(more, runs.length);
        for (const i of open) {
          candidates.push(...rows[i]!);
          last[i] = rows[i]!.length === limits.get(i) ? rows[i]!.at(-1) : undefined;
        }
        candidates.sort(rank);
      }
      return { rows: candidates.slice(options.offset, wanted), rowsRead };
    },
  };
}

/**
 * Round 2 reads an even share of the page from each open run, so a few busy days among quiet ones do not each
 * read a whole page; round 3, when needed, reads exactly what can still make the page.
 */
const MAX_ROUNDS = 3;

/** D1 binds at most 100 parameters per statement, and its SQLite takes at most 5 terms in a compound SELECT. */
const MAX_BOUND_PARAMETERS = 100;
const MAX_COMPOUND_TERMS = 5;

/**
 * Runs' queries as few statements as D1's limits allow: a UNION ALL of the runs' own sorted, limited
 * seeks, each row tagged with its run. One statement per run cost a round trip ~0.1 ms per statement.
 */
function packed(parts: Array<[run: number, query: SqlQuery]>): SqlQuery[] {
  const statements: SqlQuery[] = [];
  let selects: string[] = [];
  let params: unknown[] = [];
  for (const [run, query] of parts) {
    if (selects.length === MAX_COMPOUND_TERMS || (selects.length > 0 && params.length + query.params.length > MAX_BOUND_PARAMETERS)) {
      statements.push({ sql: selects.join(' UNION ALL '), params });
      selects = [];
      params = [];
    }
    selects.push(`SELECT *, ${run} AS run FROM (${query.sql})`);
    params.push(...query.params);
  }
  if (selects.length > 0) statements.push({ sql: selects.join(' UNION ALL '), params });
  return statements;
}

/** The rows of packed statements' results, per run, each run's in its own order. */
function byRun(results: D1Result[], runCount: number): PageRow[][] {
  const rows: PageRow[][] = Array.from({ length: runCount }, () => []);
  for (const result of results) for (const row of result.results as Array<PageRow & { run: number }>) rows[row.run]!.push(row);
  return rows;
}

/** The filter's inclusive bounds on the sort's own column, and the filter without them. */
function sortColumnBounds(filter: ItemFilter, sortBy: SortedPageOptions['sortBy']): { lower?: number; upper?: number; rest: ItemFilter } {
  if (sortBy === 'view_count') {
    const { minViews, ...rest } = filter;
    return { ...(minViews !== undefined && { lower: minViews }), rest };
  }
  if (sortBy === 'duration') {
    const { minDuration, maxDuration, ...rest } = filter;
    return { ...(minDuration !== undefined && { lower: minDuration }), ...(maxDuration !== undefined && { upper: maxDuration }), rest };
  }
  // The index holds the score as score_sort = IFNULL(content_score, -1): for a bound above -1 the two agree (an
  // unscored item fails both), so the bound seeks too, and a descending walk stops at it instead of reading the
  // rest of the run's scores below it.
  const { minScore, ...rest } = filter;
  if (sortBy === 'content_score' && minScore !== undefined && minScore > -1) return { lower: minScore, rest };
  return { rest: filter };
}
