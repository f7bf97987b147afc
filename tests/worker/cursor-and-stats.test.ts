// A cursor whose keyset value has the wrong kind for its sort is refused (SQLite would compare text with numbers
// by type and answer the first page again, or none), and stats leave out jobs that expired, as every other route does.
import { env } from 'cloudflare:workers';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentItemFromClip, type ContentItem } from '../../content-pipeline/index.ts';
import { ContentItemStore } from '../../worker/storage/content-items.ts';
import { helixClip } from '../support/clips.ts';
import { signedFetch } from './support.ts';

const cursorOf = (parts: unknown[]) => btoa(JSON.stringify(parts)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const RANGE = 'start=2034-01-01T00:00:00.000Z&end=2034-01-02T00:00:00.000Z';

beforeAll(async () => {
  const store = new ContentItemStore(env.DB, env.BUCKET);
  for (let i = 0; i < 3; i++) {
    await store.insert(await contentItemFromClip(helixClip(`bug-${i}`, { created_at: `2034-01-01T0${i}:00:00.000Z`, view_count: i }), '2034-01-05T00:00:00.000Z'));
  }
});

type Page = { content_items: ContentItem[]; pagination: { has_next: boolean; next_cursor?: string } };

describe('GET /api/content-items: a tampered cursor is refused, not answered with another page', () => {
  it('still walks the pages with the cursors it issues', async () => {
    const first = await (await signedFetch('GET', `/api/content-items?${RANGE}&sort_by=view_count&limit=2`)).json<Page>();
    expect(first.content_items.map((i) => i.clip_id)).toEqual(['bug-2', 'bug-1']);
    const second = await (await signedFetch('GET', `/api/content-items?${RANGE}&sort_by=view_count&limit=2&cursor=${first.pagination.next_cursor}`)).json<Page>();
    expect(second.content_items.map((i) => i.clip_id)).toEqual(['bug-0']);
    expect(second.pagination.has_next).toBe(false);
  });

  it('refuses a text sort value for a numeric sort (view_count)', async () => {
    const r = await signedFetch('GET', `/api/content-items?${RANGE}&sort_by=view_count&limit=2&cursor=${cursorOf(['view_count', 'desc', 'zzz', 'x'])}`);
    // Text sorts above every number in SQLite: it would answer the first page again, for ever.
    expect(r.status).toBe(400);
  });

  it('refuses a numeric sort value for the time sort (created_at)', async () => {
    const r = await signedFetch('GET', `/api/content-items?${RANGE}&sort_by=created_at&sort_order=asc&limit=2&cursor=${cursorOf(['created_at', 'asc', 5, 'x'])}`);
    // The TEXT column would read 5 as '5', after every timestamp: the listing would end there.
    expect(r.status).toBe(400);
  });
});

describe('GET /api/jobs/stats: expired jobs are gone for callers', () => {
  it('leaves expired jobs out of by_status and oldest_queued_age_seconds, as GET /api/jobs does', async () => {
    await env.DB.prepare('DELETE FROM jobs').run();
    const now = Date.now();
    const stale = ulid(now - 2 * 86_400_000);
    // Queued two days ago, expired a day ago, not yet swept by the 12-hourly housekeeping.
    await env.DB.prepare(`INSERT INTO jobs (job_id, kind, status, created_at, updated_at, expires_at, request_data) VALUES (?1, 'content_generation', 'queued', ?2, ?2, ?3, '{}')`)
      .bind(stale, new Date(now - 2 * 86_400_000).toISOString(), new Date(now - 86_400_000).toISOString())
      .run();
    const listed = await (await signedFetch('GET', '/api/jobs?status=queued')).json<{ jobs: unknown[] }>();
    expect(listed.jobs).toHaveLength(0); // the listing (and /status, 404) treat it as gone ...
    const stats = await (await signedFetch('GET', '/api/jobs/stats')).json<{ jobs: { by_status: Record<string, number>; oldest_queued_age_seconds: number | null } }>();
    // ... and so do stats: no queued job, no oldest queued age.
    expect(stats.jobs.by_status.queued).toBe(0);
    expect(stats.jobs.oldest_queued_age_seconds).toBeNull();
  });
});
