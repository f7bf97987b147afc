// Pages sorted by views, duration or score within 31 days read each day's sorted index (migrations 0007, 0008):
// one day directly, more days merged a row at a time. The page must be exactly the page one sorted pass over the
// whole range gives, for partial days, every sort, filters, offsets and keyset cursors; and it must read about the
// page, not the range.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWhere, SORT_COLUMNS, type ItemFilter } from '../../worker/storage/content-item-filter.ts';
import { sortedPageQuery, type SortedPageOptions } from '../../worker/storage/content-item-sorted-page.ts';

const BASE = Date.parse('2032-03-01T00:00:00Z');
const DAY = 86_400_000;
const DAYS = 5;
const ITEMS = 600;
const STATUSES = ['ready_for_content', 'ready_for_content', 'enhanced', 'failed'] as const;
const CATEGORIES = ['development', 'development', 'gaming', 'tutorial'] as const;

/** A small deterministic generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

async function seed(): Promise<void> {
  const next = random(11);
  const insert = env.DB.prepare(
    `INSERT INTO content_items (content_item_id, clip_id, platform, broadcaster_name, clip_created_at, processing_status, content_category,
       clip_view_count, clip_duration, content_score, github_confidence, updated_at, item_json)
     VALUES (?1, ?2, 'twitch', ?3, ?4, ?9, ?10, ?5, ?6, ?7, ?8, ?4, json_object('id', ?1))`,
  );
  const rows = Array.from({ length: ITEMS }, (_, i) => {
    const created = new Date(BASE + Math.floor(next() * DAYS * DAY)).toISOString();
    // Few distinct values, so ties (broken by id) are everywhere; some items are not scored yet.
    const score = next() < 0.15 ? null : Math.floor(next() * 10) * 10;
    const status = STATUSES[Math.floor(next() * STATUSES.length)]!;
    const category = CATEGORIES[Math.floor(next() * CATEGORIES.length)]!;
    return insert.bind(`day-sort-${String(i).padStart(4, '0')}`, `day-sort-${i}`, next() < 0.5 ? 'StreamDev' : 'Other', created, Math.floor(next() * 20), 10 + Math.floor(next() * 6) * 10, score, Math.round(next() * 10) / 10, status, category);
  });
  for (let i = 0; i < rows.length; i += 100) await env.DB.batch(rows.slice(i, i + 100));
}

/** The same page from one sorted pass over the range (the plan before 0007), as the reference. */
async function onePass(filter: ItemFilter, options: SortedPageOptions): Promise<string[]> {
  const { where, params } = buildWhere(filter);
  const sort = SORT_COLUMNS[options.sortBy];
  const direction = options.sortOrder === 'desc' ? 'DESC' : 'ASC';
  const after = options.after ? ` AND (${sort}, content_item_id) ${options.sortOrder === 'desc' ? '<' : '>'} (?, ?)` : '';
  const sql = `SELECT content_item_id FROM content_items NOT INDEXED WHERE ${where}${after} ORDER BY ${sort} ${direction}, content_item_id ${direction} LIMIT ? OFFSET ?`;
  const rows = await env.DB.prepare(sql).bind(...params, ...(options.after ?? []), options.limit, options.offset).all<{ content_item_id: string }>();
  return rows.results.map((r) => r.content_item_id);
}

async function run(filter: ItemFilter, options: SortedPageOptions) {
  const { sql, params } = sortedPageQuery(filter, options);
  const result = await env.DB.prepare(sql).bind(...params).all<{ content_item_id: string; sort_value: number }>();
  return { ids: result.results.map((r) => r.content_item_id), rows: result.results, rowsRead: result.meta.rows_read, sql, params };
}

describe('pages sorted by views, duration or score, day by day', () => {
  beforeAll(seed);

  it('give exactly the page one sorted pass gives, for random ranges, sorts, filters, offsets and cursors', async () => {
    const next = random(23);
    const sorts = ['view_count', 'duration', 'content_score'] as const;
    const extras: Array<Partial<ItemFilter>> = [
      {},
      { minViews: 8 },
      { minDuration: 20, maxDuration: 40 },
      { minConfidence: 0.5 },
      { broadcaster: 'streamdev' },
      { minScore: 30 },
      { categories: ['development'] },
      { statuses: ['ready_for_content', 'enhanced'], categories: ['gaming', 'tutorial'], minViews: 5 },
    ];
    const plans = { merge: 0, oneDay: 0, onePass: 0 };
    for (let round = 0; round < 150; round++) {
      const startMs = BASE - DAY / 2 + Math.floor(next() * DAYS * 24) * 3_600_000 + (next() < 0.3 ? 0 : Math.floor(next() * 3_600_000));
      // Mostly within the 5 seeded days; sometimes up to 40 days (empty days merged, or past 31 days one pass).
      const hours = next() < 0.15 ? 1 + Math.floor(next() * 40 * 24) : 1 + Math.floor(next() * (DAYS * 24 + 12));
      const endMs = startMs + hours * 3_600_000;
      const filter: ItemFilter = { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), ...extras[round % extras.length] };
      const options: SortedPageOptions = {
        sortBy: sorts[Math.floor(next() * sorts.length)]!,
        sortOrder: next() < 0.5 ? 'asc' : 'desc',
        limit: 1 + Math.floor(next() * 25),
        // Deep pages (offset + limit past 200) read one pass instead of merging.
        offset: next() < 0.5 ? 0 : next() < 0.8 ? Math.floor(next() * 60) : 150 + Math.floor(next() * 100),
      };
      const expected = await onePass(filter, options);
      const got = await run(filter, options);
      if (got.sql.includes('WITH RECURSIVE')) plans.merge++;
      else if (got.sql.includes('created_day = ?')) plans.oneDay++;
      else plans.onePass++;
      const label = JSON.stringify({ round, filter, options });
      expect(got.ids, label).toEqual(expected);

      // Keyset: the next page after this page's last row, as GET /api/content-items walks it.
      const last = got.rows.at(-1);
      if (last) {
        const after: [number, string] = [last.sort_value, last.content_item_id];
        const keyset = { ...options, offset: 0, after };
        expect((await run(filter, keyset)).ids, `${label} after ${JSON.stringify(after)}`).toEqual(await onePass(filter, keyset));
      }
    }
    expect(plans.merge).toBeGreaterThan(70);
    expect(plans.oneDay).toBeGreaterThan(5);
    expect(plans.onePass).toBeGreaterThan(5);
  });

  it('reads about the page, not the range: one day directly, several days merged', async () => {
    // 600 items over 5 days; one whole day holds ~120. The top 10 of that day by score:
    const day: ItemFilter = { start: new Date(BASE + DAY).toISOString(), end: new Date(BASE + 2 * DAY).toISOString() };
    const count = async (filter: ItemFilter) =>
      (await env.DB.prepare('SELECT COUNT(*) AS n FROM content_items WHERE clip_created_at >= ? AND clip_created_at < ?').bind(filter.start, filter.end).first<{ n: number }>())!.n;
    expect(await count(day)).toBeGreaterThan(80);
    const oneDay = await run(day, { sortBy: 'content_score', sortOrder: 'desc', limit: 10, offset: 0 });
    expect(oneDay.ids).toHaveLength(10);
    // Exactly the page's index entries: the rows themselves are fetched by key, which D1 does not count.
    expect(oneDay.rowsRead).toBe(10);
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${oneDay.sql}`).bind(...oneDay.params).all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join(' | ')).toMatch(/USING INDEX content_items_day_score/);

    // Three whole days by duration (6 distinct values, so the seek past ties matters): per row taken, the queue,
    // the seek, the row and the final sort; per day, its entry, its first seek and its row. (Partial days also walk
    // past their rows outside the range.) One sorted pass would read every item of the range.
    const days: ItemFilter = { start: new Date(BASE + DAY).toISOString(), end: new Date(BASE + 4 * DAY).toISOString() };
    const merged = await run(days, { sortBy: 'duration', sortOrder: 'asc', limit: 20, offset: 0 });
    expect(merged.sql).toMatch(/WITH RECURSIVE/);
    expect(merged.ids).toHaveLength(20);
    expect(merged.rowsRead).toBeLessThanOrEqual(5 * 20 + 3 * 3);
    expect(await count(days)).toBeGreaterThan(3 * merged.rowsRead);
  });

  it('merges days for any filter within 31 days; sorts by time, longer ranges and deep pages read one pass', async () => {
    const week = { start: new Date(BASE).toISOString(), end: new Date(BASE + 7 * DAY).toISOString() };
    const page = { limit: 20, offset: 0 } as const;
    expect(sortedPageQuery({ ...week, categories: ['development'] }, { sortBy: 'view_count', sortOrder: 'desc', ...page }).sql).toMatch(/WITH RECURSIVE/);
    expect(sortedPageQuery({ ...week, statuses: ['queued'] }, { sortBy: 'duration', sortOrder: 'asc', ...page }).sql).toMatch(/WITH RECURSIVE/);
    const quarter = { start: new Date(BASE).toISOString(), end: new Date(BASE + 90 * DAY).toISOString() };
    expect(sortedPageQuery(quarter, { sortBy: 'content_score', sortOrder: 'desc', ...page }).sql).not.toMatch(/WITH RECURSIVE|created_day/);
    expect(sortedPageQuery(week, { sortBy: 'created_at', sortOrder: 'desc', ...page }).sql).not.toMatch(/WITH RECURSIVE|created_day/);
    const days = (n: number) => ({ start: new Date(BASE).toISOString(), end: new Date(BASE + n * DAY).toISOString() });
    expect(sortedPageQuery(days(31), { sortBy: 'duration', sortOrder: 'asc', ...page }).sql).toMatch(/WITH RECURSIVE/);
    expect(sortedPageQuery(days(31.5), { sortBy: 'duration', sortOrder: 'asc', ...page }).sql).not.toMatch(/WITH RECURSIVE|created_day/);
    expect(sortedPageQuery(week, { sortBy: 'view_count', sortOrder: 'desc', limit: 20, offset: 180 }).sql).toMatch(/WITH RECURSIVE/);
    expect(sortedPageQuery(week, { sortBy: 'view_count', sortOrder: 'desc', limit: 20, offset: 181 }).sql).not.toMatch(/WITH RECURSIVE|created_day/);
    const hours = { start: new Date(BASE + 3_600_000).toISOString(), end: new Date(BASE + 5 * 3_600_000).toISOString() };
    expect(sortedPageQuery(hours, { sortBy: 'view_count', sortOrder: 'desc', ...page }).sql).toMatch(/created_day = \?/);
  });
});
