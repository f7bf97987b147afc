// Worker benchmarks against the real local worker (workerd with local D1/R2/Queues, served by Miniflare without
// wrangler dev's proxy in front; see startWorker's runtimes):
//   1. signed ack: signed async POST /api/content/generate next to unsigned GET /health, same worker, same run,
//      at concurrency 10 and 50 for a fixed duration, interleaved so machine noise hits both;
//   2. index lookup: sync generate queries (filters + sort) over 100,000 seeded items, with D1 rows read;
//   and what wrangler dev's proxy adds to a request, /health through it next to /health without it.
// The load generator runs in this process on the same 2-core machine: figures are relative, not production.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_ITEM_SCHEMA_VERSION, contentItemIdFor, signRequest, type ApiKey, type ContentItem } from '../../content-pipeline/index.ts';
import { localSigningKey } from '../lib/dev-vars.ts';
import { freePort } from '../lib/ports.ts';
import { cpuPerRequest, cpuSnapshot } from '../lib/process-cpu.ts';
import { applyMigrations, startWorker, type RunningWorker } from '../lib/worker-process.ts';
import { latencyStats, load, LoadClient, type PlainRequest } from './load.ts';

const GENERATE_BODY = JSON.stringify({ date_range: { start: '2026-01-05T00:00:00Z', end: '2026-01-06T00:00:00Z' }, content_type: 'daily_recap', mode: 'async' });

async function signedGenerate(key: ApiKey, body = GENERATE_BODY): Promise<PlainRequest> {
  const signed = await signRequest({ method: 'POST', url: '/api/content/generate', body, secret: key.secret, keyId: key.id });
  return { method: 'POST', path: '/api/content/generate', headers: signed.headers, body };
}

const HEALTH: PlainRequest = { method: 'GET', path: '/health' };

/** More signed requests than the load can send in `seconds` (above any /health rate seen here). */
const PRESIGNED_PER_SECOND = 1000;

/**
 * Signs the load's requests before its timed window, so the client's HMAC work (each request needs its own nonce
 * and timestamp) does not take CPU from the worker on the same two cores while it is measured; the unsigned load
 * has no such work either. Signatures stay valid for the 300 s skew window; past the pool it signs on the fly.
 */
async function presignedGenerate(key: ApiKey, seconds: number): Promise<() => Promise<PlainRequest>> {
  const pool = await Promise.all(Array.from({ length: Math.ceil(seconds * PRESIGNED_PER_SECOND) }, () => signedGenerate(key)));
  return async () => pool.pop() ?? signedGenerate(key);
}

/** Waits (up to 90 s) until the queue consumer has run every queued job, so the next measurement starts quiet. */
async function drainJobs(client: LoadClient, key: ApiKey): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const signed = await signRequest({ method: 'GET', url: '/api/jobs/stats', secret: key.secret, keyId: key.id });
    const stats = JSON.parse((await client.send({ method: 'GET', path: '/api/jobs/stats', headers: signed.headers })).body) as { jobs: { by_status: Record<string, number> } };
    if ((stats.jobs.by_status.queued ?? 0) + (stats.jobs.by_status.processing ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function benchSignedAck(worker: RunningWorker, seconds = 5): Promise<Record<string, unknown>> {
  const key = localSigningKey(undefined);
  const client = new LoadClient(worker.url);
  // Warm up both paths (isolate start, key import, statement caches).
  await load(client, () => HEALTH, 4, 1, 200);
  await load(client, () => signedGenerate(key), 4, 1, 202);
  const out: Record<string, unknown> = {};
  const pid = worker.process.pid!;
  for (const concurrency of [10, 50]) {
    await drainJobs(client, key);
    const beforeHealth = cpuSnapshot(pid);
    const unsigned = await load(client, () => HEALTH, concurrency, seconds, 200);
    const afterHealth = cpuSnapshot(pid);
    const nextSigned = await presignedGenerate(key, seconds);
    const beforeSigned = cpuSnapshot(pid);
    const signed = await load(client, nextSigned, concurrency, seconds, 202);
    const afterSigned = cpuSnapshot(pid);
    // The queue consumer runs the accepted jobs on the same two cores, during the load and after it.
    await drainJobs(client, key);
    const drained = cpuSnapshot(pid);
    out[`c${concurrency}`] = {
      signed_generate_async: signed,
      unsigned_health: unsigned,
      throughput_ratio: Math.round((signed.rps / Math.max(unsigned.rps, 0.001)) * 1000) / 1000,
      // Where each request's CPU went (ms, by program: workerd = the worker runtime, node = Miniflare's process
      // printing the worker's log lines, client = this load generator); the signed figure includes running its job,
      // `after_load` the part run after the load.
      cpu_ms_per_request: {
        unsigned_health: cpuPerRequest(beforeHealth, afterHealth, unsigned.requests),
        signed_generate_async: cpuPerRequest(beforeSigned, afterSigned, signed.requests),
        signed_jobs_after_load: cpuPerRequest(afterSigned, drained, signed.requests),
      },
    };
  }
  client.close();
  return out;
}

const DAY = 86_400_000;
const CATEGORIES = ['development', 'gaming', 'tutorial', 'review', 'other'] as const;
const STATUSES = ['ready_for_content', 'ready_for_content', 'ready_for_content', 'enhanced', 'failed'] as const;

/** Writes `count` content items straight into the local D1 file (the worker is stopped meanwhile). */
export async function seedItems(persistTo: string, count: number): Promise<void> {
  const dir = join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const file = readdirSync(dir).find((f) => f.endsWith('.sqlite'));
  if (!file) throw new Error(`no local D1 database under ${dir}`);
  const db = new DatabaseSync(join(dir, file));
  const insert = db.prepare(
    `INSERT INTO content_items (content_item_id, clip_id, platform, broadcaster_id, broadcaster_name, clip_created_at, processing_status, status_reason,
       content_category, clip_view_count, clip_duration, content_score, github_confidence, updated_at, item_json)
     VALUES (?, ?, 'twitch', '4242', 'StreamDev', ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const start = Date.parse('2025-01-01T00:00:00Z');
  db.exec('BEGIN');
  for (let i = 0; i < count; i++) {
    const createdMs = start + Math.floor((i / count) * 365 * DAY) + (i % 97) * 1000;
    const clipId = `bench-${i}`;
    const item: ContentItem = {
      schema_version: CONTENT_ITEM_SCHEMA_VERSION,
      content_item_id: await contentItemIdFor('twitch', clipId, createdMs),
      clip_id: clipId,
      clip_title: `Benchmark clip ${i}: refactoring the queue consumer`,
      clip_url: `https://clips.twitch.tv/${clipId}`,
      clip_embed_url: `https://clips.twitch.tv/embed?clip=${clipId}`,
      clip_thumbnail_url: `http://127.0.0.1:8787/assets/thumbnails/${clipId}.jpg`,
      clip_duration: 10 + (i % 80),
      clip_view_count: (i * 7919) % 5000,
      clip_created_at: new Date(createdMs).toISOString(),
      broadcaster_name: 'StreamDev',
      creator_name: 'viewer',
      platform: 'twitch',
      processing_status: STATUSES[i % STATUSES.length]!,
      content_score: (i * 37) % 100,
      content_category: CATEGORIES[i % CATEGORIES.length]!,
      content_tags: ['queue', 'workers'],
      github_confidence: ((i * 13) % 100) / 100,
      stored_at: new Date(createdMs).toISOString(),
      updated_at: new Date(createdMs).toISOString(),
    };
    insert.run(item.content_item_id, clipId, item.clip_created_at, item.processing_status, item.content_category!, item.clip_view_count, item.clip_duration, item.content_score!, item.github_confidence!, item.updated_at!, JSON.stringify(item));
  }
  db.exec('COMMIT');
  db.close();
}

const QUERIES = [
  { name: '1 day, newest first', body: { date_range: { start: '2025-06-01T00:00:00Z', end: '2025-06-02T00:00:00Z' } } },
  { name: '1 day, by score, min_views', body: { date_range: { start: '2025-06-01T00:00:00Z', end: '2025-06-02T00:00:00Z' }, sort_by: 'content_score', filters: { min_views: 100 } } },
  { name: '7 days, development, by views', body: { date_range: { start: '2025-06-01T00:00:00Z', end: '2025-06-08T00:00:00Z' }, sort_by: 'view_count', filters: { categories: ['development'], processing_status: ['ready_for_content'] } } },
  { name: '7 days, duration 20-60, confidence ≥ 0.5', body: { date_range: { start: '2025-06-01T00:00:00Z', end: '2025-06-08T00:00:00Z' }, sort_by: 'duration', sort_order: 'asc', filters: { min_duration: 20, max_duration: 60, min_confidence: 0.5 } } },
  { name: '30 days, newest first', body: { date_range: { start: '2025-06-01T00:00:00Z', end: '2025-07-01T00:00:00Z' } } },
];

// 200 requests per query: with 40, P95 was the second-slowest request and moved by milliseconds between runs.
// Each lookup is followed by an unsigned GET /health on the same worker, one request at a time like the lookups:
// the floor that the machine and workerd set, measured under the same drift as the query.
export async function benchIndexLookup(worker: RunningWorker, rounds = 200): Promise<Record<string, unknown>> {
  const key = localSigningKey(undefined);
  const client = new LoadClient(worker.url, 1);
  const results: Record<string, unknown> = {};
  for (const query of QUERIES) {
    const body = JSON.stringify({ content_type: 'daily_recap', limit: 20, ...query.body });
    const latencies: number[] = [];
    const healthLatencies: number[] = [];
    let rows = { page: 0, count: 0 };
    let total = 0;
    for (let i = 0; i < rounds + 3; i++) {
      const signed = await signRequest({ method: 'POST', url: '/api/content/generate', body, secret: key.secret, keyId: key.id });
      const started = performance.now();
      const response = await client.send({ method: 'POST', path: '/api/content/generate', headers: signed.headers, body });
      const elapsed = performance.now() - started;
      if (response.status !== 200) throw new Error(`${query.name}: HTTP ${response.status} ${response.body}`);
      const json = JSON.parse(response.body) as { pagination?: { total_items: number } };
      const healthStarted = performance.now();
      const health = await client.send(HEALTH);
      const healthElapsed = performance.now() - healthStarted;
      if (health.status !== 200) throw new Error(`/health: HTTP ${health.status}`);
      if (i < 3) continue; // warm-up
      latencies.push(elapsed);
      healthLatencies.push(healthElapsed);
      const header = /page=(\d+), count=(\d+)/.exec(String(response.headers['x-d1-rows-read'] ?? ''));
      rows = { page: Number(header?.[1]), count: Number(header?.[2]) };
      total = json.pagination?.total_items ?? 0;
    }
    const s = latencyStats(latencies, 0, 1);
    const h = latencyStats(healthLatencies, 0, 1);
    results[query.name] = {
      p50_ms: s.p50_ms,
      p95_ms: s.p95_ms,
      p99_ms: s.p99_ms,
      health_p50_ms: h.p50_ms,
      health_p95_ms: h.p95_ms,
      page_size: 20,
      total_items: total,
      rows_read_page: rows.page,
      rows_read_count: rows.count,
    };
  }
  client.close();
  return results;
}

/**
 * What wrangler dev's proxy (and its inspector) adds to a request: `GET /health` one at a time, alternately through
 * `wrangler dev` and straight to the Miniflare-served worker, both on the same local state. The figures above
 * leave that tooling out, as production has none; this keeps the difference on record.
 */
export async function benchDevProxy(worker: RunningWorker, persistTo: string, rounds = 300): Promise<Record<string, unknown>> {
  const devWorker = await startWorker({ port: await freePort(), persistTo, logFile: join(persistTo, 'wrangler-dev.log') });
  const direct = new LoadClient(worker.url, 1);
  const proxied = new LoadClient(devWorker.url, 1);
  try {
    const latencies = { direct: [] as number[], proxied: [] as number[] };
    for (let i = 0; i < rounds + 10; i++) {
      for (const [name, client] of [['direct', direct], ['proxied', proxied]] as const) {
        const started = performance.now();
        const response = await client.send(HEALTH);
        if (response.status !== 200) throw new Error(`/health (${name}): HTTP ${response.status}`);
        if (i >= 10) latencies[name].push(performance.now() - started);
      }
    }
    const pick = ({ p50_ms, p95_ms, p99_ms }: ReturnType<typeof latencyStats>) => ({ p50_ms, p95_ms, p99_ms });
    return { health_miniflare: pick(latencyStats(latencies.direct, 0, 1)), health_wrangler_dev: pick(latencyStats(latencies.proxied, 0, 1)) };
  } finally {
    direct.close();
    proxied.close();
    await devWorker.stop();
  }
}

/** Starts a fresh worker with `items` seeded, runs the API benchmarks, stops it. */
export async function benchApi(options: { items: number; seconds: number }): Promise<{ signed_ack: Record<string, unknown>; index_lookup: Record<string, unknown>; dev_proxy: Record<string, unknown> }> {
  const state = mkdtempSync(join(tmpdir(), 'clip-recap-bench-'));
  try {
    await applyMigrations(state);
    await seedItems(state, options.items);
    const worker = await startWorker({ port: await freePort(), persistTo: state, runtime: 'miniflare', logFile: join(state, 'worker.log') });
    try {
      // Index lookups first: the signed-ack load leaves hundreds of async jobs for the queue consumer to run,
      // which would compete with the lookups for the same D1.
      const index_lookup = await benchIndexLookup(worker);
      const signed_ack = await benchSignedAck(worker, options.seconds);
      const dev_proxy = await benchDevProxy(worker, state);
      return { signed_ack, index_lookup, dev_proxy };
    } finally {
      await worker.stop();
    }
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}
