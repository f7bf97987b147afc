// Housekeeping shared by the 12-hourly cron and POST /api/jobs/cleanup: expired jobs, nonces, idempotency records,
// jobs whose worker died, jobs whose message was lost, and GitHub rematches a stopped run left.
import { log } from '../log.ts';
import { enqueue } from '../pipeline/enqueue.ts';
import { requeueStaleRematches } from '../pipeline/rematch.ts';
import type { Services } from '../services.ts';

/** A job still queued this long after it was stored or handed back has lost its `job.run` message. */
const LOST_MESSAGE_MS = 15 * 60_000;

export interface HousekeepingResult {
  deleted_jobs: number;
  deleted_nonces: number;
  deleted_idempotency_records: number;
  recovered_jobs: number;
  failed_stuck_jobs: number;
  /** Jobs left queued without a message (its send failed): sent again. */
  resent_jobs: number;
  /** Matched items queued for a rematch that a stopped webhook or backfill run had not queued. */
  requeued_rematches: number;
}

export async function runHousekeeping(services: Services): Promise<HousekeepingResult> {
  const now = services.clock();
  const [jobs, nonces, idempotency, stuck] = await Promise.all([
    services.jobs.deleteExpired(new Date(now).toISOString()),
    services.nonces.sweep(now),
    services.idempotency.sweep(now),
    services.jobs.recoverStuck(now),
  ]);
  const lost = await services.jobs.staleQueued(now - LOST_MESSAGE_MS, now);
  await enqueue(services.jobsQueue, [...stuck.requeued, ...lost].map((job_id) => ({ type: 'job.run' as const, job_id })));
  const rematches = await requeueStaleRematches(services);
  const result = {
    deleted_jobs: jobs.length,
    deleted_nonces: nonces,
    deleted_idempotency_records: idempotency,
    recovered_jobs: stuck.requeued.length,
    failed_stuck_jobs: stuck.failed.length,
    resent_jobs: lost.length,
    requeued_rematches: rematches,
  };
  log('info', 'housekeeping', { ...result });
  if (stuck.failed.length > 0) await services.notify(`${stuck.failed.length} job(s) failed after their workers stopped responding: ${stuck.failed.join(', ')}`);
  if (jobs.length > services.config.discordCleanupThreshold) await services.notify(`Cleanup removed ${jobs.length} expired jobs.`);
  return result;
}
