// Property: a page sorted by views, duration or score read as a top-k in up to three rounds over sorted day (or
// day, category) runs (content-item-day-runs.ts) is exactly the page one sorted pass (NOT INDEXED) gives, for heavy ties, NULL
// scores, NULL categories, duplicate and absent categories, sort-column bounds merged into the row-value ranges,
// partial days, 29-31 day ranges near the 62 (day, category) runs limit, pages up to offset + limit = 200, and
// keyset cursors (also ones whose row no longer matches the filter). Every statement binds at most 100 parameters.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProcessingStatus } from '../../content-pipeline/index.ts';
import type { ItemFilter } from '../../worker/storage/content-item-filter.ts';
import { ContentItemListQuery, listContentItems } from '../../worker/storage/content-item-queries.ts';
import { planSortedPage, type SortedPageOptions } from '../../worker/storage/content-item-sorted-page.ts';
import { onePass, random } from './support-sorted-page.ts';

fc.configureGlobal({ seed: 20_261_124 });

const DAY = 86_400_000;
const WORLD_DAYS = 34;
/** Three disjoint "worlds" of data, each in its own 40-day span: all values equal, few values, spread values. */
const WORLDS = 3;
const ITEMS_PER_WORLD = 420;
const worldBase = (w: number) => Date.parse('2033-01-01T00:00:00Z') + w * 40 * DAY;
const CATEGORIES = ['development', 'gaming', 'tutorial', null] as const;
const STATUSES = ['ready_for_content', 'enhanced', 'failed'] as const;

async function seed(): Promise<void> {
  const next = random(7);
  const insert = env.DB.prepare(
    `INSERT INTO content_items (content_item_id, clip_id, platform, broadcaster_name, clip_created_at, processing_status, content_category,
       clip_view_count, clip_duration, content_score, github_confidence, updated_at, item_json)
     VALUES (?1, ?2, ?12, ?3, ?4, ?9, ?10, ?5, ?6, ?7, ?8, ?4, json_object('id', ?1, 'github_repos', json(?11)))`,
  );
  const rows: D1PreparedStatement[] = [];
  for (let w = 0; w < WORLDS; w++) {
    const base = worldBase(w);
    for (let i = 0; i < ITEMS_PER_WORLD; i++) {
      // 40% crowd the first three days (deep runs), the rest spread over 34 days; some exactly at midnight or
      // the last millisecond of a day.
      const day = next() < 0.4 ? Math.floor(next() * 3) : Math.floor(next() * WORLD_DAYS);
      const r = next();
      const intra = r < 0.06 ? 0 : r < 0.12 ? DAY - 1 : r < 0.16 ? DAY - 1000 : r < 0.2 ? 1000 : Math.floor(next() * DAY);
      const created = new Date(base + day * DAY + intra).toISOString();
      let views: number, duration: number, score: number | null;
      if (w === 0) [views, duration, score] = [7, 30, 50];
      else if (w === 1) [views, duration, score] = [Math.floor(next() * 2), next() < 0.5 ? 10 : 20, [null, 0, 10][Math.floor(next() * 3)]!];
      else [views, duration, score] = [Math.floor(next() * 31), 5 + 7.5 * Math.floor(next() * 8), next() < 0.2 ? null : Math.floor(next() * 21) * 5 + (next() < 0.2 ? 0.5 : 0)];
      const category = CATEGORIES[Math.floor(next() * CATEGORIES.length)]!;
      const status = STATUSES[Math.floor(next() * STATUSES.length)]!;
      // Ids not in time order, so the id tie-break and time are independent.
      const id = `dr${w}-${String((i * 7919) % 10_007).padStart(5, '0')}`;
      const repos = JSON.stringify(next() < 0.5 ? ['StreamDev/clip-recap'] : []);
      rows.push(insert.bind(id, `clip-${id}`, next() < 0.5 ? 'StreamDev' : 'Other', created, views, duration, score, Math.round(next() * 10) / 10, status, category, repos, next() < 0.8 ? 'twitch' : 'youtube'));
    }
  }
  for (let i = 0; i < rows.length; i += 100) await env.DB.batch(rows.slice(i, i + 100));
}

/** The plan's page, with every statement's bound parameter count (every round) recorded through a proxy. */
async function run(filter: ItemFilter, options: SortedPageOptions) {
  const bound: number[] = [];
  let roundTrips = 1;
  const db = new Proxy(env.DB, {
    get(target, name) {
      if (name === 'batch') roundTrips++;
      if (name === 'prepare') {
        return (sql: string) => {
          const statement = target.prepare(sql);
          return new Proxy(statement, {
            get(s, n) {
              if (n === 'bind') return (...args: unknown[]) => (bound.push(args.length), s.bind(...args));
              const value = Reflect.get(s, n) as unknown;
              return typeof value === 'function' ? value.bind(s) : value;
            },
          });
        };
      }
      const value = Reflect.get(target, name) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const plan = planSortedPage(db, filter, options);
  for (const query of plan.queries) expect(query.params.length).toBeLessThanOrEqual(100);
  for (const query of plan.queries) expect(query.sql.split(' UNION ALL ').length).toBeLessThanOrEqual(5);
  const page = await plan.finish(await env.DB.batch(plan.statements));
  const rows = page.rows as Array<{ content_item_id: string; sort_value: number }>;
  return { ids: rows.map((r) => r.content_item_id), rows, rowsRead: page.rowsRead, kind: plan.kind, runs: plan.runs, bound, roundTrips, sql: plan.queries[0]!.sql };
}

const SORTS = ['view_count', 'duration', 'content_score'] as const;
const opt = <T>(arb: fc.Arbitrary<T>, freq = 2) => fc.option(arb, { nil: undefined, freq });

const filterArb = fc.record({
  categories: opt(fc.array(fc.constantFrom('development', 'gaming', 'tutorial', 'review', 'other'), { minLength: 1, maxLength: 7 }), 1),
  minViews: opt(fc.constantFrom(0, 1, 2, 7, 8, 15, 29.5, 31)),
  duration: opt(
    fc.oneof(
      fc.constantFrom(5, 10, 12.5, 20, 30, 57.5).map((d) => ({ minDuration: d, maxDuration: d })),
      fc.record({ minDuration: opt(fc.constantFrom(0, 10, 20, 27.5, 30, 31)), maxDuration: opt(fc.constantFrom(5, 10, 20, 29, 30, 42.5, 100)) }),
      // Excluding everything.
      fc.constant({ minDuration: 40, maxDuration: 10 }),
    ),
  ),
  minScore: opt(fc.constantFrom(0, 10, 50, 50.5, 95), 4),
  every: fc.boolean(),
});

type FilterSpec = typeof filterArb extends fc.Arbitrary<infer T> ? T : never;

function toFilter(spec: FilterSpec, start: string, end: string): ItemFilter {
  const filter: ItemFilter = { start, end };
  if (spec.categories) filter.categories = spec.categories;
  if (spec.minViews !== undefined) filter.minViews = spec.minViews;
  if (spec.duration?.minDuration !== undefined) filter.minDuration = spec.duration.minDuration;
  if (spec.duration?.maxDuration !== undefined) filter.maxDuration = spec.duration.maxDuration;
  if (spec.minScore !== undefined) filter.minScore = spec.minScore;
  if (spec.every) {
    // Every other option at once: many bound parameters per run.
    Object.assign(filter, {
      statuses: [...ProcessingStatus.options, ...ProcessingStatus.options],
      broadcaster: 'streamdev',
      platform: 'twitch',
      minConfidence: 0.1,
      repository: 'streamdev/CLIP-RECAP',
    });
    filter.categories ??= ['development', 'gaming', 'tutorial', 'review', 'other', 'gaming'];
  }
  return filter;
}

const rangeArb = fc.record({
  world: fc.integer({ min: 0, max: WORLDS - 1 }),
  startDay: fc.integer({ min: 0, max: WORLD_DAYS - 1 }),
  startMs: fc.oneof(fc.constantFrom(0, 1000, DAY - 1000, DAY - 1), fc.integer({ min: 0, max: DAY - 1 })),
  lengthMs: fc.oneof(
    // One second, across midnight by a second each way, exactly a day, a day and a second, ...
    fc.constantFrom(1, 1000, 2000, DAY, DAY + 1000, DAY - 1000, 2 * DAY),
    fc.integer({ min: 1, max: 31 * DAY }),
    fc.constantFrom(29, 30, 31).map((d) => d * DAY),
    fc.constantFrom(30 * DAY + 1000, 31 * DAY + 1),
  ),
});

const pageArb = fc.oneof(
  fc.record({ limit: fc.integer({ min: 1, max: 60 }), offset: fc.integer({ min: 0, max: 140 }) }),
  fc.record({ limit: fc.constant(1), offset: fc.integer({ min: 0, max: 199 }) }),
  fc.constantFrom({ limit: 200, offset: 0 }, { limit: 100, offset: 100 }, { limit: 1, offset: 199 }, { limit: 21, offset: 179 }, { limit: 20, offset: 181 }, { limit: 50, offset: 250 }),
);

const afterArb = fc.oneof(
  fc.constant({ mode: 'none' as const }),
  fc.constant({ mode: 'previous' as const }),
  // A cursor from the previous page of the range without the filter's bounds: its row may no longer match.
  fc.constant({ mode: 'unfiltered' as const }),
  fc.record({
    mode: fc.constant('arbitrary' as const),
    value: fc.constantFrom(-1, 0, 1, 4, 7, 9.5, 10, 15, 20, 29, 30, 31, 42.5, 50, 55, 100, 1000),
    id: fc.constantFrom('', 'dr', 'dr0-05000', 'dr1-', 'dr2-09999', 'zz'),
  }),
);

describe('day-run pages (property)', () => {
  beforeAll(seed);

  it('equal one sorted pass for ties, NULLs, categories, sort bounds, partial days, deep pages and cursors', async () => {
    const stats = { runs: 0, oneRun: 0, onePass: 0, secondRound: 0, thirdRound: 0, byCategory: 0, maxBound: 0, maxReadRatio: 0 };
    await fc.assert(
      fc.asyncProperty(
        rangeArb,
        filterArb,
        fc.constantFrom(...SORTS),
        fc.constantFrom('asc' as const, 'desc' as const),
        pageArb,
        afterArb,
        async (range, spec, sortBy, sortOrder, page, afterSpec) => {
          const startMs = worldBase(range.world) + range.startDay * DAY + range.startMs;
          const filter = toFilter(spec, new Date(startMs).toISOString(), new Date(startMs + range.lengthMs).toISOString());
          let options: SortedPageOptions = { sortBy, sortOrder, ...page };
          if (afterSpec.mode === 'arbitrary') options = { ...options, offset: 0, after: [afterSpec.value, afterSpec.id] };
          else if (afterSpec.mode !== 'none') {
            const from = afterSpec.mode === 'previous' ? filter : { start: filter.start, end: filter.end };
            const previous = await run(from, { sortBy, sortOrder, limit: page.limit, offset: 0 });
            const last = previous.rows.at(-1);
            if (last) options = { ...options, offset: 0, after: [last.sort_value, last.content_item_id] };
          }
          const expected = await onePass(filter, options);
          const got = await run(filter, options);
          for (const n of got.bound) expect(n).toBeLessThanOrEqual(100);
          stats.maxBound = Math.max(stats.maxBound, ...got.bound);
          if (got.kind === 'one-pass') stats.onePass++;
          else if (got.runs === 1) stats.oneRun++;
          else stats.runs++;
          if (got.roundTrips >= 2) stats.secondRound++;
          if (got.roundTrips === 3) stats.thirdRound++;
          expect(got.roundTrips).toBeLessThanOrEqual(3);
          if (got.sql.includes('content_category = ?')) stats.byCategory++;
          expect(got.ids, JSON.stringify({ filter, options })).toEqual(expected);
          // Rows read: a page of day runs reads about the page plus a row or so per run. Only meaningful when
          // every condition is in the index (no filter that skips rows in the runs).
          // Partial days are not: a partial day's run skips the day's rows outside the range's time bounds, up to
          // the whole day (a property of reading day runs, not of the top-k).
          const wholeDays = Date.parse(filter.start) % DAY === 0 && Date.parse(filter.end) % DAY === 0;
          const indexOnly = wholeDays && !spec.every && spec.minScore === undefined && (spec.categories === undefined || got.sql.includes('content_category = ?'))
            && (spec.minViews === undefined || sortBy === 'view_count') && (spec.duration === undefined || sortBy === 'duration');
          if (got.kind === 'day-runs' && indexOnly) {
            const wanted = options.offset + options.limit;
            stats.maxReadRatio = Math.max(stats.maxReadRatio, got.rowsRead / (wanted + got.runs));
            // The plan's own worst case: round 1 reads each run's share, round 2 an even share of `wanted` among the
            // open runs, round 3 at most `wanted` more from each run but the one holding the threshold, and each
            // statement term may walk one entry past its rows.
            const bound = got.runs === 1 ? wanted + 1 : got.runs * Math.ceil(wanted / got.runs) + (wanted + got.runs) + (got.runs - 1) * wanted + 3 * got.runs;
            expect(got.rowsRead, JSON.stringify({ filter, options, runs: got.runs })).toBeLessThanOrEqual(bound);
          }
        },
      ),
      { numRuns: 1500 },
    );
    console.log(JSON.stringify(stats));
    expect(stats.runs).toBeGreaterThan(50);
    expect(stats.secondRound).toBeGreaterThan(20);
    expect(stats.thirdRound).toBeGreaterThan(0);
    expect(stats.byCategory).toBeGreaterThan(10);
  });
});

/** Items of their own, in years the worlds above do not touch. */
async function insertItems(items: Array<{ id: string; created: string; views: number; duration: number; score?: number | null; category?: string | null }>) {
  const insert = env.DB.prepare(
    `INSERT INTO content_items (content_item_id, clip_id, platform, broadcaster_name, clip_created_at, processing_status, content_category,
       clip_view_count, clip_duration, content_score, github_confidence, updated_at, item_json)
     VALUES (?1, ?1, 'twitch', 'StreamDev', ?2, 'ready_for_content', ?3, ?4, ?5, ?6, 0.5, ?2, json_object('id', ?1))`,
  );
  const rows = items.map((i) => insert.bind(i.id, i.created, i.category ?? null, i.views, i.duration, i.score ?? null));
  for (let i = 0; i < rows.length; i += 100) await env.DB.batch(rows.slice(i, i + 100));
}

describe('day-run pages: a keyset cursor the filter\'s sort-column bound excludes', () => {
  // Minimal case. Two items on one day, durations 10 and 20; the filter asks for durations of at least 30 (or at
  // most 15), and the cursor (e.g. from a page before the user added the bound) sits before every row. The day
  // run's query replaces the filter's bound on the cursor's side with the cursor's row value
  // (content-item-day-runs.ts: `if (low) ... else if (lower !== undefined)`), so the bound is lost.
  const day: ItemFilter = { start: '2040-06-01T00:00:00.000Z', end: '2040-06-02T00:00:00.000Z' };
  const twoDays: ItemFilter = { start: '2040-06-01T00:00:00.000Z', end: '2040-06-03T00:00:00.000Z' };
  beforeAll(() =>
    insertItems([
      { id: 'cursor-1', created: '2040-06-01T10:00:00.000Z', views: 1, duration: 10 },
      { id: 'cursor-2', created: '2040-06-01T11:00:00.000Z', views: 2, duration: 20 },
      { id: 'cursor-3', created: '2040-06-02T11:00:00.000Z', views: 3, duration: 20 },
    ]),
  );
  const cases: Array<[string, ItemFilter, SortedPageOptions]> = [
    ['asc by duration, minDuration, one day', { ...day, minDuration: 30 }, { sortBy: 'duration', sortOrder: 'asc', limit: 10, offset: 0, after: [0, ''] }],
    ['desc by duration, maxDuration, one day', { ...day, maxDuration: 15 }, { sortBy: 'duration', sortOrder: 'desc', limit: 10, offset: 0, after: [100, ''] }],
    ['asc by views, minViews, two days', { ...twoDays, minViews: 3 }, { sortBy: 'view_count', sortOrder: 'asc', limit: 10, offset: 0, after: [0, ''] }],
    ['desc by duration, maxDuration, two days', { ...twoDays, maxDuration: 15 }, { sortBy: 'duration', sortOrder: 'desc', limit: 10, offset: 0, after: [100, ''] }],
  ];
  it('through GET /api/content-items: a next_cursor reused after adding min_duration', async () => {
    await insertItems([
      { id: '01JZ0000000000000000000001', created: '2040-07-01T10:00:00.000Z', views: 1, duration: 10 },
      { id: '01JZ0000000000000000000002', created: '2040-07-01T11:00:00.000Z', views: 1, duration: 10 },
      { id: '01JZ0000000000000000000003', created: '2040-07-01T12:00:00.000Z', views: 1, duration: 20 },
      { id: '01JZ0000000000000000000004', created: '2040-07-01T13:00:00.000Z', views: 1, duration: 40 },
    ]);
    const range = { start: '2040-07-01T00:00:00Z', end: '2040-07-02T00:00:00Z', sort_by: 'duration', sort_order: 'asc' };
    const first = await listContentItems(env.DB, ContentItemListQuery.parse({ ...range, limit: '1' }));
    expect(first.next_cursor).toBeDefined();
    const next = await listContentItems(env.DB, ContentItemListQuery.parse({ ...range, limit: '10', min_duration: '30', cursor: first.next_cursor }));
    // Only the 40 s item has a duration of at least 30.
    expect(next.items.map((item) => (item as unknown as { id: string }).id)).toEqual(['01JZ0000000000000000000004']);
  });

  for (const [name, filter, options] of cases) {
    it(`keeps the bound: ${name}`, async () => {
      expect((await run(filter, options)).ids).toEqual(await onePass(filter, options));
    });
  }
});

describe('day-run pages: rows read when the N-th best row read comes from a quiet day', () => {
  it('round 2 reads an even share of the page from each busy run, not a page from each', async () => {
    // 31 days: 15 busy ones of 40 items (views 100-139), 16 quiet ones of one item (views 1). The top 20 by views
    // is all busy days' rows. N = 20 over 31 runs reads 1 row per run in round 1; the 20th best of those is a quiet
    // day's row (views 1), so all 15 busy runs stay open. Reading up to N rows from each of them (a version of
    // this plan did) read 354 rows; an even share, 2 rows each, decides the page.
    const base = Date.parse('2041-01-01T00:00:00Z');
    const items = [];
    for (let d = 0; d < 31; d++) {
      const busy = d % 2 === 0 && d < 30;
      for (let i = 0; i < (busy ? 40 : 1); i++) {
        items.push({ id: `amp-${String(d).padStart(2, '0')}-${String(i).padStart(2, '0')}`, created: new Date(base + d * DAY + i * 60_000).toISOString(), views: busy ? 100 + i : 1, duration: 30 });
      }
    }
    await insertItems(items);
    const filter: ItemFilter = { start: new Date(base).toISOString(), end: new Date(base + 31 * DAY).toISOString() };
    const options: SortedPageOptions = { sortBy: 'view_count', sortOrder: 'desc', limit: 20, offset: 0 };
    const got = await run(filter, options);
    expect(got.ids).toEqual(await onePass(filter, options));
    expect(got.runs).toBe(31);
    console.log(`amplification: rows read ${got.rowsRead} for a page of 20 over 31 runs (one pass reads ${items.length})`);
    // Round 1: 31 rows; round 2: 15 runs x 2 rows; and up to one entry walked past its rows per run.
    expect(got.roundTrips).toBe(2);
    expect(got.rowsRead).toBeLessThanOrEqual(31 + 30 + 31);
  });
});
