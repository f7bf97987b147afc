// Writes that lose a race or fail halfway, found by review: a content item's R2 copy ends as D1 holds it, a job's
// large results are neither overwritten by a repeated delivery nor left behind by a failed write, and a paid
// transcription stays counted in the AI budget when only storing it fails.
import { env } from 'cloudflare:workers';
import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { contentItemIdFor, transition, type ContentItem } from '../../content-pipeline/index.ts';
import { readOnlyJobHandlers, runJobMessage } from '../../worker/jobs/runner.ts';
import type { Services } from '../../worker/services.ts';
import { ContentItemStore } from '../../worker/storage/content-items.ts';
import { JobStore } from '../../worker/storage/jobs.ts';
import { sampleSources } from '../support/recap-sources.ts';
import { servicesAt } from './support-pipeline.ts';

beforeEach(async () => {
  await env.DB.prepare('DELETE FROM jobs').run();
});
afterEach(() => vi.restoreAllMocks());

describe('content items: the durable copy in R2', () => {
  it('holds what D1 holds after a version race, not the losing write', async () => {
    const base = (await sampleSources()).find((s) => s.item.clip_id === 'CursorPaginationFinallyFixed')!.item;
    const clipId = `RaceClip${Date.now()}`;
    let item: ContentItem = { ...base, clip_id: clipId, content_item_id: await contentItemIdFor('twitch', clipId, Date.parse(base.clip_created_at)) };
    const now = new Date().toISOString();
    item = { ...item, processing_status: 'enhanced' } as ContentItem;
    const { content_score: _s, content_decision: _d, content_category: _c, ...enhanced } = item as ContentItem & Record<string, unknown>;
    const store = new ContentItemStore(env.DB, env.BUCKET);
    await store.insert(enhanced as ContentItem);
    const score = (value: number) => (current: ContentItem) =>
      current.processing_status !== 'enhanced' ? current : transition(current, 'ready_for_content', now, { content_score: value, content_decision: 'approved', content_category: 'development' });
    // Two score runs (a duplicate delivery) side by side: the AI judge gives one 80, the other (over budget) 40.
    let raced = false;
    await store.update(item.content_item_id, async (current) => {
      if (!raced) {
        raced = true;
        await store.update(item.content_item_id, score(80)); // the other run wins the version check
      }
      return score(40)(current);
    });
    const d1 = (await store.get(item.content_item_id))!.item;
    const r2 = (await (await env.BUCKET.get(`content-items/${item.content_item_id}.json`))!.json()) as ContentItem;
    expect(d1.content_score).toBe(80);
    expect(r2.content_score).toBe(d1.content_score);
  });
});

describe('read-only jobs', () => {
  it('keeps the R2 results of the first completion when the same delivery comes again', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const clock = { t: Date.now() };
    const { services } = servicesAt(clock);
    const jobId = ulid();
    await services.db.prepare(
      `INSERT INTO jobs (job_id, kind, status, created_at, updated_at, expires_at, request_data) VALUES (?1, 'content_generation', 'queued', ?2, ?2, ?3, '{}')`,
    ).bind(jobId, new Date(clock.t).toISOString(), new Date(clock.t + 3_600_000).toISOString()).run();
    const previous = readOnlyJobHandlers.content_generation;
    let run = 0;
    readOnlyJobHandlers.content_generation = async () => ({ run: ++run, padding: 'x'.repeat(70_000) }); // > 64 KiB: results go to R2
    try {
      const message = { type: 'job.run' as const, job_id: jobId, inline: { kind: 'content_generation' as const, request: {} } };
      await runJobMessage(message, services);
      const completed = await services.jobs.withResults((await services.jobs.get(jobId))!);
      expect(JSON.parse(completed.results!).run).toBe(1);
      await runJobMessage(message, services); // at-least-once: the same message again, later
      const after = await services.jobs.withResults((await services.jobs.get(jobId))!);
      expect(JSON.parse(after.results!).run).toBe(1);
    } finally {
      readOnlyJobHandlers.content_generation = previous;
    }
  });
});

describe('the daily AI budget', () => {
  it('keeps counting a transcription that ran (and was paid for) when only storing its transcript failed', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const { contentItemFromClip, FixtureTranscriber } = await import('../../content-pipeline/index.ts');
    const { helixClips } = await import('../../sample-data/index.ts');
    const { runTranscribeStage } = await import('../../worker/pipeline/transcribe-stage.ts');
    const helix = { ...helixClips('https://x.test')[0]!, id: `BudgetClip${Date.now()}` };
    const nowIso = new Date().toISOString();
    let item = await contentItemFromClip(helix, nowIso);
    item = transition(transition(item, 'queued', nowIso), 'audio_ready', nowIso);
    const store = new ContentItemStore(env.DB, env.BUCKET);
    await store.insert(item);
    const { r2Keys } = await import('../../content-pipeline/index.ts');
    await env.BUCKET.put(r2Keys.audio(helix.id), new Uint8Array([1, 2, 3]));

    let paidCalls = 0;
    const fixture = new FixtureTranscriber();
    const transcriber = { name: 'workers-ai-like', costsAiBudget: true, transcribe: (...args: Parameters<typeof fixture.transcribe>) => (paidCalls++, fixture.transcribe(...args)) };
    let failPut = true;
    const bucket = new Proxy(env.BUCKET, {
      get(target, property) {
        if (property === 'put') {
          return async (key: string, ...rest: unknown[]) => {
            if (failPut && key === r2Keys.transcript(helix.id)) {
              failPut = false;
              throw new Error('R2 put failed: 500');
            }
            return (target.put as (...a: unknown[]) => unknown)(key, ...rest);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const clock = { t: Date.now() };
    const { services } = servicesAt(clock, { transcriber, bucket } as Partial<Services>);
    const before = (await services.budgets.usedToday(clock.t)).ai_audio_seconds ?? 0;
    const message = { type: 'clip.transcribe' as const, content_item_id: item.content_item_id };
    await expect(runTranscribeStage(message, services)).rejects.toThrow('R2 put failed');
    await runTranscribeStage(message, services); // the queue's retry
    const used = ((await services.budgets.usedToday(clock.t)).ai_audio_seconds ?? 0) - before;
    expect(paidCalls).toBe(2);
    // Two paid transcriptions, both counted.
    expect(used).toBe(2 * Math.max(1, Math.ceil(item.clip_duration)));
  });
});

describe('a job\'s results in R2', () => {
  it('deletes an attempt\'s R2 results when its D1 write fails, so none is left behind', async () => {
    const big = { blob: 'x'.repeat(70 * 1024) };
    let failNext = true;
    const db = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'prepare') return (sql: string) => {
          const stmt = target.prepare(sql);
          if (!sql.includes("status = 'completed', results = ?3")) return stmt;
          return new Proxy(stmt, { get(s, p) {
            if (p === 'bind') return (...args: unknown[]) => { const b = s.bind(...args); return new Proxy(b, { get(bs, q) { if (q === 'run' && failNext) return async () => { failNext = false; throw new Error('D1_ERROR: network connection lost'); }; const v = (bs as any)[q]; return typeof v === 'function' ? v.bind(bs) : v; } }); };
            const v = (s as any)[p]; return typeof v === 'function' ? v.bind(s) : v;
          } });
        };
        const v = (target as any)[prop]; return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const store = new JobStore(db as D1Database, env.BUCKET);
    const now = Date.now();
    const job = await store.create('github_backfill', {}, now, 1000);
    await store.claim(job.job_id, 'w1', now, 60_000);
    await expect(store.complete(job.job_id, 'w1', big, now)).rejects.toThrow('D1_ERROR');
    await store.complete(job.job_id, 'w1', big, now); // the retry succeeds
    await store.deleteExpired(new Date(now + 10_000).toISOString());
    const left = await env.BUCKET.list({ prefix: `job-results/${job.job_id}` });
    expect(left.objects.map((o) => o.key)).toEqual([]);
  });
});
