// Worker benchmarks against the real local worker (wrangler dev on workerd, local D1/R2/Queues):
//   1. signed ack: signed async POST /api/content/generate next to unsigned GET /health, same worker, same run,
//      at concurrency 10 and 50 for a fixed duration, interleaved so machine noise hits both;
//   2. index lookup: sync generate queries (filters + sort) over 100,000 seeded items, with D1 rows read.
// The load generator runs in this process on the same 2-core machine: figures are relative, not production.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_ITEM_SCHEMA_VERSION, contentItemIdFor, signRequest, type ApiKey, type ContentItem } from '../../content-pipeline/index.ts';
import { localSigningKey } from '../lib/dev-vars.ts';
import { freePort } from '../lib/ports.ts';
import { cpuPerRequest, cpuSnapshot } from '../lib/process-cpu.ts';
import { startWorker, type RunningWorker } from '../lib/worker-process.ts';

export interface LatencyStats {
  requests: number;
  errors: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

function stats(latencies: number[], errors: number, seconds: number): LatencyStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 100) / 100;
  return { requests: latencies.length, errors, rps: Math.round((latencies.length / seconds) * 10) / 10, p50_ms: at(0.5), p95_ms: at(0.95), p99_ms: at(0.99) };
}

/** `concurrency` loops sending `makeRequest()` for `seconds`; latency is request start to body read. */
async function load(makeRequest: () => Promise<Request>, concurrency: number, seconds: number, expectStatus: number): Promise<LatencyStats> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const request = await makeRequest();
        const started = performance.now();
        try {
          const response = await fetch(request);
          await response.arrayBuffer();
          if (response.status === expectStatus) latencies.push(performance.now() - started);
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return stats(latencies, errors, seconds);
}

const GENERATE_BODY = JSON.stringify({ date_range: { start: '2026-01-05T00:00:00Z', end: '2026-01-06T00:00:00Z' }, content_type: 'daily_recap', mode: 'async' });

async function signedGenerate(base: string, key: ApiKey, body = GENERATE_BODY): Promise<Request> {
  const signed = await signRequest({ method: 'POST', url: '/api/content/generate', body, secret: key.secret, keyId: key.id });
  return new Request(`${base}/api/content/generate`, { method: 'POST', headers: signed.headers, body });
}

/** More signed requests than the load can send in `seconds` (above any /health rate seen here). */
const PRESIGNED_PER_SECOND = 1000;

/**
 * Signs the load's requests before its timed window, so the client's HMAC work (each request needs its own nonce
 * and timestamp) does not take CPU from the worker on the same two cores while it is measured; the unsigned load
 * has no such work either. Signatures stay valid for the 300 s skew window; past the pool it signs on the fly.
 */
async function presignedGenerate(base: string, key: ApiKey, seconds: number): Promise<() => Promise<Request>> {
  const pool = await Promise.all(Array.from({ length: Math.ceil(seconds * PRESIGNED_PER_SECOND) }, () => signedGenerate(base, key)));
  return async () => pool.pop() ?? signedGenerate(base, key);
}

/** Waits (up to 90 s) until the queue consumer has run every queued job, so the next measurement starts quiet. */
async function drainJobs(base: string, key: ApiKey): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const signed = await signRequest({ method: 'GET', url: '/api/jobs/stats', secret: key.secret, keyId: key.id });
    const stats = (await (await fetch(`${base}/api/jobs/stats`, { headers: signed.headers })).json()) as { jobs: { by_status: Record<string, number> } };
    if ((stats.jobs.by_status.queued ?? 0) + (stats.jobs.by_status.processing ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function benchSignedAck(worker: RunningWorker, seconds = 5): Promise<Record<string, unknown>> {
  const key = localSigningKey(undefined);
  const health = () => Promise.resolve(new Request(`${worker.url}/health`));
  // Warm up both paths (isolate start, key import, statement caches).
  await load(health, 4, 1, 200);
  await load(() => signedGenerate(worker.url, key), 4, 1, 202);
  const out: Record<string, unknown> = {};
  const pid = worker.process.pid!;
  for (const concurrency of [10, 50]) {
    await drainJobs(worker.url, key);
    const beforeHealth = cpuSnapshot(pid);
    const unsigned = await load(health, concurrency, seconds, 200);
    const afterHealth = cpuSnapshot(pid);
    const nextSigned = await presignedGenerate(worker.url, key, seconds);
    const beforeSigned = cpuSnapshot(pid);
    const signed = await load(nextSigned, concurrency, seconds, 202);
    const afterSigned = cpuSnapshot(pid);
    // The queue consumer runs the accepted jobs on the same two cores, during the load and after it.
    await drainJobs(worker.url, key);
    const drained = cpuSnapshot(pid);
    out[`c${concurrency}`] = {
      signed_generate_async: signed,
      unsigned_health: unsigned,
      throughput_ratio: Math.round((signed.rps / Math.max(unsigned.rps, 0.001)) * 1000) / 1000,
      // Where each request's CPU went (ms, by program: workerd = the worker runtime, node = wrangler's dev tooling
      // and the client); the signed figure includes running its job, `after_load` the part run after the load.
      cpu_ms_per_request: {
        unsigned_health: cpuPerRequest(beforeHealth, afterHealth, unsigned.requests),
        signed_generate_async: cpuPerRequest(beforeSigned, afterSigned, signed.requests),
        signed_jobs_after_load: cpuPerRequest(afterSigned, drained, signed.requests),
      },
    };
  }
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
// the floor that the machine, wrangler's proxy and workerd set, measured under the same drift as the query.
export async function benchIndexLookup(worker: RunningWorker, rounds = 200): Promise<Record<string, unknown>> {
  const key = localSigningKey(undefined);
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
      const response = await fetch(`${worker.url}/api/content/generate`, { method: 'POST', headers: signed.headers, body });
      const json = (await response.json()) as { pagination?: { total_items: number } };
      const elapsed = performance.now() - started;
      if (response.status !== 200) throw new Error(`${query.name}: HTTP ${response.status} ${JSON.stringify(json)}`);
      const healthStarted = performance.now();
      const health = await fetch(`${worker.url}/health`);
      await health.arrayBuffer();
      const healthElapsed = performance.now() - healthStarted;
      if (health.status !== 200) throw new Error(`/health: HTTP ${health.status}`);
      if (i < 3) continue; // warm-up
      latencies.push(elapsed);
      healthLatencies.push(healthElapsed);
      const header = /page=(\d+), count=(\d+)/.exec(response.headers.get('X-D1-Rows-Read') ?? '');
      rows = { page: Number(header?.[1]), count: Number(header?.[2]) };
      total = json.pagination?.total_items ?? 0;
    }
    const s = stats(latencies, 0, 1);
    const h = stats(healthLatencies, 0, 1);
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
  return results;
}

/** Starts a fresh worker with `items` seeded, runs both API benchmarks, stops it. */
export async function benchApi(options: { items: number; seconds: number }): Promise<{ signed_ack: Record<string, unknown>; index_lookup: Record<string, unknown> }> {
  const state = mkdtempSync(join(tmpdir(), 'clip-recap-bench-'));
  const port = await freePort();
  try {
    let worker = await startWorker({ port, persistTo: state });
    await worker.stop();
    await seedItems(state, options.items);
    worker = await startWorker({ port, persistTo: state });
    try {
      // Index lookups first: the signed-ack load leaves hundreds of async jobs for the queue consumer to run,
      // which would compete with the lookups for the same D1.
      const index_lookup = await benchIndexLookup(worker);
      const signed_ack = await benchSignedAck(worker, options.seconds);
      return { signed_ack, index_lookup };
    } finally {
      await worker.stop();
    }
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}
