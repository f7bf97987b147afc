// Ways an item or a job could get stuck or go stale, each taken to the end: a stage whose hand-off to the next stage
// was lost, an ingest meeting a clip it once recorded as malformed (and such a clip coming back valid), a scored
// clip matched again, and a backfill bringing a matched clip events it had not seen.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contentItemFromClip, eventIds, transition } from '../../content-pipeline/index.ts';
import worker from '../../worker/index.ts';
import { parseEnv } from '../../worker/env.ts';
import { runHousekeeping } from '../../worker/cron/housekeeping.ts';
import { runClipIngest } from '../../worker/jobs/clip-ingest.ts';
import { runGitHubBackfill } from '../../worker/jobs/github-backfill.ts';
import { createServices } from '../../worker/services.ts';
import { ContentItemStore } from '../../worker/storage/content-items.ts';
import { GitHubEventStore } from '../../worker/storage/github-events.ts';
import { CLIPS, GITHUB_EVENTS, helixClips, transcriptSegments } from '../../sample-data/index.ts';
import { BROADCASTER } from '../fixtures/ingest-clips.ts';
import { helixClip } from '../support/clips.ts';
import { helixBase, storedItem } from './support-pipeline.ts';

afterEach(() => vi.restoreAllMocks());

async function deliver(type: string, id: string, workerEnv: typeof env, attempts = 1) {
  const batch = createMessageBatch<unknown>('clip-recap-jobs', [{ id: `${type}-${attempts}`, timestamp: new Date(), attempts, body: { type, content_item_id: id } }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, workerEnv, ctx);
  return getQueueResult(batch, ctx);
}

/** `env` with a jobs queue that records what is sent, or refuses every send. */
function withQueue(sent: unknown[] | 'refuse'): typeof env {
  const refuse = async () => {
    throw new Error('queue unavailable');
  };
  const queue =
    sent === 'refuse'
      ? { send: refuse, sendBatch: refuse }
      : { send: async (m: unknown) => void sent.push(m), sendBatch: async (ms: Array<{ body: unknown }>) => void sent.push(...ms.map((m) => m.body)) };
  return { ...env, JOBS_QUEUE: queue as unknown as Queue };
}

/** A clip's item, stored at `queued`, its thumbnail at `thumbnailUrl`. */
async function storeQueuedItem(clipId: string, thumbnailUrl: string) {
  const now = new Date().toISOString();
  const item = transition(await contentItemFromClip(helixClip(clipId, { broadcaster_id: BROADCASTER.id, thumbnail_url: thumbnailUrl }), now), 'queued', now);
  expect(await new ContentItemStore(env.DB, env.BUCKET).insert(item)).toBe(true);
  return item;
}

describe('a clip whose thumbnail URL answers with something else than a picture', () => {
  it('keeps its own thumbnail URL instead of hosting a broken image, and goes on', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    // The URL answers 200 with an MP4: not a thumbnail.
    const item = await storeQueuedItem('clip-08', `${helixBase()}/media/clip-08.mp4`);
    const sent: unknown[] = [];
    await deliver('clip.audio', item.content_item_id, withQueue(sent));
    const after = (await storedItem('clip-08'))!;
    expect(after.processing_status).toBe('audio_ready');
    expect(after.clip_thumbnail_url).toBe(`${helixBase()}/media/clip-08.mp4`);
    expect(await env.BUCKET.head('thumbnails/clip-08.jpg')).toBeNull();
  });
});

describe('a stage whose hand-off was lost', () => {
  it('sends the next stage its message again when the queue redelivers, instead of skipping', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const item = await storeQueuedItem('clip-07', `${helixBase()}/thumbnails/clip-07.jpg`);

    const first = await deliver('clip.audio', item.content_item_id, withQueue('refuse'));
    expect(first.retryMessages).toHaveLength(1);
    expect((await storedItem('clip-07'))!.processing_status).toBe('audio_ready');

    const sent: unknown[] = [];
    const second = await deliver('clip.audio', item.content_item_id, withQueue(sent), 2);
    expect(second.retryMessages).toHaveLength(0);
    expect(sent).toEqual([{ type: 'clip.transcribe', content_item_id: item.content_item_id }]);
    // A later stage's redelivery leaves an item that moved on alone.
    const third: unknown[] = [];
    await deliver('clip.enhance', item.content_item_id, withQueue(third), 1);
    expect(third).toEqual([]);
  });
});

describe('a clip first listed malformed', () => {
  const day = { start: '2026-02-01T00:00:00Z', end: '2026-02-02T00:00:00Z' };
  /** Runs the ingest job with a Helix that lists what `listing()` returns, collecting what it queues. */
  async function ingest(listing: () => unknown, sent: unknown[]) {
    const services = createServices(parseEnv(env as never));
    const helix = { usersByLogin: async () => new Map(), listClips: async () => listing() };
    const jobsQueue = { sendBatch: async (batch: Array<{ body: unknown }>) => void sent.push(...batch.map((m) => m.body)) };
    return runClipIngest({ job: {} as never, request: { broadcaster_id: BROADCASTER.id, date_range: day }, services: { ...services, helix, jobsQueue } as never, progress: async () => {} });
  }

  it('starts over, under its old id, once Helix lists it well, and never stops the other clips', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const valid = helixClip('weird-1', { broadcaster_id: BROADCASTER.id, created_at: '2026-02-01T10:00:00Z' });
    const other = helixClip('fine-2', { broadcaster_id: BROADCASTER.id, created_at: '2026-02-01T11:00:00Z' });
    const { created_at: _missing, ...withoutDate } = valid;
    const sent: unknown[] = [];
    await ingest(() => ({ clips: [], invalid: [{ clipId: 'weird-1', raw: withoutDate, message: 'created_at: Required' }], requests: 1, windows: 1, truncated: [] }), sent);
    const failed = (await storedItem('weird-1'))!;
    expect(failed).toMatchObject({ processing_status: 'failed', error: { code: 'invalid_clip' } });

    const results = await ingest(() => ({ clips: [other, valid], invalid: [], requests: 1, windows: 1, truncated: [] }), sent);
    expect(results).toMatchObject({ created: 1, refreshed: 1, queued_for_audio: 2 });
    const restarted = (await storedItem('weird-1'))!;
    expect(restarted).toMatchObject({ content_item_id: failed.content_item_id, processing_status: 'queued', clip_created_at: '2026-02-01T10:00:00.000Z' });
    expect(restarted.error).toBeUndefined();
    expect((await storedItem('fine-2'))!.processing_status).toBe('queued');
    expect(sent.map((m) => (m as { content_item_id: string }).content_item_id).sort()).toEqual([restarted.content_item_id, (await storedItem('fine-2'))!.content_item_id].sort());
  });

  it('stores and queues the other clips when one cannot be stored, then fails the job so it retries', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const good = helixClip('fine-3', { broadcaster_id: BROADCASTER.id, created_at: '2026-02-01T12:00:00Z' });
    const bad = helixClip('boom-4', { broadcaster_id: BROADCASTER.id, created_at: '2026-02-01T13:00:00Z' });
    const put = env.BUCKET.put.bind(env.BUCKET);
    vi.spyOn(env.BUCKET, 'put').mockImplementation(((key: string, ...rest: unknown[]) => (key.includes('boom-4') ? Promise.reject(new Error('R2 unavailable')) : (put as (...a: unknown[]) => unknown)(key, ...rest))) as never);
    const sent: unknown[] = [];
    await expect(ingest(() => ({ clips: [bad, good], invalid: [], requests: 1, windows: 1, truncated: [] }), sent)).rejects.toThrow(/1 of 2 clips could not be stored \(boom-4: R2 unavailable\)/);
    expect((await storedItem('fine-3'))!.processing_status).toBe('queued');
    expect(sent).toEqual([{ type: 'clip.audio', content_item_id: (await storedItem('fine-3'))!.content_item_id }]);
    expect(await storedItem('boom-4')).toBeUndefined();
  });
});

describe('a scored clip matched again', () => {
  it('carries the new match\'s confidence and repositories in the item, not only in the D1 column', async () => {
    const clip = CLIPS.find((c) => c.id === 'CursorPaginationFinallyFixed')!;
    const now = new Date().toISOString();
    let item = await contentItemFromClip(helixClips('http://assets.test').find((c) => c.id === clip.id)!, now);
    for (const status of ['queued', 'audio_ready', 'transcribed', 'enhanced'] as const) item = transition(item, status, now);
    // Scored before any GitHub event was known.
    item = transition(item, 'ready_for_content', now, { content_score: 50, github_confidence: 0, github_repos: [], github_summary: 'none' });
    await env.BUCKET.put(`transcripts/${clip.id}.json`, JSON.stringify({ clip_id: clip.id, language: 'en', text: clip.transcript.join(' '), segments: transcriptSegments(clip.id), transcriber: 'fixture', created_at: now }));
    await new ContentItemStore(env.DB, env.BUCKET).insert(item);
    await new GitHubEventStore(env.DB).upsert(GITHUB_EVENTS.filter((e) => clip.related.includes(e.id)), 'webhook', now);

    await deliver('clip.rematch', item.content_item_id, env);
    const after = (await storedItem(clip.id))!;
    const row = await env.DB.prepare('SELECT github_confidence, version FROM content_items WHERE clip_id = ?').bind(clip.id).first<{ github_confidence: number; version: number }>();
    expect(row!.github_confidence).toBeGreaterThan(0.5);
    expect(after.github_confidence).toBe(row!.github_confidence);
    expect(after.github_repos).toEqual(['streamdev/clip-recap']);
    expect(after).toMatchObject({ processing_status: 'ready_for_content', content_score: 50 });
    // Matched again with nothing new: nothing written.
    await deliver('clip.rematch', item.content_item_id, env, 2);
    expect((await env.DB.prepare('SELECT version FROM content_items WHERE clip_id = ?').bind(clip.id).first<{ version: number }>())!.version).toBe(row!.version);
  });
});

describe('a backfill bringing events a matched clip had not seen', () => {
  it('queues a re-match for that clip once, not again when the same events come back', async () => {
    await env.DB.batch([env.DB.prepare('DELETE FROM github_events'), env.DB.prepare("DELETE FROM content_items WHERE clip_id = 'StripeSignaturesLive'")]);
    const clip = CLIPS.find((c) => c.id === 'StripeSignaturesLive')!;
    const now = new Date().toISOString();
    let item = await contentItemFromClip(helixClips('http://assets.test').find((c) => c.id === clip.id)!, now);
    for (const status of ['queued', 'audio_ready', 'transcribed', 'enhanced'] as const) item = transition(item, status, now);
    item = transition(item, 'ready_for_content', now, { content_score: 60, github_confidence: 0, github_repos: [], github_summary: 'none' });
    await new ContentItemStore(env.DB, env.BUCKET).insert(item);

    const sent: unknown[] = [];
    const services = { ...createServices(parseEnv(env as never)), jobsQueue: { sendBatch: async (batch: Array<{ body: unknown }>) => void sent.push(...batch.map((m) => m.body)) } };
    const backfill = () =>
      runGitHubBackfill({ job: {} as never, request: { repos: ['streamdev/payments-api'], date_range: { start: '2026-01-06T00:00:00Z', end: '2026-01-07T00:00:00Z' } }, services: services as never, progress: async () => {} });
    const first = await backfill();
    expect(first.repos[0]!.new_events).toBeGreaterThan(0);
    expect(first.rematched_items).toBe(1);
    expect(sent).toEqual([{ type: 'clip.rematch', content_item_id: item.content_item_id }]);
    const again = await backfill();
    expect(again).toMatchObject({ rematched_items: 0, repos: [{ new_events: 0 }] });
    expect(sent).toHaveLength(1);
  });
});

describe('a rematch whose queue send failed', () => {
  async function matchedClipWithoutEvents(clipId: string) {
    await env.DB.batch([env.DB.prepare('DELETE FROM github_events'), env.DB.prepare('DELETE FROM content_items WHERE clip_id = ?').bind(clipId)]);
    const clip = CLIPS.find((c) => c.id === clipId)!;
    const now = new Date().toISOString();
    let item = await contentItemFromClip(helixClips('http://assets.test').find((c) => c.id === clip.id)!, now);
    for (const status of ['queued', 'audio_ready', 'transcribed', 'enhanced'] as const) item = transition(item, status, now);
    item = transition(item, 'ready_for_content', now, { content_score: 60, github_confidence: 0, github_repos: [], github_summary: 'none' });
    await new ContentItemStore(env.DB, env.BUCKET).insert(item);
    return { clip, item };
  }
  const recording = (sent: unknown[]) => ({ sendBatch: async (batch: Array<{ body: unknown }>) => void sent.push(...batch.map((m) => m.body)), send: async (m: unknown) => void sent.push(m) });
  const refusing = { sendBatch: async () => { throw new Error('queue unavailable'); }, send: async () => { throw new Error('queue unavailable'); } };

  it('is queued by the next backfill, though the events are no longer new', async () => {
    const { item } = await matchedClipWithoutEvents('StripeSignaturesLive');
    const base = createServices(parseEnv(env as never));
    const backfill = (jobsQueue: unknown) =>
      runGitHubBackfill({ job: {} as never, request: { repos: ['streamdev/payments-api'], date_range: { start: '2026-01-06T00:00:00Z', end: '2026-01-07T00:00:00Z' } }, services: { ...base, jobsQueue } as never, progress: async () => {} });
    await expect(backfill(refusing)).rejects.toThrow('queue unavailable');
    const sent: unknown[] = [];
    const retried = await backfill(recording(sent));
    expect(retried).toMatchObject({ rematched_items: 1, repos: [{ new_events: 0 }] });
    expect(sent).toEqual([{ type: 'clip.rematch', content_item_id: item.content_item_id }]);
    expect(await backfill(recording(sent))).toMatchObject({ rematched_items: 0 });
    expect(sent).toHaveLength(1);
  });

  it('is queued by housekeeping when no delivery or backfill comes again (GitHub does not redeliver by itself)', async () => {
    const { clip, item } = await matchedClipWithoutEvents('CursorPaginationFinallyFixed');
    // A webhook run that stored its events and stopped before queueing their rematches.
    await new GitHubEventStore(env.DB).upsert(GITHUB_EVENTS.filter((e) => clip.related.includes(e.id)), 'webhook', new Date().toISOString());
    const sent: unknown[] = [];
    const base = createServices(parseEnv(env as never));
    const housekeeping = (minutesLater: number) => runHousekeeping({ ...base, jobsQueue: recording(sent), clock: () => Date.now() + minutesLater * 60_000 } as never);
    // A run still in progress is left to finish.
    expect((await housekeeping(1)).requeued_rematches).toBe(0);
    expect((await housekeeping(11)).requeued_rematches).toBe(1);
    expect(sent).toEqual([{ type: 'clip.rematch', content_item_id: item.content_item_id }]);
    expect((await housekeeping(30)).requeued_rematches).toBe(0);
    expect(sent).toHaveLength(1);
  });
});

describe('event ids stored before they were lower-cased (migration 0010)', () => {
  it('are rewritten in the row and its JSON, one row kept where both spellings were stored', async () => {
    const sha = 'b'.repeat(40);
    const event = (id: string, repo: string) => ({ ...GITHUB_EVENTS.find((e) => e.type === 'push')!, id, repo, sha, occurred_at: '2031-01-05T12:00:00.000Z' });
    const store = new GitHubEventStore(env.DB);
    // Written by the release before: the repo part as GitHub spelled it; and one event in both spellings.
    await store.upsert([event(`commit:StreamDev/Old-Repo:${sha}`, 'StreamDev/Old-Repo')], 'webhook', '2031-01-05T12:00:01.000Z');
    await store.upsert([event(`commit:StreamDev/Twice:${sha}`, 'StreamDev/Twice')], 'webhook', '2031-01-05T12:00:01.000Z');
    await store.upsert([event(eventIds.commit('StreamDev/Twice', sha), 'StreamDev/Twice')], 'backfill', '2031-01-05T12:00:02.000Z');
    const migration = (env as unknown as { TEST_MIGRATIONS: Array<{ name: string; queries: string[] }> }).TEST_MIGRATIONS.find((m) => m.name.startsWith('0010'))!;
    await env.DB.batch(migration.queries.map((q) => env.DB.prepare(q)));
    const rows = await env.DB.prepare("SELECT event_id, event_json FROM github_events WHERE occurred_at LIKE '2031-01-05%' ORDER BY event_id").all<{ event_id: string; event_json: string }>();
    expect(rows.results.map((r) => r.event_id)).toEqual([`commit:streamdev/old-repo:${sha}`, `commit:streamdev/twice:${sha}`]);
    for (const r of rows.results) expect(JSON.parse(r.event_json).id).toBe(r.event_id);
    expect((await store.counts('2031-01-05T00:00:00.000Z', '2031-01-06T00:00:00.000Z')).commits).toBe(2);
  });
});

describe('the durable copy of an item in R2', () => {
  it('is not replaced by a new item for the same clip (an ingest meeting a clip it already stored)', async () => {
    const store = new ContentItemStore(env.DB, env.BUCKET);
    const now = new Date().toISOString();
    const fresh = transition(await contentItemFromClip(helixClip('durable-1', { broadcaster_id: BROADCASTER.id }), now), 'queued', now);
    expect(await store.insert(fresh)).toBe(true);
    const advanced = await store.update(fresh.content_item_id, (item) => transition(item, 'audio_ready', now));
    expect(await store.insert(fresh)).toBe(false);
    const copy = await (await env.BUCKET.get(`content-items/${fresh.content_item_id}.json`))!.json();
    expect(copy).toEqual(advanced);
  });
});
