// Model-based property test of the job system: a random schedule of deliveries (duplicates, after completion),
// handler outcomes, clock moves, heartbeats, housekeeping, dead letters and status reads, interpreted against the
// real consumer, runner, D1 and R2. Invariants: status moves only queued <-> processing -> completed | failed and never
// leaves a terminal state; completed carries results that match the one side effect; a run that lost the job changes
// nothing; after a drain (queue delivering, housekeeping past its deadlines) the job ends completed or failed.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runHousekeeping } from '../../worker/cron/housekeeping.ts';
import { jobHandlers, JOB_LEASE_MS, PermanentJobError } from '../../worker/jobs/runner.ts';
import { startJob } from '../../worker/jobs/start.ts';
import { consumeBatch, DEAD_LETTER_QUEUE } from '../../worker/queue/consumer.ts';
import { signedFetch } from './support.ts';
import { servicesAt } from './support-pipeline.ts';

type Outcome = 'ok' | 'transient' | 'permanent' | 'partial' | 'slow' | 'slowPermanent' | 'slowTransient';
type Cmd =
  | { t: 'deliver'; i: number }
  | { t: 'duplicate'; i: number }
  | { t: 'dead'; i: number }
  | { t: 'clock'; ms: number }
  | { t: 'heartbeat' }
  | { t: 'housekeeping' }
  | { t: 'open'; i: number }
  | { t: 'status' };

const outcomeArb = fc.constantFrom<Outcome>('ok', 'transient', 'permanent', 'partial', 'slow', 'slowPermanent', 'slowTransient');
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.nat(5).map((i) => ({ t: 'deliver' as const, i })) },
  { weight: 1, arbitrary: fc.nat(5).map((i) => ({ t: 'duplicate' as const, i })) },
  { weight: 1, arbitrary: fc.nat(3).map((i) => ({ t: 'dead' as const, i })) },
  { weight: 2, arbitrary: fc.constantFrom(5_000, 60_000, JOB_LEASE_MS + 5_000, 16 * 60_000).map((ms) => ({ t: 'clock' as const, ms })) },
  { weight: 1, arbitrary: fc.constant({ t: 'heartbeat' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'housekeeping' as const }) },
  { weight: 2, arbitrary: fc.nat(3).map((i) => ({ t: 'open' as const, i })) },
  { weight: 1, arbitrary: fc.constant({ t: 'status' as const }) },
);

interface QMsg { id: string; body: unknown; attempts: number }
const MAX_ATTEMPTS = 6; // 5 retries (docs/storage.md), then the dead-letter queue

function batchOf(queue: string, m: QMsg, result: { acked?: boolean; retried?: boolean }): MessageBatch {
  const message = {
    id: m.id, timestamp: new Date(), body: m.body, attempts: m.attempts,
    ack: () => void (result.acked = true), retry: () => void (result.retried = true),
  };
  return { queue, messages: [message], ackAll: () => void (result.acked = true), retryAll: () => void (result.retried = true) } as unknown as MessageBatch;
}

const rowOf = (id: string) => env.DB.prepare('SELECT * FROM jobs WHERE job_id = ?').bind(id).first<Record<string, any>>();

async function runSchedule(outcomes: Outcome[], cmds: Cmd[]): Promise<void> {
  const clock = { t: Date.now() };
  const { services, sent } = servicesAt(clock);
  const plan = [...outcomes];
  const effects: number[] = []; // runs whose side effect (an R2 object) happened
  const violations: string[] = [];
  const gates: Array<{ open: () => void; done: Promise<void>; p?: Promise<void> }> = [];
  let runs = 0;
  let drained = false;
  jobHandlers.github_backfill = async ({ job, progress }) => {
    const run = runs++;
    const me = job.worker_id;
    const outcome = drained ? 'ok' : (plan.shift() ?? 'ok');
    await progress('start', 0, 2);
    if (outcome.startsWith('slow')) {
      let open!: () => void;
      const opened = new Promise<void>((r) => (open = r));
      gates.push({ open, done: opened });
      await opened;
    }
    const holds = async () => (await rowOf(job.job_id))?.worker_id === me;
    if (outcome === 'transient' || outcome === 'slowTransient') throw new Error('transient');
    if (outcome === 'permanent' || outcome === 'slowPermanent') {
      const before = await rowOf(job.job_id);
      if (before?.worker_id !== me && (before?.status === 'processing' || before?.status === 'queued')) {
        lostPermanent.push({ run, statusBefore: before.status });
      }
      throw new PermanentJobError('permanent');
    }
    if (outcome === 'partial') {
      await env.BUCKET.put(`prop-partial/${job.job_id}/${run}`, 'x');
      throw new Error('after a partial write');
    }
    await progress('write', 1, 2); // the protocol: check the lease before the side effect
    void holds;
    await env.BUCKET.put(`prop-side/${job.job_id}/${run}`, 'x');
    effects.push(run);
    return { run };
  };
  const lostPermanent: Array<{ run: number; statusBefore: string }> = [];

  const job = await startJob(services, 'github_backfill', {});
  const queue: QMsg[] = [];
  const dlq: QMsg[] = [];
  let nextId = 0;
  const pull = () => { while (sent.length) queue.push({ id: `m${nextId++}`, body: sent.shift(), attempts: 0 }); };
  const history: string[] = [];
  let terminal: { status: string; results: string | null } | undefined;

  async function observe(label: string) {
    const row = await rowOf(job.job_id);
    if (!row) return;
    const status = row.status as string;
    history.push(`${label}:${status}`);
    if (terminal && (terminal.status !== status || terminal.results !== row.results)) violations.push(`left terminal ${terminal.status} -> ${status} after ${label}`);
    if (status === 'completed') {
      if (row.results === null) violations.push('completed without results');
      else if (effects.length !== 1 || JSON.parse(row.results).run !== effects[0]) violations.push(`completed with results ${row.results} but side effects ${JSON.stringify(effects)}`);
    }
    if (status === 'failed' && effects.length > 0) violations.push(`failed although run ${effects} did its side effect`);
    if (effects.length > 1) violations.push(`side effect ran ${effects.length} times`);
    if ((status === 'completed' || status === 'failed') && !terminal) terminal = { status, results: row.results };
  }

  async function deliver(m: QMsg, dead: boolean) {
    const result: { acked?: boolean; retried?: boolean } = {};
    m.attempts++;
    const p = consumeBatch(batchOf(dead ? DEAD_LETTER_QUEUE : 'clip-recap-jobs', m, result), services).then(() => {
      if (dead) return;
      if (result.retried) (m.attempts >= MAX_ATTEMPTS ? dlq : queue).push(m);
    });
    // A run parked at a gate leaves its delivery pending; everything else finishes before the next command.
    const parkedBefore = gates.length;
    await Promise.race([p, (async () => { while (gates.length === parkedBefore) await scheduler.wait(1); })()]);
    if (gates.length > parkedBefore) gates[gates.length - 1]!.p = p; else await p;
  }

  pull();
  for (const [n, c] of cmds.entries()) {
    const label = `${n}:${JSON.stringify(c)}`;
    if (c.t === 'deliver' && queue.length) await deliver(queue.splice(c.i % queue.length, 1)[0]!, false);
    else if (c.t === 'duplicate' && queue.length) await deliver({ ...queue[c.i % queue.length]!, id: `dup${nextId++}` }, false);
    else if (c.t === 'dead' && dlq.length) await deliver(dlq.splice(c.i % dlq.length, 1)[0]!, true);
    else if (c.t === 'clock') clock.t += c.ms;
    else if (c.t === 'heartbeat') { vi.advanceTimersByTime(30_000); await scheduler.wait(5); }
    else if (c.t === 'housekeeping') await runHousekeeping(services);
    else if (c.t === 'open' && gates.length) {
      const g = gates.splice(c.i % gates.length, 1)[0]!;
      g.open();
      await g.p;
    } else if (c.t === 'status') {
      const r = await signedFetch('GET', `/api/jobs/${job.job_id}/status`);
      const body = await r.json<{ status?: string; results?: unknown }>();
      if (r.status === 200 && body.status === 'completed' && body.results === undefined) violations.push('status API: completed without results');
    }
    pull();
    await observe(label);
  }
  // Drain: every parked run goes on, the queue keeps delivering, housekeeping runs past every deadline.
  drained = true;
  while (gates.length) { const g = gates.shift()!; g.open(); await g.p; }
  await observe('drain-open');
  for (let round = 0; round < 12 && !terminal; round++) {
    pull();
    while (queue.length) await deliver(queue.shift()!, false);
    while (dlq.length) await deliver(dlq.shift()!, true);
    while (gates.length) { const g = gates.shift()!; g.open(); await g.p; }
    clock.t += 16 * 60_000;
    await runHousekeeping(services);
    await observe(`drain-${round}`);
  }
  if (!terminal) violations.push(`not finished after the drain: ${(await rowOf(job.job_id))?.status}`);
  for (const l of lostPermanent) {
    // A run that lost the job threw a PermanentJobError; it must not have decided the job's fate.
    if (terminal?.status === 'failed' && (await rowOf(job.job_id))?.error_message === 'permanent' && l) violations.push(`run ${l.run} failed the job after losing it (job was ${l.statusBefore})`);
  }
  if (violations.length) throw new Error(`${violations.join('; ')}\nhistory: ${history.join(' ')}`);
}

beforeEach(async () => {
  await env.DB.prepare('DELETE FROM jobs').run();
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
const previous = jobHandlers.github_backfill;
afterEach(() => {
  jobHandlers.github_backfill = previous;
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('job lifecycle (model-based)', () => {
  it('keeps every invariant under random deliveries, outcomes (permanent failures of runs that lost their lease among them), clock jumps and housekeeping', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(outcomeArb, { maxLength: 6 }),
        fc.array(cmdArb, { minLength: 1, maxLength: 18 }),
        async (outcomes, cmds) => {
          await env.DB.prepare('DELETE FROM jobs').run();
          await runSchedule(outcomes, cmds);
        },
      ),
      { seed: 20260302, numRuns: 100 },
    );
  }, 120_000);
});
