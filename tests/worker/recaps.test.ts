// POST /api/recaps/publish on the local runtime: a dry run builds the recap from the stored items and contexts;
// the daily cron schedules the daily recap (and the weekly summary on Mondays).
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import matter from 'gray-matter';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentItemIdFor, RecapFrontmatter } from '../../content-pipeline/index.ts';
import worker from '../../worker/index.ts';
import { CRON } from '../../worker/cron/scheduled.ts';
import { parseEnv } from '../../worker/env.ts';
import { runRecapPublish } from '../../worker/jobs/recap-publish.ts';
import { createServices } from '../../worker/services.ts';
import { ContentItemStore } from '../../worker/storage/content-items.ts';
import { sampleSources } from '../support/recap-sources.ts';
import { errorOf, signedFetch } from './support.ts';
import { finishedJob } from './support-pipeline.ts';

const MONDAY = { start: '2026-01-05T00:00:00.000Z', end: '2026-01-06T00:00:00.000Z' };

beforeAll(async () => {
  const store = new ContentItemStore(env.DB, env.BUCKET);
  for (const { item, context, transcript } of await sampleSources()) {
    await store.insert(item);
    if (context) await env.BUCKET.put(`github-context/${item.clip_id}.json`, JSON.stringify(context));
    await env.BUCKET.put(`transcripts/${item.clip_id}.json`, JSON.stringify({ clip_id: item.clip_id, language: 'en', text: transcript, segments: [], transcriber: 'fixture', created_at: item.stored_at }));
  }
});

const publish = (body: object) => signedFetch('POST', '/api/recaps/publish', { body: JSON.stringify(body) });

describe('POST /api/recaps/publish', () => {
  it('builds the daily recap from stored items in a dry run', async () => {
    const response = await publish({ content_type: 'daily_recap', date_range: MONDAY, dry_run: true });
    expect(response.status).toBe(202);
    const job = await finishedJob((await response.json<{ job_id: string }>()).job_id);
    expect(job.status).toBe('completed');
    const results = job.results as { outcome: string; publisher: string; path: string; branch: string; clips: string[]; files: string[]; markdown: string };
    expect(results).toMatchObject({
      publisher: 'dry-run',
      path: 'site/content/recaps/2026/2026-01-05-daily-recap.md',
      branch: 'recap/daily/2026-01-05',
      clips: ['CursorPaginationFinallyFixed'],
      files: ['site/content/recaps/2026/2026-01-05-daily-recap.md'],
    });
    const frontmatter = RecapFrontmatter.parse(matter(results.markdown).data);
    expect(frontmatter.clips[0]!.github.map((e) => e.number ?? e.sha?.slice(0, 7))).toEqual(expect.arrayContaining([12]));
  });

  it('completes as skipped when nothing in the range is approved', async () => {
    const response = await publish({ content_type: 'daily_recap', date_range: { start: '2026-02-01T00:00:00Z', end: '2026-02-02T00:00:00Z' }, dry_run: true });
    const job = await finishedJob((await response.json<{ job_id: string }>()).job_id);
    expect(job.results).toMatchObject({ outcome: 'skipped' });
  });

  it('validates the request', async () => {
    for (const [body, field] of [
      [{ content_type: 'topic_focus', date_range: MONDAY }, 'topic'],
      [{ content_type: 'topic_focus', topic: '!!!', date_range: MONDAY }, 'topic'],
      [{ content_type: 'monthly', date_range: MONDAY }, 'content_type'],
      [{ content_type: 'daily_recap', date_range: MONDAY, dry_run: 'yes' }, 'dry_run'],
    ] as const) {
      const response = await publish(body);
      expect(response.status).toBe(400);
      expect((await errorOf(response)).details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
  });
});

describe('topic focus', () => {
  const WEEK = { start: '2026-01-05T00:00:00Z', end: '2026-01-12T00:00:00Z' };

  it('takes a topic in words: the title shows them, the file name and front matter use its slug', async () => {
    const response = await publish({ content_type: 'topic_focus', topic: 'Cursor pagination', date_range: WEEK, dry_run: true });
    const job = await finishedJob((await response.json<{ job_id: string }>()).job_id);
    expect(job.status).toBe('completed');
    const results = job.results as { path: string; clips: string[]; markdown: string; title: string };
    expect(results.path).toBe('site/content/recaps/2026/2026-01-05-topic-cursor-pagination.md');
    expect(results.clips).toContain('CursorPaginationFinallyFixed');
    expect(results.title).toContain('Cursor pagination');
    expect(RecapFrontmatter.parse(matter(results.markdown).data).topic).toBe('cursor-pagination');
  });

  it('finds its clips among every approved item of the range, not only the 100 best scored', async () => {
    const store = new ContentItemStore(env.DB, env.BUCKET);
    const base = (await sampleSources()).find((s) => s.item.clip_id === 'CursorPaginationFinallyFixed')!.item;
    for (let i = 0; i < 120; i++) {
      const clipId = `LunchChat${i}`;
      const created = new Date(Date.parse('2026-01-20T12:00:00Z') + i * 60_000).toISOString();
      await store.insert({
        ...base,
        clip_id: clipId,
        content_item_id: await contentItemIdFor('twitch', clipId, Date.parse(created)),
        clip_created_at: created,
        clip_title: `Chatting about lunch ${i}`,
        transcript_summary: 'we talk about lunch',
        content_tags: ['lunch'],
        content_score: 99,
        content_decision: 'approved',
      });
    }
    const response = await publish({ content_type: 'topic_focus', topic: 'cursor-pagination', date_range: { start: '2026-01-01T00:00:00Z', end: '2026-02-01T00:00:00Z' }, dry_run: true });
    const job = await finishedJob((await response.json<{ job_id: string }>()).job_id);
    expect((job.results as { clips: string[] }).clips).toEqual(['CursorPaginationFinallyFixed']);
  });
});

describe('reading sources', () => {
  it('reads from R2 only the clips a daily recap can take, however many the day has', async () => {
    // The 120 approved clips of 20 January stored by the topic test above.
    const reads: string[] = [];
    const base = createServices(parseEnv(env as never));
    const bucket = new Proxy(env.BUCKET, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property === 'get') return (key: string, ...rest: unknown[]) => (reads.push(key), (value as (...a: unknown[]) => unknown).call(target, key, ...rest));
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const results = (await runRecapPublish({
      job: {} as never,
      request: { content_type: 'daily_recap', date_range: { start: '2026-01-20T00:00:00Z', end: '2026-01-21T00:00:00Z' }, dry_run: true },
      services: { ...base, bucket } as never,
      progress: async () => {},
    })) as { clips: string[] };
    expect(results.clips).toHaveLength(12);
    expect(reads.filter((k) => k.startsWith('github-context/') || k.startsWith('transcripts/')).length).toBeLessThanOrEqual(24);
  });
});

describe('pull requests on the blog repository', () => {
  it('opens one PR with the recap, and a re-run changes nothing', async () => {
    const first = await finishedJob((await (await publish({ content_type: 'daily_recap', date_range: MONDAY })).json<{ job_id: string }>()).job_id);
    expect(first.status).toBe('completed');
    expect(first.results).toMatchObject({
      publisher: 'github',
      outcome: 'created',
      branch: 'recap/daily/2026-01-05',
      pr_number: expect.any(Number),
      pr_url: expect.stringMatching(/\/streamdev\/blog\/pull\/\d+$/),
      files: ['site/content/recaps/2026/2026-01-05-daily-recap.md'],
    });
    const again = await finishedJob((await (await publish({ content_type: 'daily_recap', date_range: MONDAY })).json<{ job_id: string }>()).job_id);
    expect(again.results).toMatchObject({ outcome: 'unchanged', pr_number: (first.results as { pr_number: number }).pr_number });
    const discord = (env as unknown as { DISCORD_WEBHOOK_URL: string }).DISCORD_WEBHOOK_URL.replace(/\/api\/webhooks\/.*$/, '');
    const { messages } = await (await fetch(`${discord}/__control/messages`)).json<{ messages: Array<{ content: string }> }>();
    expect(messages.filter((m) => m.content.startsWith('Recap pull request created') && m.content.includes('2026-01-05-daily-recap.md'))).toHaveLength(1);
  }, 60_000);
});

describe('daily cron', () => {
  it('schedules the daily recap, and the weekly summary on Mondays', async () => {
    const count = async () => (await env.DB.prepare("SELECT request_data FROM jobs WHERE kind = 'recap_publish'").all<{ request_data: string }>()).results.map((r) => JSON.parse(r.request_data).content_type);
    const before = await count();
    await worker.scheduled(createScheduledController({ cron: CRON.dailyRun, scheduledTime: Date.parse('2026-01-13T05:30:00Z') }), env, createExecutionContext());
    expect((await count()).length - before.length).toBe(1);
    await worker.scheduled(createScheduledController({ cron: CRON.dailyRun, scheduledTime: Date.parse('2026-01-12T05:30:00Z') }), env, createExecutionContext());
    const after = await count();
    expect(after.slice(before.length + 1).sort()).toEqual(['daily_recap', 'weekly_summary']);
  });
});
