// Ways an item or a job could get stuck, each taken to the end: a stage whose hand-off to the next stage was lost,
// an ingest meeting a clip it once recorded as malformed, and such a clip coming back valid.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contentItemFromClip, transition } from '../../content-pipeline/index.ts';
import worker from '../../worker/index.ts';
import { ContentItemStore } from '../../worker/storage/content-items.ts';
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

describe('a stage whose hand-off was lost', () => {
  it('sends the next stage its message again when the queue redelivers, instead of skipping', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const now = new Date().toISOString();
    const item = transition(await contentItemFromClip(helixClip('clip-07', { broadcaster_id: BROADCASTER.id, thumbnail_url: `${helixBase()}/thumbnails/clip-07.jpg` }), now), 'queued', now);
    expect(await new ContentItemStore(env.DB, env.BUCKET).insert(item)).toBe(true);

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
