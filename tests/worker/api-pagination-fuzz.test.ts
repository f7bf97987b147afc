// Property: pagination is exact. Seeded content items (ties on every sort key), random valid queries: walking
// GET /api/content-items by cursor, and POST /api/content/generate page by page, gives exactly the oracle's list
// (filter, then sort by the key with content_item_id as tie-break, unscored items as a score of -1).
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentItemFromClip, type ContentItem } from '../../content-pipeline/index.ts';
import { ContentItemStore } from '../../worker/storage/content-items.ts';
import { helixClip } from '../support/clips.ts';
import { signedFetch } from './support.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2042-05-01T00:00:00Z');
const DAYS = 8;
const items: ContentItem[] = [];
const STATUSES = ['pending', 'queued', 'audio_ready', 'transcribed', 'ready_for_content', 'failed'] as const;
const CATEGORIES = ['development', 'gaming', 'tutorial', 'review', 'other'] as const;

const itemArb = fc.record({
  // Few distinct instants (ties), some exactly on midnight.
  at: fc.oneof(fc.integer({ min: 0, max: DAYS * 24 - 1 }).map((h) => T0 + h * 3_600_000), fc.integer({ min: 0, max: DAYS }).map((d) => T0 + d * DAY - (d % 2)), fc.integer({ min: 0, max: DAYS * DAY - 1 }).map((ms) => T0 + ms)),
  views: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 100_000 })),
  duration: fc.constantFrom(0, 5, 5.5, 30, 30, 59.9, 60),
  score: fc.option(fc.constantFrom(0, 1, 50, 50, 72.5, 100), { nil: undefined }),
  category: fc.option(fc.constantFrom(...CATEGORIES), { nil: undefined }),
  status: fc.constantFrom(...STATUSES),
  broadcaster: fc.constantFrom('Alpha', 'alpha', 'Beta'),
});

beforeAll(async () => {
  const store = new ContentItemStore(env.DB, env.BUCKET);
  const specs = fc.sample(fc.array(itemArb, { minLength: 240, maxLength: 300 }), { seed: 7, numRuns: 1 })[0]!;
  const now = new Date().toISOString();
  const built = await Promise.all(
    specs.map(async (s, i) => {
      const item = await contentItemFromClip(
        helixClip(`pg-${i}`, { created_at: new Date(s.at).toISOString(), view_count: s.views, duration: s.duration, broadcaster_name: s.broadcaster }),
        now,
      );
      return {
        ...item,
        processing_status: s.status,
        ...(s.score !== undefined && { content_score: s.score }),
        ...(s.category !== undefined && { content_category: s.category }),
      } as ContentItem;
    }),
  );
  for (let i = 0; i < built.length; i += 25) await Promise.all(built.slice(i, i + 25).map((item) => store.insert(item)));
  items.push(...built);
}, 120_000);

type SortBy = 'created_at' | 'view_count' | 'duration' | 'content_score';
interface Query {
  start: number;
  end: number;
  sort_by: SortBy;
  sort_order: 'asc' | 'desc';
  limit: number;
  broadcaster?: string;
  status?: string[];
  category?: string[];
  min_views?: number;
  min_duration?: number;
  max_duration?: number;
  min_score?: number;
}

const sortKey = (item: ContentItem, by: SortBy): number | string =>
  by === 'created_at' ? item.clip_created_at : by === 'view_count' ? item.clip_view_count : by === 'duration' ? item.clip_duration : (item.content_score ?? -1);

function oracle(q: Query, opts: { scoreFilter: boolean } = { scoreFilter: true }): string[] {
  const selected = items.filter((it) => {
    const t = Date.parse(it.clip_created_at);
    if (t < q.start || t >= q.end) return false;
    if (q.broadcaster !== undefined && it.broadcaster_name.toLowerCase() !== q.broadcaster.toLowerCase()) return false;
    if (q.status && !q.status.includes(it.processing_status)) return false;
    if (q.category && !(it.content_category && q.category.includes(it.content_category))) return false;
    if (q.min_views !== undefined && it.clip_view_count < q.min_views) return false;
    if (q.min_duration !== undefined && it.clip_duration < q.min_duration) return false;
    if (q.max_duration !== undefined && it.clip_duration > q.max_duration) return false;
    if (opts.scoreFilter && q.min_score !== undefined && !(it.content_score !== undefined && it.content_score >= q.min_score)) return false;
    return true;
  });
  const dir = q.sort_order === 'asc' ? 1 : -1;
  selected.sort((a, b) => {
    const ka = sortKey(a, q.sort_by);
    const kb = sortKey(b, q.sort_by);
    if (ka !== kb) return (ka < kb ? -1 : 1) * dir;
    return (a.content_item_id < b.content_item_id ? -1 : a.content_item_id > b.content_item_id ? 1 : 0) * dir;
  });
  return selected.map((it) => it.content_item_id);
}

const boundary = fc.oneof(
  fc.integer({ min: -1, max: DAYS + 1 }).map((d) => T0 + d * DAY),
  fc.integer({ min: -DAY, max: (DAYS + 1) * DAY }).map((ms) => T0 + ms),
);
const rarely = <T,>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
const queryArb: fc.Arbitrary<Query> = fc
  .record(
    {
      start: boundary,
      span: fc.oneof(fc.integer({ min: 1, max: DAY }), fc.integer({ min: 1, max: 4 * DAY }), fc.integer({ min: 1, max: 40 }).map((d) => d * DAY)),
      sort_by: fc.constantFrom<SortBy>('created_at', 'view_count', 'duration', 'content_score'),
      sort_order: fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
      limit: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(20, 37, 100)),
      broadcaster: rarely(fc.constantFrom('Alpha', 'ALPHA', 'Beta')),
      status: rarely(fc.subarray([...STATUSES], { minLength: 1 })),
      category: rarely(fc.subarray([...CATEGORIES], { minLength: 1 })),
      min_views: rarely(fc.integer({ min: 0, max: 5 })),
      min_duration: rarely(fc.constantFrom(0, 5, 5.5, 30)),
      max_duration: rarely(fc.constantFrom(5.5, 30, 60, 1000)),
      min_score: rarely(fc.constantFrom(0, 1, 50, 72.5)),
    },
  )
  .filter((q) => q.min_duration === undefined || q.max_duration === undefined || q.min_duration <= q.max_duration)
  .map(({ span, ...q }) => JSON.parse(JSON.stringify({ ...q, end: q.start + span })) as Query);

function listQueryString(q: Query): string {
  const p = new URLSearchParams({ start: new Date(q.start).toISOString(), end: new Date(q.end).toISOString(), sort_by: q.sort_by, sort_order: q.sort_order, limit: String(q.limit) });
  if (q.broadcaster !== undefined) p.set('broadcaster', q.broadcaster);
  if (q.status) p.set('status', q.status.join(','));
  if (q.category) p.set('category', q.category.join(','));
  for (const k of ['min_views', 'min_duration', 'max_duration', 'min_score'] as const) if (q[k] !== undefined) p.set(k, String(q[k]));
  return p.toString();
}

type ListPage = { content_items: ContentItem[]; pagination: { limit: number; has_next: boolean; next_cursor?: string } };

async function walkList(q: Query): Promise<{ ids: string[]; cursors: string[] }> {
  const ids: string[] = [];
  const cursors: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 400; guard++) {
    const response = await signedFetch('GET', `/api/content-items?${listQueryString(q)}${cursor ? `&cursor=${cursor}` : ''}`);
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const page = JSON.parse(text) as ListPage;
    expect(page.content_items.length).toBeLessThanOrEqual(q.limit);
    ids.push(...page.content_items.map((i) => i.content_item_id));
    expect(page.pagination.has_next).toBe(page.pagination.next_cursor !== undefined);
    cursor = page.pagination.next_cursor;
    if (!cursor) break;
    cursors.push(cursor);
  }
  return { ids, cursors };
}


describe('pagination is exact', () => {
  it('GET /api/content-items: the cursor walk equals the oracle (order, no duplicates, no gaps)', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, async (q) => {
        const expected = oracle(q);

        const { ids } = await walkList(q);
        expect(ids, JSON.stringify(q)).toEqual(expected);
      }),
      { numRuns: 60, seed: 11 },
    );
  }, 120_000);

  it('POST /api/content/generate: pages 1..total_pages equal the oracle, total_items its count', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, async (q) => {
        // The generation API has no broadcaster / min_score filters: drop them from the query and the oracle.
        const g: Query = { ...q, broadcaster: undefined, min_score: undefined };
        const range = { start: new Date(g.start).toISOString(), end: new Date(g.end).toISOString() };
        if (g.end - g.start > 31 * DAY) return; // over the route's range cap
        const filters = {
          ...(g.status && { processing_status: g.status }),
          ...(g.category && { categories: g.category }),
          ...(g.min_views !== undefined && { min_views: g.min_views }),
          ...(g.min_duration !== undefined && { min_duration: g.min_duration }),
          ...(g.max_duration !== undefined && { max_duration: g.max_duration }),
        };
        const expected = oracle(g);
        const seen: string[] = [];
        for (let page = 1; page <= 400; page++) {
          const body = JSON.stringify({ date_range: range, content_type: 'daily_recap', sort_by: g.sort_by, sort_order: g.sort_order, limit: g.limit, page, ...(Object.keys(filters).length && { filters }) });
          const response = await signedFetch('POST', '/api/content/generate', { body });
          const text = await response.text();
          expect(response.status, text).toBe(200);
          const answer = JSON.parse(text) as { content_items: ContentItem[]; pagination: { total_items: number; total_pages: number; has_next: boolean } };
          expect(answer.pagination.total_items, `${body}`).toBe(expected.length);
          seen.push(...answer.content_items.map((i) => i.content_item_id));
          if (!answer.pagination.has_next) break;
        }
        expect(seen, JSON.stringify(g)).toEqual(expected);
      }),
      { numRuns: 30, seed: 12 },
    );
  }, 180_000);
});
