// content_item_counts (migration 0006): the per-day counts that triggers keep must equal COUNT(*) over
// content_items after any mix of inserts, status/category/date changes and deletes, for aligned and unaligned
// ranges and every filter shape; and a count over whole days reads about one row per day.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { contentItemFromClip, transition } from '../../content-pipeline/index.ts';
import { countQuery, countStatement } from '../../worker/storage/content-item-count.ts';
import { buildWhere, type ItemFilter } from '../../worker/storage/content-item-filter.ts';
import { ContentItemStore } from '../../worker/storage/content-items.ts';
import { helixClip } from '../support/clips.ts';

const BASE = Date.parse('2031-05-01T00:00:00Z');
const HOUR = 3_600_000;
const STATUSES = ['pending', 'queued', 'ready_for_content', 'failed'] as const;
const CATEGORIES = ['development', 'gaming', 'tutorial', null] as const;

/** A small deterministic generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

async function counted(filter: ItemFilter): Promise<{ n: number; rowsRead: number }> {
  const result = await countStatement(env.DB, filter).all<{ n: number }>();
  return { n: result.results[0]!.n, rowsRead: result.meta.rows_read };
}

async function bruteForce(filter: ItemFilter): Promise<number> {
  const { where, params } = buildWhere(filter);
  return (await env.DB.prepare(`SELECT COUNT(*) AS n FROM content_items NOT INDEXED WHERE ${where}`).bind(...params).first<{ n: number }>())!.n;
}

describe('content_item_counts', () => {
  it('agrees with COUNT(*) after inserts, updates and deletes, for every range and filter shape', async () => {
    const next = random(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const store = new ContentItemStore(env.DB, env.BUCKET);
    // Through the store (the production insert path) ...
    for (let i = 0; i < 40; i++) {
      const now = new Date().toISOString();
      let item = await contentItemFromClip(helixClip(`count-${i}`, { created_at: new Date(BASE + Math.floor(next() * 10 * 24) * HOUR + i * 1000).toISOString() }), now);
      if (i % 2) item = transition(item, 'queued', now);
      await store.insert(item);
    }
    // ... then status, category and date changes and deletes straight in SQL, which the triggers must follow too.
    const ids = (await env.DB.prepare("SELECT content_item_id FROM content_items WHERE clip_id LIKE 'count-%'").all<{ content_item_id: string }>()).results.map((r) => r.content_item_id);
    for (const id of ids) {
      await env.DB.prepare('UPDATE content_items SET clip_duration = ?2, clip_view_count = ?3 WHERE content_item_id = ?1')
        .bind(id, 10 + Math.floor(next() * 50), Math.floor(next() * 5))
        .run();
      const change = next();
      if (change < 0.5) {
        await env.DB.prepare('UPDATE content_items SET processing_status = ?2, content_category = ?3, content_score = ?4 WHERE content_item_id = ?1')
          .bind(id, pick(STATUSES), pick(CATEGORIES), pick([null, 0, 35, 80]))
          .run();
      } else if (change < 0.7) {
        await env.DB.prepare('UPDATE content_items SET clip_created_at = ?2 WHERE content_item_id = ?1').bind(id, new Date(BASE + Math.floor(next() * 10 * 24) * HOUR).toISOString()).run();
      } else if (change < 0.8) {
        await env.DB.prepare('DELETE FROM content_items WHERE content_item_id = ?1').bind(id).run();
      }
    }

    const filters: Array<Partial<ItemFilter>> = [
      {},
      { statuses: ['ready_for_content'] },
      { statuses: ['queued', 'failed'] },
      { categories: ['development'] },
      { statuses: ['ready_for_content', 'pending'], categories: ['gaming', 'tutorial'] },
      { minViews: 1 },
      { minDuration: 20, maxDuration: 40 },
      { maxDuration: 25, statuses: ['queued'] },
      { minScore: 0 },
      { minScore: 50, minViews: 0 },
    ];
    let cases = 0;
    for (let r = 0; r < 30; r++) {
      // Aligned to days, to hours, or anywhere.
      const grain = pick([24 * HOUR, HOUR, 1]);
      const start = BASE - 2 * 24 * HOUR + Math.floor((next() * 12 * 24 * HOUR) / grain) * grain;
      const end = start + Math.max(grain, Math.floor((next() * 8 * 24 * HOUR) / grain) * grain);
      for (const extra of filters) {
        const filter: ItemFilter = { start: new Date(start).toISOString(), end: new Date(end).toISOString(), ...extra };
        expect((await counted(filter)).n, JSON.stringify(filter)).toBe(await bruteForce(filter));
        cases++;
      }
    }
    expect(cases).toBe(300);
  });

  it('gives the stats endpoint the same items by status as COUNT(*), read from the per-day counts', async () => {
    // After the first test's inserts, changes and deletes: some per-day counts are down to 0 and must not show.
    const { results } = await env.DB.prepare('SELECT processing_status AS s, COUNT(*) AS n FROM content_items NOT INDEXED GROUP BY 1').all<{ s: string; n: number }>();
    const expected = Object.fromEntries(results.map((r) => [r.s, r.n]));
    expect(Object.keys(expected).length).toBeGreaterThan(1);
    expect(await new ContentItemStore(env.DB, env.BUCKET).countByStatus()).toEqual(expected);
    await env.DB.prepare("DELETE FROM content_items WHERE processing_status = 'failed'").run();
    delete expected.failed;
    expect(await new ContentItemStore(env.DB, env.BUCKET).countByStatus()).toEqual(expected);
  });

  it('reads one row per whole day for a count over whole days', async () => {
    const filter: ItemFilter = { start: '2031-05-01T00:00:00Z', end: '2031-05-11T00:00:00Z' };
    const { n, rowsRead } = await counted(filter);
    expect(n).toBe(await bruteForce(filter));
    expect(n).toBeGreaterThan(20);
    // One row per day, plus the one the seek stops at; counting the items themselves reads every one of them.
    expect(rowsRead).toBeLessThanOrEqual(11);
    expect((await counted({ ...filter, minViews: 0 })).rowsRead).toBeGreaterThanOrEqual(n);
    const filtered = await counted({ ...filter, statuses: ['queued'], categories: ['gaming'] });
    expect(filtered.rowsRead).toBeLessThanOrEqual(11);
    // A duration bound seeks each day's duration index to the bound: it reads the items inside it, not the range.
    const longest = (await env.DB.prepare('SELECT clip_duration AS d FROM content_items WHERE clip_created_at >= ? AND clip_created_at < ? ORDER BY clip_duration DESC LIMIT 1 OFFSET ?')
      .bind(filter.start, filter.end, Math.floor(n / 4))
      .first<{ d: number }>())!.d;
    const long = await counted({ ...filter, minDuration: longest });
    expect(long.n).toBe(await bruteForce({ ...filter, minDuration: longest }));
    expect(long.n).toBeLessThan(n / 2);
    // The items past the bound, plus a seek per day (10) and the entry each seek stops at.
    expect(long.rowsRead).toBeLessThanOrEqual(long.n + 2 * 10);
    const query = countQuery({ ...filter, minDuration: longest });
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).bind(...query.params).all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join(' | ')).toMatch(/content_items_day_duration \(created_day=\? AND clip_duration>\?\)/);
  });
});
