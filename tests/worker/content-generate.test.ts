// POST /api/content/generate on the local runtime: validation of every field, the sync and async paths against the
// spec's schemas, idempotent replays, and the job records they leave.
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ContentGenerationResponse,
  contentItemFromClip,
  JobStatusResponse,
  signRequest,
  transition,
  type ContentItem,
} from '../../content-pipeline/index.ts';
import { ContentItemStore } from '../../worker/storage/content-items.ts';
import { GitHubEventStore } from '../../worker/storage/github-events.ts';
import { commit, pullRequest } from '../../sample-data/build.ts';
import { helixClip } from '../support/clips.ts';
import { TEST_ACTIVE_KEY } from '../support/keys.ts';
import { errorOf, signedFetch } from './support.ts';
import { finishedJob } from './support-pipeline.ts';

const DAY = { start: '2026-03-02T00:00:00Z', end: '2026-03-03T00:00:00Z' };

async function seed() {
  const store = new ContentItemStore(env.DB, env.BUCKET);
  const now = '2026-03-03T01:00:00.000Z';
  for (let i = 0; i < 25; i++) {
    let item: ContentItem = await contentItemFromClip(
      helixClip(`gen-${String(i).padStart(2, '0')}`, { created_at: `2026-03-02T${String(i % 24).padStart(2, '0')}:${String(i).padStart(2, '0')}:00Z`, view_count: i * 10, duration: 15 + i }),
      now,
    );
    for (const s of ['queued', 'audio_ready', 'transcribed', 'enhanced'] as const) item = transition(item, s, now);
    item = transition(item, 'ready_for_content', now, {
      content_score: 40 + i,
      content_category: i % 5 === 0 ? 'gaming' : 'development',
      content_tags: i % 2 ? ['cursor', 'pagination'] : ['d1'],
      content_decision: 'approved',
      github_confidence: (i % 10) / 10,
      github_repos: i % 3 === 0 ? ['streamdev/clip-recap'] : [],
    });
    await store.insert(item);
    await store.replace(item, 1, item.github_confidence);
  }
  await new GitHubEventStore(env.DB).upsert(
    [
      commit('streamdev/clip-recap', '2026-03-02T10:00:00.000Z', 'Cursor fix'),
      commit('streamdev/clip-recap', '2026-03-02T11:00:00.000Z', 'More cursor work'),
      commit('streamdev/payments-api', '2026-03-02T12:00:00.000Z', 'Payout fix'),
      pullRequest('streamdev/clip-recap', 40, 'opened', '2026-03-02T12:30:00.000Z', 'Cursor'),
      pullRequest('streamdev/clip-recap', 40, 'merged', '2026-03-02T13:30:00.000Z', 'Cursor'),
      commit('streamdev/clip-recap', '2026-03-05T10:00:00.000Z', 'Out of range'),
    ],
    'backfill',
    now,
  );
}

beforeAll(seed);

const generate = (body: object, options: { idempotencyKey?: string } = {}) =>
  signedFetch('POST', '/api/content/generate', { body: JSON.stringify(body), ...options });

describe('POST /api/content/generate: validation', () => {
  it.each([
    [{}, ['date_range', 'content_type']],
    [{ date_range: DAY, content_type: 'daily_recap', sort_by: 'title' }, ['sort_by']],
    [{ date_range: DAY, content_type: 'daily_recap', limit: 0 }, ['limit']],
    [{ date_range: DAY, content_type: 'daily_recap', limit: 101 }, ['limit']],
    [{ date_range: DAY, content_type: 'daily_recap', page: 0 }, ['page']],
    [{ date_range: { start: DAY.end, end: DAY.start }, content_type: 'daily_recap' }, ['date_range.end']],
    [{ date_range: { start: '2026-01-01T00:00:00Z', end: '2026-03-01T00:00:00Z' }, content_type: 'daily_recap' }, ['date_range']],
    [{ date_range: DAY, content_type: 'monthly' }, ['content_type']],
    [{ date_range: DAY, content_type: 'daily_recap', mode: 'later' }, ['mode']],
    [{ date_range: DAY, content_type: 'daily_recap', sort_order: 'up' }, ['sort_order']],
    [{ date_range: DAY, content_type: 'daily_recap', filters: { categories: ['music'] } }, ['filters.categories.0']],
    [{ date_range: DAY, content_type: 'daily_recap', filters: { min_confidence: 2 } }, ['filters.min_confidence']],
    [{ date_range: DAY, content_type: 'daily_recap', filters: { min_duration: 50, max_duration: 10 } }, ['filters.max_duration']],
    [{ date_range: DAY, content_type: 'daily_recap', filters: { processing_status: ['done'] } }, ['filters.processing_status.0']],
    [{ date_range: DAY, content_type: 'daily_recap', repository: 'not a repo' }, ['repository']],
    [{ date_range: DAY, content_type: 'daily_recap', surprise: true, filters: { colour: 'red' } }, ['surprise', 'filters.colour']],
    // A too long range is listed with the schema's own failures.
    [{ date_range: { start: '2026-01-01T00:00:00Z', end: '2026-03-01T00:00:00Z' }, content_type: 'daily_recap', limit: 0 }, ['date_range', 'limit']],
    [[1, 2], ['(body)']],
    [{ date_range: { start: 'monday', end: DAY.end }, content_type: 'daily_recap' }, ['date_range.start']],
  ])('400 naming the failing fields for %j', async (body, fields) => {
    const response = await generate(body);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(fields));
  });
});

describe('POST /api/content/generate: sync', () => {
  it('answers a page, pagination, summary and suggestions in the spec shape, and keeps a completed job', async () => {
    const response = await generate({ date_range: DAY, content_type: 'daily_recap', limit: 10, sort_by: 'view_count' });
    expect(response.status).toBe(200);
    const raw = await response.text();
    expect(raw).not.toContain('null');
    const body = ContentGenerationResponse.parse(JSON.parse(raw));
    expect(body).toMatchObject({
      job_status: 'completed',
      status_url: `http://worker.test/api/jobs/${body.job_id}/status`,
      pagination: { total_items: 25, total_pages: 3, current_page: 1, per_page: 10, has_next: true, has_prev: false },
      // PR #40 was opened and merged that day: one pull request.
      summary: { total_clips: 25, total_commits: 3, total_prs: 1, total_issues: 0 },
      suggested_tags: ['development', 'gaming'],
    });
    expect(body.content_items!.map((i) => i.clip_view_count)).toEqual([240, 230, 220, 210, 200, 190, 180, 170, 160, 150]);
    expect(body.suggested_title).toMatch(/^Stream recap, Mar 2, 2026: /);
    expect(body.content_score).toBe(59.5);

    const status = JobStatusResponse.parse(await (await signedFetch('GET', `/api/jobs/${body.job_id}/status`)).json());
    expect(status.status).toBe('completed');
    expect((status.results as { pagination: unknown }).pagination).toEqual(body.pagination);
  });

  it('applies filters, sorts and pages', async () => {
    const last = ContentGenerationResponse.parse(await (await generate({ date_range: DAY, content_type: 'daily_recap', limit: 10, page: 3, sort_by: 'content_score', sort_order: 'asc' })).json());
    expect(last.pagination).toMatchObject({ current_page: 3, has_next: false, has_prev: true });
    expect(last.content_items!.map((i) => i.content_score)).toEqual([60, 61, 62, 63, 64]);
    const filtered = ContentGenerationResponse.parse(
      await (await generate({ date_range: DAY, content_type: 'topic_focus', limit: 100, filters: { categories: ['gaming'], min_views: 50, min_confidence: 0, max_duration: 40 } })).json(),
    );
    expect(filtered.content_items!.map((i) => i.clip_id).sort()).toEqual(['gen-05', 'gen-10', 'gen-15', 'gen-20']);
    const repo = ContentGenerationResponse.parse(await (await generate({ date_range: DAY, content_type: 'daily_recap', limit: 100, repository: 'streamdev/clip-recap' })).json());
    expect(repo.pagination.total_items).toBe(9);
    expect(repo.summary).toEqual({ total_clips: 9, total_commits: 2, total_prs: 1, total_issues: 0 });
    // Owner/name in any case, as GitHub takes it.
    const upper = ContentGenerationResponse.parse(await (await generate({ date_range: DAY, content_type: 'daily_recap', limit: 100, repository: 'StreamDev/Clip-Recap' })).json());
    expect(upper.summary).toEqual(repo.summary);
    expect(upper.content_items!.map((i) => i.clip_id)).toEqual(repo.content_items!.map((i) => i.clip_id));
  });

  it('omits suggestions for an empty range instead of sending nulls', async () => {
    const body = await (await generate({ date_range: { start: '2026-04-01T00:00:00Z', end: '2026-04-02T00:00:00Z' }, content_type: 'daily_recap' })).json<Record<string, unknown>>();
    expect(body).not.toHaveProperty('suggested_title');
    expect(body).not.toHaveProperty('suggested_tags');
    expect(body).not.toHaveProperty('content_score');
    expect(body.content_items).toEqual([]);
    expect(ContentGenerationResponse.parse(body).pagination).toMatchObject({ total_items: 0, total_pages: 0, has_next: false });
  });
});

describe('POST /api/content/generate: async and idempotency', () => {
  it('answers 202 with the counts, then completes through the queue', async () => {
    const response = await generate({ date_range: DAY, content_type: 'weekly_summary', mode: 'async', limit: 5 });
    expect(response.status).toBe(202);
    const accepted = ContentGenerationResponse.parse(await response.json());
    expect(accepted).toMatchObject({ job_status: 'queued', pagination: { total_items: 25, total_pages: 5 }, summary: { total_commits: 3 } });
    expect(accepted.content_items).toBeUndefined();
    const done = await finishedJob(accepted.job_id);
    expect(done.status).toBe('completed');
    // The message carried the request, so the job ran without a claim (no worker ever held it).
    expect(await env.DB.prepare('SELECT worker_id FROM jobs WHERE job_id = ?').bind(accepted.job_id).first('worker_id')).toBeNull();
    const results = done.results as { content_items: ContentItem[]; suggested_title: string };
    expect(results.content_items).toHaveLength(5);
    expect(results.suggested_title).toMatch(/^Week 10, 2026 on stream/);
  });

  it('replays the first answer for the same key (header or body), refuses a different body, never makes two jobs', async () => {
    const body = { date_range: DAY, content_type: 'daily_recap', mode: 'async', idempotency_key: 'gen-key-1' };
    const first = await generate(body);
    const second = await generate(body);
    const viaHeader = await generate(body, { idempotencyKey: 'gen-key-1' });
    expect([first.status, second.status, viaHeader.status]).toEqual([202, 202, 202]);
    const ids = await Promise.all([first, second, viaHeader].map(async (r) => (await r.json<{ job_id: string }>()).job_id));
    expect(new Set(ids).size).toBe(1);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    const conflict = await generate({ ...body, limit: 7 });
    expect(conflict.status).toBe(409);
    const mismatch = await generate({ ...body, idempotency_key: 'other' }, { idempotencyKey: 'gen-key-1' });
    expect(mismatch.status).toBe(400);
    const jobs = await env.DB.prepare("SELECT COUNT(*) AS n FROM jobs WHERE request_data LIKE '%gen-key-1%'").first<{ n: number }>();
    expect(jobs!.n).toBe(1);
  });
});

describe('POST /api/content/generate: the nonce commits with the first write', () => {
  const jobsLike = async (marker: string) =>
    (await env.DB.prepare('SELECT COUNT(*) AS n FROM jobs WHERE request_data LIKE ?1').bind(`%${marker}%`).first<{ n: number }>())!.n;

  it('lets exactly one of 20 concurrent identical async requests make a job', async () => {
    const body = JSON.stringify({ date_range: { start: '2026-03-02T00:00:00Z', end: '2026-03-02T06:00:00Z' }, content_type: 'daily_recap', mode: 'async', limit: 13 });
    const signed = await signRequest({ method: 'POST', url: '/api/content/generate', body, secret: TEST_ACTIVE_KEY.secret, keyId: TEST_ACTIVE_KEY.id });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => exports.default.fetch('http://worker.test/api/content/generate', { method: 'POST', headers: signed.headers, body })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(19);
    const codes = await Promise.all(responses.filter((r) => r.status === 401).map(async (r) => (await errorOf(r)).code));
    expect(new Set(codes)).toEqual(new Set(['NONCE_REUSED']));
    expect(await jobsLike('"limit":13')).toBe(1);
    const accepted = ContentGenerationResponse.parse(await responses.find((r) => r.status === 202)!.json());
    expect((await finishedJob(accepted.job_id)).status).toBe('completed');
  });

  it('refuses a replayed sync request without recording a second job', async () => {
    const body = JSON.stringify({ date_range: DAY, content_type: 'daily_recap', limit: 17 });
    const first = await signedFetch('POST', '/api/content/generate', { body, nonce: 'sync-replay' });
    expect(first.status).toBe(200);
    const replay = await signedFetch('POST', '/api/content/generate', { body, nonce: 'sync-replay' });
    expect(replay.status).toBe(401);
    expect((await errorOf(replay)).code).toBe('NONCE_REUSED');
    expect(await jobsLike('"limit":17')).toBe(1);
  });

  it('refuses a replayed invalid request as a replay, after answering the first with its 400', async () => {
    const body = JSON.stringify({ date_range: DAY, content_type: 'no_such_type' });
    const first = await signedFetch('POST', '/api/content/generate', { body, nonce: 'invalid-replay' });
    expect(first.status).toBe(400);
    expect((await errorOf(first)).code).toBe('VALIDATION_FAILED');
    const replay = await signedFetch('POST', '/api/content/generate', { body, nonce: 'invalid-replay' });
    expect(replay.status).toBe(401);
    expect((await errorOf(replay)).code).toBe('NONCE_REUSED');
    const badJson = await signedFetch('POST', '/api/content/generate', { body: '{"date_range":', nonce: 'bad-json-replay' });
    expect((await errorOf(badJson)).code).toBe('INVALID_JSON');
    const badJsonReplay = await signedFetch('POST', '/api/content/generate', { body: '{"date_range":', nonce: 'bad-json-replay' });
    expect((await errorOf(badJsonReplay)).code).toBe('NONCE_REUSED');
  });

  it('reuses a nonce whose window has passed', async () => {
    await env.DB.prepare("INSERT INTO auth_nonces (nonce, key_id, expires_at) VALUES ('expired-nonce', ?1, 1000)").bind(TEST_ACTIVE_KEY.id).run();
    const body = JSON.stringify({ date_range: DAY, content_type: 'daily_recap', mode: 'async', limit: 19 });
    const response = await signedFetch('POST', '/api/content/generate', { body, nonce: 'expired-nonce' });
    expect(response.status).toBe(202);
    const row = await env.DB.prepare("SELECT expires_at FROM auth_nonces WHERE nonce = 'expired-nonce'").first<{ expires_at: number }>();
    expect(row!.expires_at).toBeGreaterThan(Date.now());
  });
});
