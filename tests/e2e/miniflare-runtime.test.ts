// The runtime the benchmark measures: wrangler's bundle of the worker served by Miniflare alone. It must be the
// same worker as `wrangler dev` serves (bindings, migrated local state, queue consumer, vars), or the benchmark
// would measure something else.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../scripts/lib/api-client.ts';
import { localSigningKey } from '../../scripts/lib/dev-vars.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { processTree } from '../../scripts/lib/process-tree.ts';
import { startWorker, type RunningWorker } from '../../scripts/lib/worker-process.ts';

const state = mkdtempSync(join(tmpdir(), 'clip-recap-miniflare-'));
const logFile = join(state, 'worker.log');
let worker: RunningWorker;

beforeAll(async () => {
  worker = await startWorker({ port: await freePort(), persistTo: state, runtime: 'miniflare', logFile, vars: { ENVIRONMENT: 'test' } });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  rmSync(state, { recursive: true, force: true });
});

describe("startWorker({ runtime: 'miniflare' })", () => {
  it('serves the worker on workerd alone, with local D1, R2 and the queue, and the vars it was given', async () => {
    const health = await (await fetch(`${worker.url}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', environment: 'test', checks: { d1: { ok: true }, r2: { ok: true }, queue: { ok: true } } });
    expect(worker.migrationsApplied).toBe(true);
    // One workerd, no wrangler: nothing stands between the client and the worker.
    const programs = processTree(worker.process.pid!).map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
    expect(programs.filter((command) => /\/workerd /.test(command))).toHaveLength(1);
    expect(programs.some((command) => command.includes('wrangler'))).toBe(false);
    // Local state where `wrangler dev --persist-to` keeps it, so migrations and seeded data are the ones it reads.
    expect(existsSync(join(state, 'v3', 'd1'))).toBe(true);
  });

  it('runs a signed async job through its queue consumer, and logs the auth line', async () => {
    const api = new ApiClient(worker.url, localSigningKey(undefined));
    const accepted = await api.request<{ job_id: string; status_url: string }>('POST', '/api/content/generate', {
      date_range: { start: '2026-01-05T00:00:00Z', end: '2026-01-06T00:00:00Z' },
      content_type: 'daily_recap',
      mode: 'async',
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.status_url).toBe(`${worker.url}/api/jobs/${accepted.body.job_id}/status`);
    const done = await api.waitForJob(accepted.body.job_id, 30_000);
    expect(done.status).toBe('completed');
    expect(readFileSync(logFile, 'utf8')).toMatch(/"event":"auth".*"outcome":"accepted"/);
  }, 40_000);

  it('stops with its workerd', async () => {
    const pids = processTree(worker.process.pid!);
    await worker.stop();
    const alive = pids.filter((pid) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '));
    expect(alive).toEqual([]);
  });
});
