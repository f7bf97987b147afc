// Expired jobs, nonces and idempotency records: removed by POST /api/jobs/cleanup and by the 12-hourly cron.
import { env, exports } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../../worker/index.ts';
import { CRON } from '../../worker/cron/scheduled.ts';
import { signedFetch } from './support.ts';

const HOUR = 3_600_000;

async function seed(now: number) {
  const job = (id: string, expiresAt: number) =>
    env.DB.prepare(
      `INSERT INTO jobs (job_id, kind, status, created_at, updated_at, expires_at, request_data)
       VALUES (?1, 'content_generation', 'completed', ?2, ?2, ?3, '{}')`,
    ).bind(id, new Date(now - 25 * HOUR).toISOString(), new Date(expiresAt).toISOString());
  await env.DB.batch([
    job('01JOBEXPIRED000000000000A1', now - HOUR),
    job('01JOBEXPIRED000000000000A2', now - 1000),
    job('01JOBLIVE0000000000000000A', now + HOUR),
    env.DB.prepare('INSERT INTO auth_nonces (nonce, key_id, expires_at) VALUES (?1, ?2, ?3), (?4, ?2, ?5)').bind(
      'old-nonce', 'k', now - 1000, 'live-nonce', now + 100_000,
    ),
    env.DB.prepare(
      `INSERT INTO idempotency_records (scope, fingerprint, state, created_at, locked_until, expires_at)
       VALUES ('old', 'f', 'done', ?1, ?1, ?2)`,
    ).bind(now - 25 * HOUR, now - HOUR),
  ]);
}

async function remaining() {
  const jobs = await env.DB.prepare('SELECT job_id FROM jobs ORDER BY job_id').all<{ job_id: string }>();
  const nonces = await env.DB.prepare('SELECT nonce FROM auth_nonces ORDER BY nonce').all<{ nonce: string }>();
  const idem = await env.DB.prepare('SELECT COUNT(*) AS n FROM idempotency_records').first<{ n: number }>();
  return { jobs: jobs.results.map((r) => r.job_id), nonces: nonces.results.map((r) => r.nonce), idempotency: idem!.n };
}

beforeEach(async () => {
  await env.DB.batch([
    env.DB.prepare('DELETE FROM jobs'),
    env.DB.prepare('DELETE FROM auth_nonces'),
    env.DB.prepare('DELETE FROM idempotency_records'),
  ]);
});

describe('cleanup', () => {
  it('POST /api/jobs/cleanup deletes expired jobs and reports how many', async () => {
    await seed(Date.now());
    const response = await signedFetch('POST', '/api/jobs/cleanup', { nonce: 'cleanup-call' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ deleted: 2, deleted_nonces: 1, deleted_idempotency_records: 1, recovered_jobs: 0, failed_stuck_jobs: 0, resent_jobs: 0, requeued_rematches: 0 });
    expect(await remaining()).toEqual({ jobs: ['01JOBLIVE0000000000000000A'], nonces: ['cleanup-call', 'live-nonce'], idempotency: 0 });
  });

  it('the 12-hourly cron does the same', async () => {
    await seed(Date.now());
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: CRON.housekeeping, scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await remaining()).toEqual({ jobs: ['01JOBLIVE0000000000000000A'], nonces: ['live-nonce'], idempotency: 0 });
  });

  it('other crons leave the tables alone', async () => {
    await seed(Date.now());
    for (const cron of [CRON.dailyRun, '* * * * *']) {
      await worker.scheduled(createScheduledController({ cron }), env, createExecutionContext());
    }
    // The daily run may add its own jobs (a GitHub backfill here); it never removes any.
    expect((await remaining()).jobs).toEqual(expect.arrayContaining(['01JOBEXPIRED000000000000A1', '01JOBEXPIRED000000000000A2', '01JOBLIVE0000000000000000A']));
  });

  it('reports health unsigned while /api stays signed', async () => {
    expect((await exports.default.fetch('http://worker.test/api/jobs/cleanup', { method: 'POST' })).status).toBe(400);
  });
});

describe('GET /api/jobs/stats', () => {
  it('counts jobs by status, the oldest queued, recent failures, items and budgets', async () => {
    const now = Date.now();
    await seed(now);
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO jobs (job_id, kind, status, created_at, updated_at, expires_at, request_data) VALUES ('01JOBQUEUED00000000000000A', 'clip_ingest', 'queued', ?1, ?1, ?2, '{}')`,
      ).bind(new Date(now - 90_000).toISOString(), new Date(now + 3_600_000).toISOString()),
      env.DB.prepare(
        `INSERT INTO jobs (job_id, kind, status, created_at, updated_at, expires_at, request_data, completed_at) VALUES ('01JOBFAILED00000000000000A', 'clip_ingest', 'failed', ?1, ?1, ?2, '{}', ?1)`,
      ).bind(new Date(now - 60_000).toISOString(), new Date(now + 3_600_000).toISOString()),
      env.DB.prepare("INSERT INTO budget_usage (day, resource, used) VALUES (?1, 'media_egress_bytes', 1234)").bind(new Date(now).toISOString().slice(0, 10)),
    ]);
    const response = await signedFetch('GET', '/api/jobs/stats');
    expect(response.status).toBe(200);
    const stats = await response.json<any>();
    // seed() leaves two of its three completed jobs expired: gone for callers, so not counted.
    expect(stats.jobs.by_status).toEqual({ queued: 1, processing: 0, completed: 1, failed: 1 });
    expect(stats.jobs.oldest_queued_age_seconds).toBeGreaterThanOrEqual(90);
    expect(stats.jobs.failed_last_24h).toBe(1);
    expect(stats.budgets.media_egress_bytes).toEqual({ used: 1234, limit: 2 * 1024 * 1024 * 1024 });
    expect(stats.budgets.ai_audio_seconds.limit).toBe(3600);
  });
});
