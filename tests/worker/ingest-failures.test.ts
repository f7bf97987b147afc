// The unhappy paths of ingest and the stages, on the real local runtime: Twitch faults, a stage failing into the
// dead-letter queue and its re-drive, budget exhaustion and resumption, and refused re-drives.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contentItemFromClip, hasReached, transition, type ContentItem, type ProcessingStatus } from '../../content-pipeline/index.ts';
import worker from '../../worker/index.ts';
import { CRON } from '../../worker/cron/scheduled.ts';
import { parseEnv } from '../../worker/env.ts';
import { runClipIngest } from '../../worker/jobs/clip-ingest.ts';
import { createServices } from '../../worker/services.ts';
import { ContentItemStore } from '../../worker/storage/content-items.ts';
import { BROADCASTER } from '../fixtures/ingest-clips.ts';
import { helixClip } from '../support/clips.ts';
import { errorOf, signedFetch } from './support.ts';
import { finishedJob, helixBase, helixControl, helixLog, startIngest, storedItem, waitFor } from './support-pipeline.ts';

const store = () => new ContentItemStore(env.DB, env.BUCKET);

async function seedItem(clipId: string, status: ProcessingStatus): Promise<ContentItem> {
  const now = new Date().toISOString();
  let item = await contentItemFromClip(helixClip(clipId, { broadcaster_id: BROADCASTER.id, thumbnail_url: `${helixBase()}/thumbnails/${clipId}.jpg` }), now);
  for (const next of ['queued', 'audio_ready', 'transcribed'] as const) {
    if (item.processing_status === status) break;
    item = transition(item, next, now);
  }
  expect(await store().insert(item)).toBe(true);
  return item;
}

async function deliver(type: string, contentItemId: string, queue = 'clip-recap-jobs', attempts = 1, workerEnv = env) {
  const batch = createMessageBatch<unknown>(queue, [{ id: `${type}-${attempts}`, timestamp: new Date(), attempts, body: { type, content_item_id: contentItemId } }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, workerEnv, ctx);
  return getQueueResult(batch, ctx);
}

describe('Twitch faults during ingest', () => {
  it('rides out a 429, a 503 and an expired token, and answers a status URL on the caller origin', async () => {
    // A first ingest leaves a cached token in the worker; Twitch then revokes it and starts failing.
    await finishedJob(await startIngest({ broadcaster_id: BROADCASTER.id, date_range: { start: '2026-01-07T00:00:00Z', end: '2026-01-08T00:00:00Z' } }));
    await helixControl('reset');
    await helixControl('expire-tokens');
    await helixControl('faults', [{ status: 429, resetInSeconds: 1 }, { status: 503 }]);
    const jobId = await startIngest({ broadcaster_id: BROADCASTER.id, date_range: { start: '2026-01-05T00:00:00Z', end: '2026-01-06T00:00:00Z' } });
    const job = await finishedJob(jobId);
    expect(job.status).toBe('completed');
    expect(job.status_url).toBe(`http://worker.test/api/jobs/${jobId}/status`);
    expect(job.results).toMatchObject({ clips_found: 4, created: 4 });
    const statuses = (await helixLog()).filter((e) => e.path.startsWith('/helix/')).map((e) => e.status);
    expect(statuses.slice(0, 3)).toEqual([429, 503, 401]);
    expect(statuses.at(-1)).toBe(200);
  });
});

describe('dead letters and re-drive', () => {
  it('retries a failing stage, fails the item from the dead-letter queue with the error, and re-drives it', async () => {
    const silence = [vi.spyOn(console, 'warn').mockImplementation(() => {}), vi.spyOn(console, 'error').mockImplementation(() => {})];
    try {
      // audio_ready without an audio object: the transcribe stage cannot succeed.
      const item = await seedItem('clip-05', 'audio_ready');
      const first = await deliver('clip.transcribe', item.content_item_id);
      expect(first.retryMessages.map((m) => m.msgId)).toEqual(['clip.transcribe-1']);
      expect((await storedItem('clip-05'))!.status_reason).toMatch(/^retrying: clip\.transcribe: audio object audio\/clip-05\.m4a is missing/);

      const dead = await deliver('clip.transcribe', item.content_item_id, 'clip-recap-jobs-dlq', 6);
      expect(dead.explicitAcks).toEqual(['clip.transcribe-6']);
      const failed = (await storedItem('clip-05'))!;
      expect(failed.processing_status).toBe('failed');
      expect(failed.error).toMatchObject({ code: 'dead_lettered', message: expect.stringContaining('audio object audio/clip-05.m4a is missing') });
      // A second dead letter for the same item changes nothing.
      await deliver('clip.transcribe', item.content_item_id, 'clip-recap-jobs-dlq', 6);
      expect((await storedItem('clip-05'))!.error).toEqual(failed.error);

      const retry = await signedFetch('POST', `/api/content-items/${item.content_item_id}/retry`);
      expect(retry.status).toBe(202);
      const done = await waitFor('the re-driven item', async () => {
        const current = await storedItem('clip-05');
        return current && hasReached(current, 'transcribed') ? current : undefined;
      });
      expect(done.error).toBeUndefined();
      expect(done.status_reason).toBeUndefined();
    } finally {
      silence.forEach((s) => s.mockRestore());
    }
  });

  it('refuses to re-drive an item that has not failed, and 404s unknown ones', async () => {
    const item = await seedItem('clip-06', 'transcribed');
    const refused = await signedFetch('POST', `/api/content-items/${item.content_item_id}/retry`);
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).message).toContain('this one is transcribed');
    const unknown = await signedFetch('POST', '/api/content-items/01ARZ3NDEKTSV4RRFFQ69G5FAV/retry');
    expect(unknown.status).toBe(404);
    const bad = await signedFetch('POST', '/api/content-items/not-an-id/retry');
    expect(bad.status).toBe(400);
  });

  it('acks a stage message for a finished item without touching it', async () => {
    const item = await seedItem('seeded-finished', 'transcribed');
    const before = await env.DB.prepare('SELECT version FROM content_items WHERE content_item_id = ?').bind(item.content_item_id).first();
    const result = await deliver('clip.audio', item.content_item_id);
    expect(result.explicitAcks).toEqual(['clip.audio-1']);
    expect(await env.DB.prepare('SELECT version FROM content_items WHERE content_item_id = ?').bind(item.content_item_id).first()).toEqual(before);
  });
});

describe('budgets', () => {
  it('parks an item when the egress budget is spent, and the daily run resumes it', async () => {
    const item = await seedItem('clip-04', 'queued');
    const egress = async () =>
      (await env.DB.prepare("SELECT SUM(used) AS used FROM budget_usage WHERE resource = 'media_egress_bytes'").first<{ used: number | null }>())!.used ?? 0;
    const spentBefore = await egress();
    const tight = { ...env, MEDIA_DAILY_EGRESS_BYTES: '10' } as typeof env;
    const result = await deliver('clip.audio', item.content_item_id, 'clip-recap-jobs', 1, tight);
    expect(result.explicitAcks).toEqual(['clip.audio-1']);
    const waiting = (await storedItem('clip-04'))!;
    expect(waiting).toMatchObject({ processing_status: 'queued', status_reason: 'budget_exceeded: media_egress_bytes' });
    expect(await env.BUCKET.head('media/clip-04.mp4')).toBeNull();

    await worker.scheduled(createScheduledController({ cron: CRON.dailyRun, scheduledTime: Date.now() }), env, createExecutionContext());
    const resumed = await waitFor('the resumed item', async () => {
      const current = await storedItem('clip-04');
      return current && hasReached(current, 'transcribed') ? current : undefined;
    });
    expect(resumed.status_reason).toBeUndefined();
    expect((await egress()) - spentBefore).toBe(new TextEncoder().encode('fake mp4 bytes of clip 4').byteLength);
  });
});

afterEach(() => vi.restoreAllMocks());
const MARCH_FIRST = { start: '2026-03-01T00:00:00Z', end: '2026-03-02T00:00:00Z' };
async function ingestListing(listing: unknown, sent: unknown[]) {
  const services = createServices(parseEnv(env as never));
  const helix = { usersByLogin: async () => new Map(), listClips: async () => listing };
  const jobsQueue = { sendBatch: async (batch: Array<{ body: unknown }>) => void sent.push(...batch.map((m) => m.body)) };
  return runClipIngest({ job: {} as never, request: { broadcaster_id: BROADCASTER.id, date_range: MARCH_FIRST }, services: { ...services, helix, jobsQueue } as never, progress: async () => {} });
}

describe('malformed listings', () => {
  it('leave an item Helix listed well before alone, and the next good listing keeps its work', async () => {
    const clip = helixClip('done-1', { broadcaster_id: BROADCASTER.id, created_at: '2026-03-01T10:00:00Z' });
    const now = new Date().toISOString();
    let item = await contentItemFromClip(clip, now);
    for (const s of ['queued', 'audio_ready', 'transcribed', 'enhanced'] as const) item = transition(item, s, now);
    item = transition(item, 'ready_for_content', now, { content_score: 77 });
    expect(await new ContentItemStore(env.DB, env.BUCKET).insert(item)).toBe(true);

    await ingestListing({ clips: [], invalid: [{ clipId: 'done-1', raw: { ...clip, view_count: null }, message: 'view_count: bad' }], requests: 1, windows: 1, truncated: [] }, []);
    const afterBad = (await storedItem('done-1'))!;
    await ingestListing({ clips: [clip], invalid: [], requests: 1, windows: 1, truncated: [] }, []);
    const afterGood = (await storedItem('done-1'))!;
    expect({ bad: afterBad.processing_status, good: afterGood.processing_status, score: afterGood.content_score }).toEqual({ bad: 'ready_for_content', good: 'ready_for_content', score: 77 });
  });

  it('with a creation time before 1970 do not stop the good clips from being queued', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const good = helixClip('good-2', { broadcaster_id: BROADCASTER.id, created_at: '2026-03-01T11:00:00Z' });
    const raw = { ...helixClip('badts-3', { broadcaster_id: BROADCASTER.id }), created_at: '1969-12-31' };
    const sent: unknown[] = [];
    let error: unknown;
    try {
      await ingestListing({ clips: [good], invalid: [{ clipId: 'badts-3', raw, message: 'created_at: Invalid' }], requests: 1, windows: 1, truncated: [] }, sent);
    } catch (e) {
      error = e;
    }
    expect({ error: String(error ?? ''), sent: sent.length }).toEqual({ error: '', sent: 1 });
  });
});
