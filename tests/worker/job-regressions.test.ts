// Regressions found by the job-system property test (job-lifecycle.property.test.ts), each a minimal schedule.
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runHousekeeping } from '../../worker/cron/housekeeping.ts';
import { jobHandlers, JOB_LEASE_MS, PermanentJobError, runJobMessage } from '../../worker/jobs/runner.ts';
import { startJob } from '../../worker/jobs/start.ts';
import { gate, jobRow, servicesAt } from './support-pipeline.ts';


beforeEach(async () => {
  await env.DB.prepare('DELETE FROM jobs').run();
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe('a run that lost its lease', () => {
  it('does not fail the job another worker has claimed since, when its handler throws a PermanentJobError', async () => {
    const clock = { t: Date.now() };
    const { services } = servicesAt(clock);
    const previous = jobHandlers.github_backfill;
    const gates = [gate(), gate()];
    let runs = 0;
    jobHandlers.github_backfill = async ({ progress }) => {
      const run = runs++;
      await progress('start', 0, 1);
      gates[run]!.entered();
      await gates[run]!.opened;
      if (run === 0) throw new PermanentJobError('stale run: bad data'); // run 1 no longer holds the job
      await progress('write', 1, 1);
      return { run };
    };
    try {
      const job = await services.jobs.create('github_backfill', {}, clock.t, services.jobTtlMs);
      const message = { type: 'job.run' as const, job_id: job.job_id };
      // 1. deliver -> run A claims and stalls; 2. its lease lapses; 3. redelivery -> run B claims (live lease).
      const a = runJobMessage(message, services);
      await gates[0]!.reached;
      clock.t += JOB_LEASE_MS + 1000;
      const b = runJobMessage(message, services);
      await gates[1]!.reached;
      const heldByB = (await jobRow(job.job_id))!.worker_id;
      // 4. A's handler throws a PermanentJobError after it lost the job: it must leave B's job alone.
      gates[0]!.open();
      await a;
      const afterA = await jobRow(job.job_id);
      gates[1]!.open();
      await b.catch(() => undefined);
      const final = await jobRow(job.job_id);
      // Expected (runner.ts header; release() is worker-scoped): a run that lost its lease changes nothing; B completes.
      expect({ afterA: { status: afterA!.status, worker_id: afterA!.worker_id }, final: { status: final!.status, results: final!.results } }).toEqual({
        afterA: { status: 'processing', worker_id: heldByB },
        final: { status: 'completed', results: '{"run":1}' },
      });
    } finally {
      jobHandlers.github_backfill = previous;
    }
  });
});

describe('housekeeping and held-back job messages', () => {
  it('does not send early the message of a job started with a delay (a held-back message is not lost)', async () => {
    const clock = { t: Date.now() };
    const { services, sent } = servicesAt(clock);
    // daily-run.ts: recap_publish jobs are held back RECAP_PUBLISH_DELAY_MINUTES (default 120) "for the stages above to run".
    const job = await startJob(services, 'recap_publish', { content_type: 'daily_recap', date_range: { start: '2026-03-02T00:00:00.000Z', end: '2026-03-03T00:00:00.000Z' } }, 120 * 60);
    sent.length = 0; // the held-back send itself
    clock.t += 16 * 60_000; // a manual POST /api/jobs/cleanup (or the 12-hourly cron) 16 minutes later
    const result = await runHousekeeping(services);
    // Expected (JobStore.staleQueued: "their job.run message was lost"): nothing to resend; the held message is due in 104 min.
    expect({ resent: result.resent_jobs, sent }).toEqual({ resent: 0, sent: [] });
    expect((await jobRow(job.job_id))!.status).toBe('queued');
  });
});
