// D1 repository of jobs (table jobs): the spec's JobState and its lifecycle queued → processing →
// completed | failed. Every transition is one conditional UPDATE, so two workers can never both own a job.
import { ulid } from 'ulid';
import type { JobKind, JobProgress, JobState } from '../../content-pipeline/index.ts';
import { jobFromRow, type JobRow } from './job-row.ts';
import { JobResults } from './job-results.ts';

/** Rows deleted per statement, well inside D1's per-query limits. */
const DELETE_BATCH = 500;
/** After this many recoveries from a dead worker, a job is failed instead of retried again. */
export const MAX_RECOVERIES = 3;

/** Past its expires_at: gone for callers and never run, though housekeeping deletes it only every 12 hours. */
export const isExpired = (job: Pick<JobState, 'expires_at'>, nowMs: number): boolean => Date.parse(job.expires_at) <= nowMs;

const iso = (ms: number) => new Date(ms).toISOString();

export interface JobPage {
  jobs: JobState[];
  has_next: boolean;
  has_prev: boolean;
}

export class JobStore {
  private readonly db: D1Database;
  /** Results too large for a row live in R2 (job-results.ts). */
  private readonly stored: JobResults;

  constructor(db: D1Database, bucket: R2Bucket) {
    this.db = db;
    this.stored = new JobResults(bucket);
  }

  /** The job with its results read back from R2 when they live there. */
  async withResults(job: JobState): Promise<JobState> {
    return job.results === undefined ? job : { ...job, results: await this.stored.read(job.results) };
  }

  /** A new job record and the statement that stores it (for callers that batch it with other work). */
  prepareCreate(kind: JobKind, request: unknown, nowMs: number, ttlMs: number, runAfterMs?: number): { job: JobState; statement: D1PreparedStatement } {
    const job: JobState = {
      job_id: ulid(nowMs),
      kind,
      status: 'queued',
      created_at: iso(nowMs),
      updated_at: iso(nowMs),
      expires_at: iso(nowMs + ttlMs),
      request_data: JSON.stringify(request),
    };
    const statement = this.db
      .prepare(`INSERT INTO jobs (job_id, kind, status, created_at, updated_at, expires_at, request_data, run_after) VALUES (?1, ?2, 'queued', ?3, ?3, ?4, ?5, ?6)`)
      .bind(job.job_id, kind, job.created_at, job.expires_at, job.request_data, runAfterMs === undefined ? null : iso(runAfterMs));
    return { job, statement };
  }

  /** A queued job; `runAfterMs` when its message is sent held back until then. */
  async create(kind: JobKind, request: unknown, nowMs: number, ttlMs: number, runAfterMs?: number): Promise<JobState> {
    const { job, statement } = this.prepareCreate(kind, request, nowMs, ttlMs, runAfterMs);
    await statement.run();
    return job;
  }

  /**
   * A job completed at once with its results (a sync call that is still recorded), and the statement that stores
   * it. Results too large for the row are put to R2 first, after `beforeR2` (e.g. settling the request's nonce).
   */
  async prepareCompleted(
    kind: JobKind,
    request: unknown,
    nowMs: number,
    ttlMs: number,
    results: unknown,
    beforeR2: () => Promise<void> = async () => {},
  ): Promise<{ job: JobState; statement: D1PreparedStatement }> {
    const { job } = this.prepareCreate(kind, request, nowMs, ttlMs);
    const stored = await this.stored.storable(job.job_id, results, beforeR2);
    const done: JobState = { ...job, status: 'completed', started_at: job.created_at, completed_at: job.created_at, results: stored };
    const statement = this.db
      .prepare(
        `INSERT INTO jobs (job_id, kind, status, created_at, updated_at, expires_at, request_data, results, started_at, completed_at)
         VALUES (?1, ?2, 'completed', ?3, ?3, ?4, ?5, ?6, ?3, ?3)`,
      )
      .bind(done.job_id, kind, done.created_at, done.expires_at, done.request_data, stored);
    return { job: done, statement };
  }

  async get(jobId: string): Promise<JobState | null> {
    const row = await this.db.prepare('SELECT * FROM jobs WHERE job_id = ?1').bind(jobId).first<JobRow>();
    return row ? jobFromRow(row) : null;
  }

  /**
   * Takes a queued job (or one whose previous worker's lease ran out) for `workerId` and returns it; null when the
   * job is finished, unknown, or held by a live worker.
   */
  async claim(jobId: string, workerId: string, nowMs: number, leaseMs: number): Promise<JobState | null> {
    const row = await this.db
      .prepare(
        `UPDATE jobs SET status = 'processing', worker_id = ?2, started_at = COALESCE(started_at, ?3), updated_at = ?3,
           lease_expires_at = ?4
         WHERE job_id = ?1 AND (status = 'queued' OR (status = 'processing' AND lease_expires_at < ?3)) AND expires_at > ?3
         RETURNING *`,
      )
      .bind(jobId, workerId, iso(nowMs), iso(nowMs + leaseMs))
      .first<JobRow>();
    return row ? jobFromRow(row) : null;
  }

  /**
   * Records progress and extends the lease of a job this worker holds; false when it no longer does (another worker
   * claimed it after the lease lapsed). A job housekeeping handed back to the queue that nobody claimed since is
   * still this worker's (`worker_id` unchanged): it takes it back.
   */
  async progress(jobId: string, workerId: string, progress: JobProgress, nowMs: number, leaseMs: number): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE jobs SET status = 'processing', progress_step = ?3, progress_current = ?4, progress_total = ?5, updated_at = ?6,
           lease_expires_at = ?7
         WHERE job_id = ?1 AND worker_id = ?2 AND status IN ('processing', 'queued')`,
      )
      .bind(jobId, workerId, progress.step, progress.current, progress.total, iso(nowMs), iso(nowMs + leaseMs))
      .run();
    return result.meta.changes === 1;
  }

  /**
   * Extends the lease of a job this worker holds (the runner's heartbeat); false when it no longer holds it. Only a
   * job still `processing`: a tick racing the run's own release must not take a handed-back job again.
   */
  async renewLease(jobId: string, workerId: string, nowMs: number, leaseMs: number): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE jobs SET lease_expires_at = ?3
         WHERE job_id = ?1 AND worker_id = ?2 AND status = 'processing'`,
      )
      .bind(jobId, workerId, iso(nowMs + leaseMs))
      .run();
    return result.meta.changes === 1;
  }

  /** Completes a job this worker holds, or held and nobody has claimed since; false when another worker has it. */
  async complete(jobId: string, workerId: string, results: unknown, nowMs: number): Promise<boolean> {
    const stored = await this.stored.storable(jobId, results);
    return this.stored.writeOrDiscard(stored, async () => {
      const result = await this.db
        .prepare(
          `UPDATE jobs SET status = 'completed', results = ?3, completed_at = ?4, updated_at = ?4, lease_expires_at = NULL,
             error_message = NULL
           WHERE job_id = ?1 AND worker_id = ?2 AND status IN ('processing', 'queued')`,
        )
        .bind(jobId, workerId, stored, iso(nowMs))
        .run();
      return result.meta.changes === 1;
    });
  }

  /**
   * Completes a job nobody holds (queued, or processing with a lapsed lease) with `results`, without a claim: for
   * read-only jobs (worker/jobs/runner.ts). False when it was already finished, failed, expired or is held.
   */
  async completeOpen(jobId: string, results: unknown, nowMs: number): Promise<boolean> {
    const stored = await this.stored.storable(jobId, results);
    // A batch of one, so the completions of jobs run side by side share a round trip (coalesced-batches.ts).
    const statement = this.db
      .prepare(
        `UPDATE jobs SET status = 'completed', results = ?2, started_at = COALESCE(started_at, ?3), completed_at = ?3, updated_at = ?3,
           worker_id = NULL, lease_expires_at = NULL, error_message = NULL
         WHERE job_id = ?1 AND (status = 'queued' OR (status = 'processing' AND lease_expires_at < ?3)) AND expires_at > ?3`,
      )
      .bind(jobId, stored, iso(nowMs));
    return this.stored.writeOrDiscard(stored, async () => (await this.db.batch([statement]))[0]!.meta.changes === 1);
  }

  /**
   * Newest first, keyset-paginated by job id (ULIDs sort by creation), optionally by status. `direction: 'prev'`
   * walks back towards newer jobs from the cursor. No COUNT over the table; stable when jobs are added meanwhile.
   */
  async list(options: { limit: number; status?: string; cursor?: string; direction: 'next' | 'prev'; nowMs: number }): Promise<JobPage> {
    const { limit, status, cursor, direction, nowMs } = options;
    // Expired jobs are gone for callers, though housekeeping deletes them only every 12 hours.
    const live = ['+expires_at > ?']; // unary +: a filter, not an index to range over (the pages walk job_id)
    const liveParams: unknown[] = [iso(nowMs)];
    if (status) (live.push('status = ?'), liveParams.push(status));
    const filters = [...live];
    const params = [...liveParams];
    const older = direction === 'next';
    if (cursor) (filters.push(`job_id ${older ? '<' : '>'} ?`), params.push(cursor));
    const where = `WHERE ${filters.join(' AND ')}`;
    const { results } = await this.db
      .prepare(`SELECT * FROM jobs ${where} ORDER BY job_id ${older ? 'DESC' : 'ASC'} LIMIT ?`)
      .bind(...params, limit + 1)
      .all<JobRow>();
    const more = results.length > limit;
    const page = results.slice(0, limit).map(jobFromRow);
    if (!older) page.reverse();
    // Is there anything on the other side of this page? One indexed probe, not a count. An empty page (its jobs
    // expired and were deleted since the cursor was handed out) probes from the cursor itself.
    const edge = (older ? page[0]?.job_id : page.at(-1)?.job_id) ?? cursor;
    const otherSide = edge
      ? await this.db
          .prepare(`SELECT 1 FROM jobs WHERE ${live.join(' AND ')} AND job_id ${older ? '>' : '<'} ? LIMIT 1`)
          .bind(...liveParams, edge)
          .first()
      : null;
    return older ? { jobs: page, has_next: more, has_prev: otherSide !== null } : { jobs: page, has_next: otherSide !== null, has_prev: more };
  }

  /**
   * Jobs left `processing` by a worker that died (lease expired): handed back to `queued` for a retry, or failed
   * after MAX_RECOVERIES. Returns the ids to re-enqueue and those failed.
   */
  async recoverStuck(nowMs: number): Promise<{ requeued: string[]; failed: string[] }> {
    const now = iso(nowMs);
    const failed = await this.db
      .prepare(
        `UPDATE jobs SET status = 'failed', error_message = 'the worker processing this job stopped responding (lease expired) ' || recoveries || ' times',
           completed_at = ?1, updated_at = ?1, lease_expires_at = NULL
         WHERE status = 'processing' AND lease_expires_at < ?1 AND recoveries >= ?2 RETURNING job_id`,
      )
      .bind(now, MAX_RECOVERIES)
      .all<{ job_id: string }>();
    const requeued = await this.db
      .prepare(
        `UPDATE jobs SET status = 'queued', recoveries = recoveries + 1, updated_at = ?1, lease_expires_at = NULL
         WHERE status = 'processing' AND lease_expires_at < ?1 RETURNING job_id`,
      )
      .bind(now)
      .all<{ job_id: string }>();
    return { requeued: requeued.results.map((r) => r.job_id), failed: failed.results.map((r) => r.job_id) };
  }

  /** Hands a job back to the queue after a failed attempt, so the retry can claim it at once. */
  async release(jobId: string, workerId: string, error: string, nowMs: number): Promise<void> {
    await this.db
      .prepare(
        `UPDATE jobs SET status = 'queued', error_message = ?3, updated_at = ?4, lease_expires_at = NULL
         WHERE job_id = ?1 AND worker_id = ?2 AND status = 'processing'`,
      )
      .bind(jobId, workerId, error.slice(0, 2000), iso(nowMs))
      .run();
  }

  /**
   * Jobs left `queued` since before `beforeMs` and not expired: their `job.run` message was lost (a send that
   * failed after the job was stored or handed back), so housekeeping sends it again.
   */
  async staleQueued(beforeMs: number, nowMs: number, limit = 100): Promise<string[]> {
    const { results } = await this.db
      // A message held back (run_after) is not lost until it is overdue too.
      .prepare(`SELECT job_id FROM jobs WHERE status = 'queued' AND updated_at < ?1 AND (run_after IS NULL OR run_after < ?1) AND expires_at > ?2 ORDER BY updated_at LIMIT ?3`)
      .bind(iso(beforeMs), iso(nowMs), limit)
      .all<{ job_id: string }>();
    return results.map((r) => r.job_id);
  }

  /**
   * Marks a job failed for the dead-letter queue, unless it finished or a worker holds a live lease on it: a
   * duplicate `job.run` that kept meeting a running job must not fail it. True when this call failed it.
   */
  async failUnlessRunning(jobId: string, error: string, nowMs: number): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE jobs SET status = 'failed', error_message = ?2, completed_at = ?3, updated_at = ?3, lease_expires_at = NULL
         WHERE job_id = ?1 AND (status = 'queued' OR (status = 'processing' AND (lease_expires_at IS NULL OR lease_expires_at < ?3)))`,
      )
      .bind(jobId, error.slice(0, 2000), iso(nowMs))
      .run();
    return result.meta.changes === 1;
  }

  /**
   * Marks a job this worker holds failed, unless it already finished; true when this call failed it. A run that lost
   * its lease to another worker's claim changes nothing (as `progress` and `complete`): the job is the other's now.
   */
  async fail(jobId: string, workerId: string, error: string, nowMs: number): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE jobs SET status = 'failed', error_message = ?2, completed_at = ?3, updated_at = ?3, lease_expires_at = NULL
         WHERE job_id = ?1 AND worker_id = ?4 AND status IN ('queued', 'processing')`,
      )
      .bind(jobId, error.slice(0, 2000), iso(nowMs), workerId)
      .run();
    return result.meta.changes === 1;
  }

  /**
   * Counts by status, the age of the oldest queued job, and failures in the last 24 h, of live jobs: an expired job
   * is gone for every caller (its status is 404, listings leave it out) even before housekeeping deletes it.
   */
  async stats(nowMs: number): Promise<{ by_status: Record<string, number>; oldest_queued_age_seconds: number | null; failed_last_24h: number }> {
    const now = iso(nowMs);
    const [counts, oldest, failed] = await this.db.batch([
      this.db.prepare('SELECT status, COUNT(*) AS n FROM jobs WHERE expires_at > ?1 GROUP BY status').bind(now),
      this.db.prepare("SELECT MIN(created_at) AS created_at FROM jobs WHERE status = 'queued' AND expires_at > ?1").bind(now),
      this.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status = 'failed' AND completed_at >= ?1 AND expires_at > ?2").bind(iso(nowMs - 86_400_000), now),
    ]);
    const byStatus: Record<string, number> = { queued: 0, processing: 0, completed: 0, failed: 0 };
    for (const row of counts!.results as Array<{ status: string; n: number }>) byStatus[row.status] = row.n;
    const oldestCreated = (oldest!.results[0] as { created_at: string | null } | undefined)?.created_at ?? null;
    return {
      by_status: byStatus,
      oldest_queued_age_seconds: oldestCreated === null ? null : Math.max(0, Math.round((nowMs - Date.parse(oldestCreated)) / 1000)),
      failed_last_24h: (failed!.results[0] as { n: number }).n,
    };
  }

  /** Deletes jobs whose expires_at has passed, in batches; returns their ids. */
  async deleteExpired(nowIso: string): Promise<string[]> {
    const deleted: string[] = [];
    for (;;) {
      const { results } = await this.db
        .prepare(
          `DELETE FROM jobs WHERE job_id IN (SELECT job_id FROM jobs WHERE expires_at < ?1 LIMIT ?2)
           RETURNING job_id, results`,
        )
        .bind(nowIso, DELETE_BATCH)
        .all<{ job_id: string; results: string | null }>();
      deleted.push(...results.map((r) => r.job_id));
      await this.stored.deleteFor(results);
      if (results.length < DELETE_BATCH) return deleted;
    }
  }
}
