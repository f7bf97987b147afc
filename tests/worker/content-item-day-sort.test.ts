// Pages sorted by views, duration or score within 31 days read sorted runs: each day's (0008), or each day's and
// category's (0012), one run directly, more as a top-k over the runs in up to three round trips. The page must be
// exactly the page one sorted pass over the whole range gives, for partial days, every sort, filters, offsets and
// keyset cursors; and it must read about the page, not the range.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProcessingStatus } from '../../content-pipeline/index.ts';
import type { ItemFilter } from '../../worker/storage/content-item-filter.ts';
import { planSortedPage, type SortedPageOptions } from '../../worker/storage/content-item-sorted-page.ts';
import { onePass, random } from './support-sorted-page.ts';

const BASE = Date.parse('2032-03-01T00:00:00Z');
const DAY = 86_400_000;
const DAYS = 5;
const ITEMS = 600;
const STATUSES = ['ready_for_content', 'ready_for_content', 'enhanced', 'failed'] as const;
const CATEGORIES = ['development', 'development', 'gaming', 'tutorial'] as const;

/** Every filter at once: ~20 bound parameters per run. */
const EVERY_FILTER: Partial<ItemFilter> = {
  statuses: [...ProcessingStatus.options],
  categories: ['development', 'gaming', 'tutorial'],
  broadcaster: 'StreamDev',
  platform: 'twitch',
  minViews: 1,
  minDuration: 20,
  maxDuration: 50,
  minScore: 0,
  minConfidence: 0.1,
};

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

async function run(filter: ItemFilter, options: SortedPageOptions) {
  // The caller runs the first round trip; the plan's own db.batch calls (rounds 2 and 3) are counted through this proxy.
  let roundTrips = 1;
  const db = new Proxy(env.DB, {
    get(target, name) {
      if (name === 'batch') roundTrips++;
      const value = Reflect.get(target, name) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const plan = planSortedPage(db, filter, options);
  for (const query of plan.queries) expect(query.params.length).toBeLessThanOrEqual(100);
  const page = await plan.finish(await env.DB.batch(plan.statements));
  const rows = page.rows as Array<{ content_item_id: string; sort_value: number }>;
  return { ids: rows.map((r) => r.content_item_id), rows, rowsRead: page.rowsRead, kind: plan.kind, runs: plan.runs, queries: plan.queries, roundTrips };
}

const planOf = (filter: ItemFilter, options: SortedPageOptions) => {
  const plan = planSortedPage(env.DB, filter, options);
  return { kind: plan.kind, runs: plan.runs, sql: plan.queries[0]!.sql };
};

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
      // Many parameters per run: the runs pack into more statements to stay within D1's 100 bound parameters.
      EVERY_FILTER,
    ];
    const plans = { runs: 0, oneRun: 0, onePass: 0, secondRound: 0, byCategory: 0 };
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
      if (got.kind === 'one-pass') plans.onePass++;
      else if (got.runs === 1) plans.oneRun++;
      else plans.runs++;
      if (got.roundTrips >= 2) plans.secondRound++;
      if (got.queries[0]!.sql.includes('content_category = ?')) plans.byCategory++;
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
    expect(plans.runs).toBeGreaterThan(70);
    expect(plans.secondRound).toBeGreaterThan(30);
    expect(plans.byCategory).toBeGreaterThan(20);
    expect(plans.oneRun).toBeGreaterThan(5);
    expect(plans.onePass).toBeGreaterThan(5);
  });

  it('reads about the page, not the range: one run directly, several runs as a top-k', async () => {
    // 600 items over 5 days; one whole day holds ~120. The top 10 of that day by score:
    const day: ItemFilter = { start: new Date(BASE + DAY).toISOString(), end: new Date(BASE + 2 * DAY).toISOString() };
    const count = async (filter: ItemFilter) =>
      (await env.DB.prepare('SELECT COUNT(*) AS n FROM content_items WHERE clip_created_at >= ? AND clip_created_at < ?').bind(filter.start, filter.end).first<{ n: number }>())!.n;
    expect(await count(day)).toBeGreaterThan(80);
    const oneDay = await run(day, { sortBy: 'content_score', sortOrder: 'desc', limit: 10, offset: 0 });
    expect(oneDay.ids).toHaveLength(10);
    expect(oneDay.roundTrips).toBe(1);
    // Exactly the page's index entries: the rows themselves are fetched by key, which D1 does not count.
    expect(oneDay.rowsRead).toBe(10);
    const explain = async (query: { sql: string; params: unknown[] }) =>
      (await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).bind(...query.params).all<{ detail: string }>()).results.map((r) => r.detail).join(' | ');
    expect(await explain(oneDay.queries[0]!)).toMatch(/USING INDEX content_items_day_score/);

    // A score bound seeks too: a descending page the bound leaves unfilled stops at it instead of walking the rest
    // of the day's scores (NULL scores included, which the index holds as -1).
    const best = await run({ ...day, minScore: 80 }, { sortBy: 'content_score', sortOrder: 'desc', limit: 100, offset: 0 });
    expect(best.ids).toEqual(await onePass({ ...day, minScore: 80 }, { sortBy: 'content_score', sortOrder: 'desc', limit: 100, offset: 0 }));
    expect(best.ids.length).toBeGreaterThan(0);
    expect(best.ids.length).toBeLessThan(50);
    expect(best.rowsRead).toBeLessThanOrEqual(best.ids.length + 1);

    // Three whole days by duration (6 distinct values, so ties are broken by id): each run's first
    // ceil(20 / 3) rows, then only rows that rank before the 20th best read so far. At most the page, one row per
    // run that ends a round, and the rows read in round 1 that lost to another run's (fewer than a run's share).
    // One sorted pass would read every item of the range.
    const days: ItemFilter = { start: new Date(BASE + DAY).toISOString(), end: new Date(BASE + 4 * DAY).toISOString() };
    const merged = await run(days, { sortBy: 'duration', sortOrder: 'asc', limit: 20, offset: 0 });
    expect(merged.runs).toBe(3);
    expect(merged.ids).toHaveLength(20);
    expect(merged.rowsRead).toBeLessThanOrEqual(20 + 3 * Math.ceil(20 / 3));
    expect(await count(days)).toBeGreaterThan(8 * merged.rowsRead);

    // A category filter walks each (day, category) run of 0012 instead of skipping the other categories' entries.
    const week: ItemFilter = { start: new Date(BASE).toISOString(), end: new Date(BASE + 5 * DAY).toISOString(), categories: ['gaming'] };
    const byViews = await run(week, { sortBy: 'view_count', sortOrder: 'desc', limit: 20, offset: 0 });
    expect(byViews.runs).toBe(5);
    expect(byViews.ids).toEqual(await onePass(week, { sortBy: 'view_count', sortOrder: 'desc', limit: 20, offset: 0 }));
    // One statement (D1 takes up to 5 terms per compound SELECT), each term a seek into its (day, category) run.
    expect(byViews.queries).toHaveLength(1);
    const searches = (await Promise.all(byViews.queries.map(explain))).join(' | ').split(' | ').filter((line) => line.includes('content_items'));
    expect(searches).toHaveLength(5);
    for (const line of searches) expect(line).toMatch(/^SEARCH content_items USING INDEX content_items_day_category_views \(created_day=\? AND content_category=\?\)$/);
    expect(byViews.rowsRead).toBeLessThanOrEqual(2 * 20);
  });

  it('reads runs for any filter within 31 days; sorts by time, longer ranges and deep pages read one pass', async () => {
    const week = { start: new Date(BASE).toISOString(), end: new Date(BASE + 7 * DAY).toISOString() };
    const page = { limit: 20, offset: 0 } as const;
    expect(planOf({ ...week, categories: ['development'] }, { sortBy: 'view_count', sortOrder: 'desc', ...page })).toMatchObject({ kind: 'day-runs', runs: 7, sql: expect.stringMatching(/content_items_day_category_views/) });
    expect(planOf({ ...week, categories: ['development', 'gaming'] }, { sortBy: 'view_count', sortOrder: 'desc', ...page })).toMatchObject({ kind: 'day-runs', runs: 14 });
    expect(planOf({ ...week, statuses: ['queued'] }, { sortBy: 'duration', sortOrder: 'asc', ...page })).toMatchObject({ kind: 'day-runs', runs: 7, sql: expect.stringMatching(/content_items_day_duration/) });
    const quarter = { start: new Date(BASE).toISOString(), end: new Date(BASE + 90 * DAY).toISOString() };
    expect(planOf(quarter, { sortBy: 'content_score', sortOrder: 'desc', ...page })).toMatchObject({ kind: 'one-pass', sql: expect.not.stringMatching(/created_day/) });
    expect(planOf(week, { sortBy: 'created_at', sortOrder: 'desc', ...page })).toMatchObject({ kind: 'one-pass' });
    const days = (n: number) => ({ start: new Date(BASE).toISOString(), end: new Date(BASE + n * DAY).toISOString() });
    expect(planOf(days(31), { sortBy: 'duration', sortOrder: 'asc', ...page })).toMatchObject({ kind: 'day-runs', runs: 31 });
    expect(planOf(days(31.5), { sortBy: 'duration', sortOrder: 'asc', ...page })).toMatchObject({ kind: 'one-pass' });
    // Past 62 (day, category) runs, the days' runs with the categories as a filter.
    expect(planOf({ ...days(21), categories: ['development', 'gaming', 'tutorial'] }, { sortBy: 'duration', sortOrder: 'asc', ...page })).toMatchObject({ kind: 'day-runs', runs: 21, sql: expect.stringMatching(/content_items_day_duration/) });
    expect(planOf(week, { sortBy: 'view_count', sortOrder: 'desc', limit: 20, offset: 180 })).toMatchObject({ kind: 'day-runs' });
    expect(planOf(week, { sortBy: 'view_count', sortOrder: 'desc', limit: 20, offset: 181 })).toMatchObject({ kind: 'one-pass' });
    // Packed by D1's 100 bound parameters before its 5 terms per compound SELECT.
    const partialWeek = { start: new Date(BASE + 3_600_000).toISOString(), end: new Date(BASE + 7 * DAY - 3_600_000).toISOString() };
    const packed = planSortedPage(env.DB, { ...partialWeek, ...EVERY_FILTER, repository: 'streamdev/clip-recap' }, { sortBy: 'duration', sortOrder: 'asc', ...page, after: [30, 'day-sort-0300'] });
    expect(packed.runs).toBe(21);
    const terms = packed.queries.map((query) => query.sql.split(' UNION ALL ').length);
    expect(terms.reduce((a, b) => a + b)).toBe(21);
    expect(Math.max(...terms)).toBeLessThanOrEqual(5);
    expect(terms.slice(0, -1).some((n) => n < 5)).toBe(true);
    for (const query of packed.queries) expect(query.params.length).toBeLessThanOrEqual(100);
    // One day reads its run at any depth.
    const hours = { start: new Date(BASE + 3_600_000).toISOString(), end: new Date(BASE + 5 * 3_600_000).toISOString() };
    expect(planOf(hours, { sortBy: 'view_count', sortOrder: 'desc', limit: 20, offset: 400 })).toMatchObject({ kind: 'day-runs', runs: 1, sql: expect.stringMatching(/created_day = \?/) });
  });
});
