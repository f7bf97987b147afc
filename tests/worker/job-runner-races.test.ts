// Races and lost messages in the job runner, queue consumers and housekeeping (found by review), each taken to its end:
// a run that lost its lease stops before publishing, a running job is not failed or run twice, its heartbeat does not
// take back a job it released, a lost message is sent again, and the dead-letter queue leaves an item that moved on
// alone. Writes that lose a race are in write-races.test.ts.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { contentItemIdFor, type ContentItem } from '../../content-pipeline/index.ts';
import worker from '../../worker/index.ts';
import { runHousekeeping } from '../../worker/cron/housekeeping.ts';
import { parseEnv } from '../../worker/env.ts';
import { jobHandlers, JOB_LEASE_MS, runJobMessage } from '../../worker/jobs/runner.ts';
import { consumeBatch, DEAD_LETTER_QUEUE } from '../../worker/queue/consumer.ts';
import { createServices, type Services } from '../../worker/services.ts';
import { ContentItemStore } from '../../worker/storage/content-items.ts';
import { sampleSources } from '../support/recap-sources.ts';
import { gate, jobRow, servicesAt } from './support-pipeline.ts';

const discordBase = () => (env as unknown as { DISCORD_WEBHOOK_URL: string }).DISCORD_WEBHOOK_URL.replace(/\/api\/webhooks\/.*$/, '');
const discordMessages = async () => (await (await fetch(`${discordBase()}/__control/messages`)).json<{ messages: Array<{ content: string }> }>()).messages;

beforeEach(async () => {
  await env.DB.prepare('DELETE FROM jobs').run();
});
afterEach(() => vi.restoreAllMocks());

describe('a job whose run outlives its lease', () => {
  it('recap_publish: when a redelivery takes the job over during the Workers AI calls, only one run publishes and notifies', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    // One approved clip on a day of its own (its own branch in the shared fake GitHub).
    const base = (await sampleSources()).find((s) => s.item.clip_id === 'CursorPaginationFinallyFixed')!;
    const clipId = `LeaseClip${Date.now()}`;
    const created = '2026-03-02T15:00:00.000Z';
    const item: ContentItem = { ...base.item, clip_id: clipId, content_item_id: await contentItemIdFor('twitch', clipId, Date.parse(created)), clip_created_at: created };
    await new ContentItemStore(env.DB, env.BUCKET).insert(item);
    await env.BUCKET.put(`transcripts/${clipId}.json`, JSON.stringify({ clip_id: clipId, language: 'en', text: base.transcript, segments: [], transcriber: 'fixture', created_at: item.stored_at }));

    const clock = { t: Date.now() };
    // Workers AI: each call takes 70 s (two calls outlive the 2-minute lease; recap_publish reports no progress
    // between them); run 1's second call is still out when run 2 starts.
    let calls = 0;
    const slow = gate();
    const aiText = async () => {
      const call = ++calls;
      clock.t += 70_000;
      if (call === 2) {
        slow.entered();
        await slow.opened;
        return { response: JSON.stringify({ text: 'The first run says the pagination cursor finally works.' }) };
      }
      return { response: JSON.stringify({ text: call === 1 ? 'A day of fixing the pagination cursor.' : 'The second run says the cursor bug got fixed.' }) };
    };
    const { services } = servicesAt(clock, { aiText });
    const job = await services.jobs.create('recap_publish', { content_type: 'daily_recap', date_range: { start: '2026-03-02T00:00:00.000Z', end: '2026-03-03T00:00:00.000Z' } }, clock.t, services.jobTtlMs);
    const message = { type: 'job.run' as const, job_id: job.job_id };

    const first = runJobMessage(message, services);
    await slow.reached;
    await runJobMessage(message, services); // the queue redelivers (at least once): the lease has lapsed, so it claims
    slow.open();
    await first;

    const notes = (await discordMessages()).filter((m) => m.content.includes('2026-03-02-daily-recap.md'));
    const row = await jobRow(job.job_id);
    expect(row).toMatchObject({ status: 'completed' });
    // One job, one publication: run 1 finds at its publish step that run 2 holds the job, and stops.
    expect(notes.map((n) => n.content.split(':')[0])).toEqual(['Recap pull request created']);
  }, 60_000);

  it('a job housekeeping re-queued while its handler still ran keeps that run\'s results and does not run again', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const clock = { t: Date.now() };
    const { services, sent } = servicesAt(clock);
    let runs = 0;
    const slow = gate();
    const previous = jobHandlers.github_backfill;
    jobHandlers.github_backfill = async () => {
      const run = ++runs;
      if (run === 1) {
        slow.entered();
        await slow.opened; // a long step with no progress() in it
      }
      return { run };
    };
    try {
      const job = await services.jobs.create('github_backfill', {}, clock.t, services.jobTtlMs);
      const first = runJobMessage({ type: 'job.run', job_id: job.job_id }, services);
      await slow.reached;
      clock.t += JOB_LEASE_MS + 1000;
      const house = await runHousekeeping(services);
      expect(house.recovered_jobs).toBe(1);
      slow.open();
      await first; // run 1 finishes its work
      const afterFirst = await jobRow(job.job_id);
      for (const m of sent) await runJobMessage(m as never, services); // the message housekeeping re-sent
      expect({ afterFirst, runs }).toMatchObject({ afterFirst: { status: 'completed', results: '{"run":1}' }, runs: 1 });
    } finally {
      jobHandlers.github_backfill = previous;
    }
  });

  it('a dead-lettered duplicate of job.run leaves the job a live worker is running alone', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const clock = { t: Date.now() };
    const { services } = servicesAt(clock);
    const slow = gate();
    const previous = jobHandlers.github_backfill;
    jobHandlers.github_backfill = async ({ progress }) => {
      for (let step = 0; step < 6; step++) {
        await progress('backfill', step, 6); // the lease is renewed as it should be
        if (step === 3) {
          slow.entered();
          await slow.opened;
        }
      }
      return { repos: 6 };
    };
    try {
      const job = await services.jobs.create('github_backfill', {}, clock.t, services.jobTtlMs);
      const body = { type: 'job.run', job_id: job.job_id };
      const first = runJobMessage(body as never, services);
      await slow.reached;
      // The duplicate delivery meets the live lease and is retried (RetryLaterError) until max_retries runs out ...
      const dup = createMessageBatch<unknown>('clip-recap-jobs', [{ id: 'dup', timestamp: new Date(), attempts: 6, body }]);
      const ctx = createExecutionContext();
      await worker.queue(dup, env, ctx);
      expect((await getQueueResult(dup, ctx)).retryMessages.map((m) => m.msgId)).toEqual(['dup']);
      // ... and lands in the dead-letter queue.
      await consumeBatch(createMessageBatch<unknown>(DEAD_LETTER_QUEUE, [{ id: 'dup', timestamp: new Date(), attempts: 6, body }]), services);
      slow.open();
      await first;
      expect(await jobRow(job.job_id)).toMatchObject({ status: 'completed', results: '{"repos":6}' });
    } finally {
      jobHandlers.github_backfill = previous;
    }
  });
});

describe('housekeeping', () => {
  it('sends again the message of a job it re-queued when that send failed', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const clock = { t: Date.now() };
    const { services, sent } = servicesAt(clock);
    const jobId = ulid();
    const past = new Date(clock.t - 60_000).toISOString();
    await env.DB.prepare(
      `INSERT INTO jobs (job_id, kind, status, created_at, updated_at, expires_at, request_data, worker_id, lease_expires_at, started_at)
       VALUES (?1, 'github_backfill', 'processing', ?2, ?2, ?3, '{}', 'dead-worker', ?2, ?2)`,
    ).bind(jobId, past, new Date(clock.t + 48 * 3_600_000).toISOString()).run();
    const send = vi.spyOn(services.jobsQueue, 'sendBatch').mockRejectedValueOnce(new Error('Queue send failed: 503'));
    await expect(runHousekeeping(services)).rejects.toThrow('503');
    send.mockRestore();
    // The next run (12 h later) finds the job still queued without a message and sends it again.
    clock.t += 12 * 3_600_000 - 60_000;
    await runHousekeeping(services);
    expect(await jobRow(jobId)).toMatchObject({ status: 'queued' });
    expect(sent).toEqual([{ type: 'job.run', job_id: jobId }]);
  });
});

describe('the dead-letter queue', () => {
  it('leaves alone an item that already got past the stage the dead message was for', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const base = (await sampleSources()).find((s) => s.item.clip_id === 'CursorPaginationFinallyFixed')!.item;
    const clipId = `DlqClip${Date.now()}`;
    const item: ContentItem = { ...base, clip_id: clipId, content_item_id: await contentItemIdFor('twitch', clipId, Date.parse(base.clip_created_at)) };
    const store = new ContentItemStore(env.DB, env.BUCKET);
    await store.insert(item);
    expect(item.processing_status).toBe('ready_for_content');
    // A clip.audio message that ran out of retries while another delivery (a re-ingest's) took the item on.
    const batch = createMessageBatch<unknown>(DEAD_LETTER_QUEUE, [{ id: 'd', timestamp: new Date(), attempts: 6, body: { type: 'clip.audio', content_item_id: item.content_item_id } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    await getQueueResult(batch, ctx);
    expect((await store.get(item.content_item_id))!.item.processing_status).toBe('ready_for_content');
  });
});

describe('the lease heartbeat and per-attempt results', () => {
  it('does not take a job back when its tick lands while the failed attempt is being released', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const base = createServices(parseEnv(env as never), () => Date.now());
    const jobs = base.jobs;
    const realRelease = jobs.release.bind(jobs);
    let renewed: boolean | undefined;
    const realRenew = jobs.renewLease.bind(jobs);
    jobs.renewLease = async (...a) => (renewed = await realRenew(...a));
    jobs.release = async (...a) => {
      await realRelease(...a);
      vi.advanceTimersByTime(30_000); // the 30 s heartbeat comes due while the runner is still in its catch block
      await new Promise((r) => setTimeout(r, 50));
    };
    const services: Services = { ...base, jobs };
    const previous = jobHandlers.github_backfill;
    jobHandlers.github_backfill = async () => { throw new Error('GitHub 502'); };
    try {
      const job = await jobs.create('github_backfill', {}, Date.now(), services.jobTtlMs);
      await expect(runJobMessage({ type: 'job.run', job_id: job.job_id }, services)).rejects.toThrow('GitHub 502');
      const row = await jobRow(job.job_id);
      // After a failed attempt: queued, no lease (release()), so the queue's retry claims it at once.
      expect(renewed).not.toBe(true); // the heartbeat stopped with the handler
      expect({ status: row!.status, lease: row!.lease_expires_at }).toEqual({ status: 'queued', lease: null });
    } finally {
      jobHandlers.github_backfill = previous;
    }
  });
});
