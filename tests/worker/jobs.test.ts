// The job system on the local runtime: cursor listing both ways with inserts in between, a crashing step retried
// then failed by the dead-letter queue, stuck-job recovery, and Discord notifications sent to a local server.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from 'cloudflare:test';
import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobStatusResponse } from '../../content-pipeline/index.ts';
import worker from '../../worker/index.ts';
import { CRON } from '../../worker/cron/scheduled.ts';
import { jobHandlers } from '../../worker/jobs/runner.ts';
import { JobStore } from '../../worker/storage/jobs.ts';
import { errorOf, signedFetch } from './support.ts';

const discordBase = () => (env as unknown as { DISCORD_WEBHOOK_URL: string }).DISCORD_WEBHOOK_URL.replace(/\/api\/webhooks\/.*$/, '');
const discordMessages = async () => (await (await fetch(`${discordBase()}/__control/messages`)).json<{ messages: Array<{ content: string; allowed_mentions: unknown }> }>()).messages;

async function insertJob(jobId: string, status = 'completed', extra: Record<string, string | null> = {}) {
  const now = new Date().toISOString();
  const later = new Date(Date.now() + 3_600_000).toISOString();
  await env.DB.prepare(
    `INSERT INTO jobs (job_id, kind, status, created_at, updated_at, expires_at, request_data, worker_id, lease_expires_at, started_at)
     VALUES (?1, 'content_generation', ?2, ?3, ?3, ?4, '{}', ?5, ?6, ?7)`,
  )
    .bind(jobId, status, now, later, extra.worker_id ?? null, extra.lease_expires_at ?? null, extra.started_at ?? null)
    .run();
}

async function deliverJob(jobId: string, queue = 'clip-recap-jobs', attempts = 1, inline?: { kind: string; request: unknown }) {
  const body = { type: 'job.run', job_id: jobId, ...(inline && { inline }) };
  const batch = createMessageBatch<unknown>(queue, [{ id: `run-${attempts}`, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

type Listing = { jobs: JobStatusResponse[]; pagination: { next_cursor?: string; prev_cursor?: string; has_next: boolean; has_prev: boolean }; timestamp: string };
const list = async (query: string) => (await signedFetch('GET', `/api/jobs?${query}`)).json<Listing>();

beforeEach(async () => {
  await env.DB.prepare('DELETE FROM jobs').run();
});
afterEach(() => vi.restoreAllMocks());

describe('GET /api/jobs', () => {
  it('pages newest first, forward and back, stable while jobs are added', async () => {
    const base = Date.parse('2026-05-01T00:00:00Z');
    const ids = Array.from({ length: 7 }, (_, i) => ulid(base + i * 1000));
    for (const id of ids) await insertJob(id);
    const newestFirst = [...ids].reverse();

    const first = await list('limit=3');
    expect(first.jobs.map((j) => j.job_id)).toEqual(newestFirst.slice(0, 3));
    expect(first.pagination).toMatchObject({ has_next: true, has_prev: false, next_cursor: newestFirst[2] });
    for (const job of first.jobs) JobStatusResponse.parse(job);

    // New jobs arrive between page requests: the next page is unaffected.
    await insertJob(ulid(base + 60_000));
    await insertJob(ulid(base + 61_000));
    const second = await list(`limit=3&cursor=${first.pagination.next_cursor}`);
    expect(second.jobs.map((j) => j.job_id)).toEqual(newestFirst.slice(3, 6));
    expect(second.pagination).toMatchObject({ has_next: true, has_prev: true });
    const third = await list(`limit=3&cursor=${second.pagination.next_cursor}`);
    expect(third.jobs.map((j) => j.job_id)).toEqual(newestFirst.slice(6));
    expect(third.pagination.has_next).toBe(false);

    const back = await list(`limit=3&direction=prev&cursor=${second.pagination.prev_cursor}`);
    expect(back.jobs.map((j) => j.job_id)).toEqual(newestFirst.slice(0, 3));
    expect(back.pagination).toMatchObject({ has_prev: true, has_next: true });
  });

  it('leads back from an empty page, forward and back (its jobs deleted since the cursor was handed out)', async () => {
    const base = Date.parse('2026-05-02T00:00:00Z');
    const [oldest, middle, newest] = Array.from({ length: 3 }, (_, i) => ulid(base + i * 1000));
    for (const id of [oldest!, middle!, newest!]) await insertJob(id);
    const past = await list(`limit=2&cursor=${oldest}`);
    expect(past.jobs).toEqual([]);
    expect(past.pagination).toMatchObject({ has_next: false, has_prev: true, prev_cursor: oldest });
    const back = await list(`limit=2&direction=prev&cursor=${past.pagination.prev_cursor}`);
    expect(back.jobs.map((j) => j.job_id)).toEqual([newest, middle]);
    const before = await list(`limit=2&direction=prev&cursor=${newest}`);
    expect(before.jobs).toEqual([]);
    expect(before.pagination).toMatchObject({ has_prev: false, has_next: true, next_cursor: newest });
    expect((await list(`limit=2&cursor=${before.pagination.next_cursor}`)).jobs.map((j) => j.job_id)).toEqual([middle, oldest]);
    // Nothing on either side: no cursor to follow.
    await env.DB.prepare('DELETE FROM jobs').run();
    expect((await list(`limit=2&cursor=${oldest}`)).pagination).toEqual({ has_next: false, has_prev: false });
  });

  it('treats expired jobs as gone before housekeeping deletes them, and reads ids in any case', async () => {
    const base = Date.parse('2026-05-03T00:00:00Z');
    const live = ulid(base);
    const expired = ulid(base + 1000);
    await insertJob(live);
    await insertJob(expired, 'queued');
    await env.DB.prepare('UPDATE jobs SET expires_at = ?2 WHERE job_id = ?1').bind(expired, new Date(Date.now() - 1000).toISOString()).run();
    expect((await signedFetch('GET', `/api/jobs/${expired}/status`)).status).toBe(404);
    expect((await signedFetch('GET', `/api/jobs/${live.toLowerCase()}/status`)).status).toBe(200);
    const listed = await list('limit=10');
    expect(listed.jobs.map((j) => j.job_id)).toEqual([live]);
    expect(listed.pagination).toEqual({ has_next: false, has_prev: false });
    expect((await list(`limit=10&cursor=${expired.toLowerCase()}`)).jobs.map((j) => j.job_id)).toEqual([live]);
    // Its queue message is acknowledged without running it.
    const previous = jobHandlers.content_generation;
    let ran = false;
    jobHandlers.content_generation = async () => {
      ran = true;
      return {};
    };
    try {
      const result = await deliverJob(expired);
      expect(result.retryMessages).toEqual([]);
      expect(ran).toBe(false);
      expect(await env.DB.prepare('SELECT status FROM jobs WHERE job_id = ?').bind(expired).first()).toEqual({ status: 'queued' });
      // Nor does a read-only job's answer complete it.
      expect(await new JobStore(env.DB, env.BUCKET).completeOpen(expired, { ok: true }, Date.now())).toBe(false);
      expect(await new JobStore(env.DB, env.BUCKET).completeOpen(live, { ok: true }, Date.now())).toBe(false); // completed already
    } finally {
      jobHandlers.content_generation = previous;
    }
  });

  it('filters by status and validates the query', async () => {
    await insertJob(ulid(), 'failed');
    await insertJob(ulid(), 'completed');
    expect((await list('status=failed')).jobs.map((j) => j.status)).toEqual(['failed']);
    for (const query of ['limit=0', 'limit=101', 'status=done', 'cursor=nope', 'direction=up']) {
      const response = await signedFetch('GET', `/api/jobs?${query}`);
      expect(response.status, query).toBe(400);
    }
    expect((await signedFetch('GET', `/api/jobs/${ulid()}/status`)).status).toBe(404);
  });
});

describe('read-only jobs (the request in the message, no claim)', () => {
  const request = { date_range: { start: '2026-01-05T00:00:00Z', end: '2026-01-06T00:00:00Z' }, content_type: 'daily_recap', mode: 'async' };
  const inline = { kind: 'content_generation', request };
  const row = (jobId: string) => env.DB.prepare('SELECT status, results, worker_id, started_at, completed_at, updated_at, error_message FROM jobs WHERE job_id = ?').bind(jobId).first<Record<string, string | null>>();

  it('completes a queued job with the same answer the claim path gives, in one write', async () => {
    const viaMessage = ulid();
    const viaClaim = ulid();
    await insertJob(viaMessage, 'queued');
    await insertJob(viaClaim, 'queued');
    await env.DB.prepare('UPDATE jobs SET request_data = ?1 WHERE job_id = ?2').bind(JSON.stringify(request), viaClaim).run();
    expect((await deliverJob(viaMessage, 'clip-recap-jobs', 1, inline)).explicitAcks).toEqual(['run-1']);
    expect((await deliverJob(viaClaim)).explicitAcks).toEqual(['run-1']);
    const [a, b] = [await row(viaMessage), await row(viaClaim)];
    expect(a).toMatchObject({ status: 'completed', worker_id: null });
    expect(a!.started_at).toBe(a!.completed_at);
    expect(JSON.parse(a!.results!)).toEqual(JSON.parse(b!.results!));
    expect(JSON.parse(a!.results!).date_range).toEqual(request.date_range);
  });

  it('leaves a finished job, or one a live worker holds, as it was; a lapsed lease is taken over', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const done = ulid();
    await insertJob(done, 'completed');
    const before = await row(done);
    expect((await deliverJob(done, 'clip-recap-jobs', 1, inline)).explicitAcks).toEqual(['run-1']);
    expect(await row(done)).toEqual(before);

    const future = new Date(Date.now() + 60_000).toISOString();
    const held = ulid();
    await insertJob(held, 'processing', { worker_id: 'live-worker', lease_expires_at: future, started_at: new Date().toISOString() });
    await deliverJob(held, 'clip-recap-jobs', 1, inline);
    expect(await row(held)).toMatchObject({ status: 'processing', worker_id: 'live-worker', results: null });

    const past = new Date(Date.now() - 60_000).toISOString();
    const lapsed = ulid();
    await insertJob(lapsed, 'processing', { worker_id: 'dead-worker', lease_expires_at: past, started_at: past });
    await deliverJob(lapsed, 'clip-recap-jobs', 1, inline);
    expect(await row(lapsed)).toMatchObject({ status: 'completed', worker_id: null, started_at: past });
  });

  it('runs the read-only jobs of a queue batch side by side: two D1 round trips for the whole batch', async () => {
    const jobs = Array.from({ length: 6 }, () => ulid());
    for (const jobId of jobs) await insertJob(jobId, 'queued');
    const days = ['2026-01-05', '2026-01-06', '2026-01-07'];
    const requestFor = (i: number) => ({ ...request, date_range: { start: `${days[i % 3]}T00:00:00Z`, end: `${days[i % 3]}T12:00:00Z` } });
    const messages = jobs.map((jobId, i) => ({ id: `m-${i}`, timestamp: new Date(), attempts: 1, body: { type: 'job.run', job_id: jobId, inline: { kind: 'content_generation', request: requestFor(i) } } }));
    const batch = createMessageBatch<unknown>('clip-recap-jobs', messages);
    const ctx = createExecutionContext();
    const calls = vi.spyOn(env.DB, 'batch');
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks.sort()).toEqual(messages.map((m) => m.id).sort());
    expect(calls).toHaveBeenCalledTimes(2);
    calls.mockRestore();

    // Each job got its own answer: the same as the same request run alone through the claim path.
    for (const [i, jobId] of jobs.entries()) {
      const alone = ulid();
      await insertJob(alone, 'queued');
      await env.DB.prepare('UPDATE jobs SET request_data = ?1 WHERE job_id = ?2').bind(JSON.stringify(requestFor(i)), alone).run();
      await deliverJob(alone);
      const [together, single] = [await row(jobId), await row(alone)];
      expect(together).toMatchObject({ status: 'completed', worker_id: null });
      expect(JSON.parse(together!.results!)).toEqual(JSON.parse(single!.results!));
      expect(JSON.parse(together!.results!).date_range).toEqual(requestFor(i).date_range);
    }
  });

  it('fails a job whose request is invalid at once, and retries one whose handler crashes', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const invalid = ulid();
    await insertJob(invalid, 'queued');
    expect((await deliverJob(invalid, 'clip-recap-jobs', 1, { kind: 'content_generation', request: { date_range: 'yesterday' } })).explicitAcks).toEqual(['run-1']);
    expect(await row(invalid)).toMatchObject({ status: 'failed' });
    expect((await row(invalid))!.error_message).toContain('invalid generation request');

    const crashing = ulid();
    await insertJob(crashing, 'queued');
    const failing = vi.spyOn(env.DB, 'batch').mockRejectedValue(new Error('D1 unavailable'));
    const result = await deliverJob(crashing, 'clip-recap-jobs', 1, inline);
    failing.mockRestore();
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['run-1']);
    expect(await row(crashing)).toMatchObject({ status: 'queued', results: null });
  });

});

describe('job failures', () => {
  it('retries a crashing step, then fails it from the dead-letter queue and notifies Discord', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const previous = jobHandlers.content_generation;
    jobHandlers.content_generation = async () => {
      throw new Error('index unavailable');
    };
    try {
      const jobId = ulid();
      await insertJob(jobId, 'queued');
      const result = await deliverJob(jobId);
      expect(result.retryMessages.map((m) => m.msgId)).toEqual(['run-1']);
      const released = JobStatusResponse.parse(await (await signedFetch('GET', `/api/jobs/${jobId}/status`)).json());
      expect(released.status).toBe('queued');
      expect(released.error?.message).toBe('index unavailable');

      await deliverJob(jobId, 'clip-recap-jobs-dlq', 6);
      const failed = JobStatusResponse.parse(await (await signedFetch('GET', `/api/jobs/${jobId}/status`)).json());
      expect(failed.status).toBe('failed');
      expect(failed.error?.message).toContain('index unavailable');
      expect(failed.completed_at).toBeDefined();
      const messages = await discordMessages();
      expect(messages.some((m) => m.content.includes(jobId) && m.content.includes('index unavailable'))).toBe(true);
      expect(messages.every((m) => JSON.stringify(m.allowed_mentions) === '{"parse":[]}')).toBe(true);
    } finally {
      jobHandlers.content_generation = previous;
    }
  });

  it('drops the failed attempt\'s error once a retry completes the job', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const previous = jobHandlers.content_generation;
    let attempts = 0;
    jobHandlers.content_generation = async () => {
      if (++attempts === 1) throw new Error('transient D1 blip');
      return { ok: true };
    };
    try {
      const jobId = ulid();
      await insertJob(jobId, 'queued');
      expect((await deliverJob(jobId)).retryMessages).toHaveLength(1);
      const released = JobStatusResponse.parse(await (await signedFetch('GET', `/api/jobs/${jobId}/status`)).json());
      expect(released.error?.message).toBe('transient D1 blip');
      await deliverJob(jobId, 'clip-recap-jobs', 2);
      const status = await (await signedFetch('GET', `/api/jobs/${jobId}/status`)).json<Record<string, unknown>>();
      expect(status).toMatchObject({ status: 'completed', results: { ok: true } });
      expect(status).not.toHaveProperty('error');
      const listed = await (await signedFetch('GET', '/api/jobs?limit=100')).json<{ jobs: Array<Record<string, unknown>> }>();
      expect(listed.jobs.find((j) => j.job_id === jobId)).not.toHaveProperty('error');
    } finally {
      jobHandlers.content_generation = previous;
    }
  });

  it('acks a message for an unknown or finished job without effect', async () => {
    const done = ulid();
    await insertJob(done, 'completed');
    expect((await deliverJob(done)).explicitAcks).toEqual(['run-1']);
    expect((await deliverJob(ulid())).explicitAcks).toEqual(['run-1']);
  });

  it('recovers a job whose worker died, and fails it after three recoveries', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const stuck = ulid();
    const past = new Date(Date.now() - 60_000).toISOString();
    await insertJob(stuck, 'processing', { worker_id: 'dead-worker', lease_expires_at: past, started_at: past });
    const cleanup = await (await signedFetch('POST', '/api/jobs/cleanup')).json<{ recovered_jobs: number }>();
    expect(cleanup.recovered_jobs).toBe(1);
    const recovered = await env.DB.prepare('SELECT status, recoveries FROM jobs WHERE job_id = ?').bind(stuck).first();
    expect(recovered).toMatchObject({ recoveries: 1 });

    const hopeless = ulid();
    await insertJob(hopeless, 'processing', { worker_id: 'dead-worker', lease_expires_at: past, started_at: past });
    await env.DB.prepare('UPDATE jobs SET recoveries = 3 WHERE job_id = ?').bind(hopeless).run();
    await worker.scheduled(createScheduledController({ cron: CRON.housekeeping }), env, createExecutionContext());
    const failed = JobStatusResponse.parse(await (await signedFetch('GET', `/api/jobs/${hopeless}/status`)).json());
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toContain('stopped responding');
  });

  it('a Discord failure never fails the work that notifies', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await fetch(`${discordBase()}/__control/fail`, { method: 'POST', body: JSON.stringify({ count: 10 }) });
    const expired = ulid(Date.now() - 3 * 86_400_000);
    await env.DB.prepare(
      `INSERT INTO jobs (job_id, kind, status, created_at, updated_at, expires_at, request_data) VALUES (?1, 'content_generation', 'completed', ?2, ?2, ?2, '{}'), (?3, 'content_generation', 'completed', ?2, ?2, ?2, '{}')`,
    )
      .bind(expired, new Date(Date.now() - 86_400_000).toISOString(), ulid(Date.now() - 3 * 86_400_000 + 1))
      .run();
    const response = await signedFetch('POST', '/api/jobs/cleanup');
    expect(response.status).toBe(200);
    expect((await response.json<{ deleted: number }>()).deleted).toBe(2);
    await fetch(`${discordBase()}/__control/fail`, { method: 'POST', body: JSON.stringify({ count: 0 }) });
  });

  it('answers 400 with the error shape for a malformed job id', async () => {
    const response = await signedFetch('GET', '/api/jobs/not-a-ulid/status');
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('VALIDATION_FAILED');
  });
});
