// GitHub on the local runtime: the webhook receiver (signatures, dedupe, ping, unknown events, example payloads),
// the backfill job against the fake GitHub over HTTP, one row per event across both paths, the enhance stage, and
// re-matching when an event arrives after its clip was matched.
import { env, exports } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import { describe, expect, it } from 'vitest';
import { contentItemFromClip, hasReached, normalizeWebhook, transition } from '../../content-pipeline/index.ts';
import worker from '../../worker/index.ts';
import { parseEnv } from '../../worker/env.ts';
import { createServices } from '../../worker/services.ts';
import { enqueueRematches } from '../../worker/pipeline/rematch.ts';
import { ContentItemStore } from '../../worker/storage/content-items.ts';
import { CLIPS, GITHUB_EVENTS, helixClips, transcriptSegments, WEEK } from '../../sample-data/index.ts';
import { errorOf, signedFetch } from './support.ts';
import { finishedJob, storedItem, waitFor } from './support-pipeline.ts';

const SECRET = 'webhook-secret-for-tests';
const payloads = examples as Array<{ name: string; examples: any[] }>;
const example = (name: string, pick: (p: any) => boolean = () => true) => payloads.find((e) => e.name === name)!.examples.find(pick);

async function deliver(event: string, payload: unknown, delivery: string, headers: Record<string, string | null> = {}) {
  const body = JSON.stringify(payload);
  const all: Record<string, string | null> = {
    'Content-Type': 'application/json',
    'X-GitHub-Event': event,
    'X-GitHub-Delivery': delivery,
    'X-Hub-Signature-256': await sign(SECRET, body),
    ...headers,
  };
  const h = new Headers();
  for (const [k, v] of Object.entries(all)) if (v !== null) h.set(k, v);
  return exports.default.fetch('http://worker.test/webhooks/github', { method: 'POST', headers: h, body });
}

const rowCount = async () => (await env.DB.prepare('SELECT COUNT(*) AS n FROM github_events').first<{ n: number }>())!.n;

describe('POST /webhooks/github', () => {
  it('stores a push as one event per commit, with the raw payload in R2, and dedupes redeliveries', async () => {
    const push = example('push', (p) => p.commits.length > 0);
    const first = await deliver('push', push, 'delivery-push-1');
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ ok: true, event: 'push', stored: push.commits.length });
    const before = await rowCount();
    expect(await env.BUCKET.head('github/webhooks/delivery-push-1.json')).not.toBeNull();
    const again = await deliver('push', push, 'delivery-push-1');
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(await rowCount()).toBe(before);
  });

  it('accepts every public example payload of every accepted event', async () => {
    const before = await rowCount();
    const ids = new Set<string>();
    let n = 0;
    for (const name of ['pull_request', 'issues', 'issue_comment', 'pull_request_review', 'release', 'create']) {
      for (const payload of payloads.find((e) => e.name === name)!.examples) {
        const response = await deliver(name, payload, `delivery-${name}-${n++}`);
        expect(response.status, `${name} #${n}: ${response.status === 200 ? '' : await response.clone().text()}`).toBe(200);
        for (const event of normalizeWebhook(name, payload, new Date().toISOString())!) ids.add(event.id);
      }
    }
    // Several examples describe the same PR or issue transition: one row each, never more.
    expect(await rowCount()).toBe(before + ids.size);
  });

  it('answers ping and ignores events it does not store', async () => {
    expect(await (await deliver('ping', example('ping'), 'delivery-ping')).json()).toMatchObject({ ok: true, event: 'ping' });
    expect(await (await deliver('star', { action: 'created', repository: { full_name: 'o/r' } }, 'delivery-star')).json()).toMatchObject({ ignored: true });
  });

  it.each([
    [{ 'X-Hub-Signature-256': null }, 'Missing X-Hub-Signature-256'],
    [{ 'X-Hub-Signature-256': null, 'X-Hub-Signature': 'sha1=0123456789abcdef0123456789abcdef01234567' }, 'Only X-Hub-Signature-256'],
    [{ 'X-Hub-Signature-256': 'sha256=nothex' }, 'must be sha256='],
    [{ 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` }, 'Invalid webhook signature'],
  ])('401 for %j', async (headers, message) => {
    const response = await deliver('push', example('push'), 'delivery-bad-sig', headers);
    expect(response.status).toBe(401);
    expect((await errorOf(response)).message).toContain(message);
  });

  it('400 without a delivery id or event name, 400 for a malformed payload, 503 when unconfigured', async () => {
    expect((await deliver('push', example('push'), '', { 'X-GitHub-Delivery': null })).status).toBe(400);
    expect((await deliver('', example('push'), 'delivery-no-event', { 'X-GitHub-Event': null })).status).toBe(400);
    const malformed = await deliver('pull_request', { action: 'opened', repository: { full_name: 'o/r' } }, 'delivery-malformed');
    expect(malformed.status).toBe(400);
    const error = await errorOf(malformed);
    expect(error.message).toContain('pull_request');
    // The shape of every other 400: {field, message} per failing field.
    expect(error.details.fields.length).toBeGreaterThan(0);
    for (const f of error.details.fields) expect(f).toEqual({ field: expect.any(String), message: expect.any(String) });
    expect(error.details.fields.map((f: { field: string }) => f.field)).toContain('pull_request');
    const unconfigured = await worker.fetch(
      new Request('http://worker.test/webhooks/github', { method: 'POST', body: '{}' }),
      { ...env, GITHUB_WEBHOOK_SECRET: '' } as typeof env,
      createExecutionContext(),
    );
    expect(unconfigured.status).toBe(503);
  });
});

describe('backfill and matching', () => {
  it('backfills the week through the API, and the webhook path adds no duplicate', async () => {
    const response = await signedFetch('POST', '/api/github/backfill', { body: JSON.stringify({ date_range: WEEK }) });
    expect(response.status).toBe(202);
    const job = await finishedJob((await response.json<{ job_id: string }>()).job_id);
    expect(job.status).toBe('completed');
    const results = job.results as { repos: Array<{ repo: string; events: number; branch_activity_incomplete?: true }>; events: number };
    expect(results.repos.map((r) => r.repo)).toEqual(['streamdev/clip-recap', 'streamdev/payments-api']);
    // The push activity (for branches without a pull request) is read 3 pages deep: at this fake's 5 to a page,
    // payments-api's 9 pushes fit, clip-recap's 18 of the week do not, and the result says so.
    expect(results.repos.map((r) => r.branch_activity_incomplete)).toEqual([true, undefined]);
    const cursorFix = GITHUB_EVENTS.find((e) => e.title === 'Fix off-by-one in cursor pagination')!;
    expect(await env.DB.prepare('SELECT source FROM github_events WHERE event_id = ?').bind(cursorFix.id).first()).toEqual({ source: 'backfill' });

    // The same commit arrives by webhook: still one row, now with the webhook's richer data.
    const before = await rowCount();
    const push = {
      ref: 'refs/heads/main',
      repository: { full_name: 'streamdev/clip-recap' },
      sender: { login: 'streamdev' },
      commits: [{ id: cursorFix.sha, message: cursorFix.message, timestamp: cursorFix.occurred_at, url: cursorFix.url, author: { username: 'streamdev' }, added: [], modified: ['worker/storage/jobs.ts'], removed: [] }],
    };
    expect((await deliver('push', push, 'delivery-cursor-fix')).status).toBe(200);
    expect(await rowCount()).toBe(before);
    const row = await env.DB.prepare('SELECT source, event_json FROM github_events WHERE event_id = ?').bind(cursorFix.id).first<{ source: string; event_json: string }>();
    expect(row!.source).toBe('webhook');
    expect(JSON.parse(row!.event_json).files).toEqual(['worker/storage/jobs.ts']);
  });

  it('enhances a transcribed clip with the matching events, stored in R2 with a summary', async () => {
    const clip = CLIPS.find((c) => c.id === 'CursorPaginationFinallyFixed')!;
    const now = new Date().toISOString();
    let item = await contentItemFromClip(helixClips('http://assets.test').find((c) => c.id === clip.id)!, now);
    for (const status of ['queued', 'audio_ready', 'transcribed'] as const) item = transition(item, status, now);
    await env.BUCKET.put(`transcripts/${clip.id}.json`, JSON.stringify({ clip_id: clip.id, language: 'en', text: clip.transcript.join(' '), segments: transcriptSegments(clip.id), transcriber: 'fixture', created_at: now }));
    await new ContentItemStore(env.DB, env.BUCKET).insert(item);

    const batch = createMessageBatch<unknown>('clip-recap-jobs', [{ id: 'enhance-1', timestamp: new Date(), attempts: 1, body: { type: 'clip.enhance', content_item_id: item.content_item_id } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['enhance-1']);

    const enhanced = (await storedItem(clip.id))!;
    expect(hasReached(enhanced, 'enhanced')).toBe(true);
    expect(enhanced.github_summary).toMatch(/^PR #12 merged, 1 commit in streamdev\/clip-recap \(best match \d+%\)$/);
    const context = await (await env.BUCKET.get(`github-context/${clip.id}.json`))!.json<{ matches: Array<{ event: { id: string }; confidence: number; reason: string }> }>();
    expect(context.matches.map((m) => m.event.id).sort()).toEqual([...clip.related].sort());
    expect(enhanced.github_context_size_bytes).toBe(JSON.stringify(context).length);
    const row = await env.DB.prepare('SELECT github_confidence FROM content_items WHERE clip_id = ?').bind(clip.id).first<{ github_confidence: number }>();
    expect(row!.github_confidence).toBe(Math.max(...context.matches.map((m) => m.confidence)));
  });

  it('queues the rematch for an event whose owner/name GitHub writes in another case than GITHUB_REPOS', async () => {
    const clip = CLIPS.find((c) => c.id === 'CursorPaginationFinallyFixed')!;
    const item = await waitFor('the score stage', async () => {
      const stored = (await storedItem(clip.id))!;
      return stored.processing_status === 'ready_for_content' ? stored : undefined;
    });
    const sent: unknown[] = [];
    const services = { ...createServices(parseEnv(env as never)), jobsQueue: { sendBatch: async (batch: Array<{ body: unknown }>) => void sent.push(...batch.map((m) => m.body)) } };
    const late = { ...GITHUB_EVENTS.find((e) => e.repo === 'streamdev/clip-recap' && e.type === 'push')!, repo: 'StreamDev/Clip-Recap', occurred_at: new Date(Date.parse(clip.created_at) + 60_000).toISOString() };
    expect(await enqueueRematches([late], services as never)).toBeGreaterThan(0);
    expect(sent).toContainEqual({ type: 'clip.rematch', content_item_id: item.content_item_id });
  });

  it('re-matches a matched clip when a late webhook brings an event inside its window, and only once per change', async () => {
    const clip = CLIPS.find((c) => c.id === 'CursorPaginationFinallyFixed')!;
    // Matched and scored (the score stage the enhance stage queued has run): done as far as the pipeline goes.
    const before = await waitFor('the score stage', async () => {
      const item = (await storedItem(clip.id))!;
      return item.processing_status === 'ready_for_content' ? item : undefined;
    });
    const lateCommit = {
      id: 'f'.repeat(40),
      message: 'Cursor pagination: cover the last page with a test (off by one follow-up)',
      timestamp: new Date(Date.parse(clip.created_at) + 5 * 60_000).toISOString(),
      url: `https://github.com/streamdev/clip-recap/commit/${'f'.repeat(40)}`,
      author: { username: 'streamdev' },
      added: [],
      modified: ['worker/storage/jobs.ts'],
      removed: [],
    };
    const push = { ref: 'refs/heads/main', repository: { full_name: 'streamdev/clip-recap' }, sender: { login: 'streamdev' }, commits: [lateCommit] };
    const response = await deliver('push', push, 'delivery-late-commit');
    expect(response.status).toBe(200);
    expect((await response.json<{ rematched_items: number }>()).rematched_items).toBe(1);

    const after = await waitFor('the re-match', async () => {
      const item = (await storedItem(clip.id))!;
      return item.github_summary !== before.github_summary ? item : undefined;
    });
    expect(after.github_summary).toMatch(/^PR #12 merged, 2 commits in streamdev\/clip-recap \(best match \d+%\)$/);
    expect(after.processing_status).toBe('ready_for_content');
    expect(after.content_score).toBe(before.content_score);
    const context = await (await env.BUCKET.get(`github-context/${clip.id}.json`))!.json<{ matches: Array<{ event: { sha?: string } }> }>();
    expect(context.matches.some((m) => m.event.sha === lateCommit.id)).toBe(true);

    // The same commit again (a new delivery): matched again, nothing left to change.
    const version = await env.DB.prepare('SELECT version FROM content_items WHERE clip_id = ?').bind(clip.id).first<{ version: number }>();
    expect((await deliver('push', push, 'delivery-late-commit-again')).status).toBe(200);
    const batch = createMessageBatch<unknown>('clip-recap-jobs', [{ id: 'rematch-1', timestamp: new Date(), attempts: 1, body: { type: 'clip.rematch', content_item_id: after.content_item_id } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['rematch-1']);
    expect(await env.DB.prepare('SELECT version FROM content_items WHERE clip_id = ?').bind(clip.id).first<{ version: number }>()).toEqual(version);
  });

  it("queues nothing for an event outside every matched clip's window", async () => {
    const far = { ref: 'refs/heads/main', repository: { full_name: 'streamdev/clip-recap' }, sender: { login: 'streamdev' }, commits: [{ id: 'e'.repeat(40), message: 'Unrelated, a month later', timestamp: '2026-02-05T12:00:00Z', url: `https://github.com/streamdev/clip-recap/commit/${'e'.repeat(40)}`, author: { username: 'streamdev' }, added: [], modified: [], removed: [] }] };
    const response = await deliver('push', far, 'delivery-far-commit');
    expect((await response.json<{ rematched_items: number }>()).rematched_items).toBe(0);
  });
});
