// D1 repository of jobs (table jobs). Only what the foundation needs so far: expiry cleanup.
// The job lifecycle (create, claim, progress, complete) arrives with the content generation API.

/** Rows deleted per statement, well inside D1's per-query limits. */
const DELETE_BATCH = 500;

export class JobStore {
  private readonly db: D1Database;

  constructor(db: D1Database) {
    this.db = db;
  }

  /** Deletes jobs whose expires_at has passed, in batches; returns their ids. */
  async deleteExpired(nowIso: string): Promise<string[]> {
    const deleted: string[] = [];
    for (;;) {
      const { results } = await this.db
        .prepare(
          `DELETE FROM jobs WHERE job_id IN (SELECT job_id FROM jobs WHERE expires_at < ?1 LIMIT ?2)
           RETURNING job_id`,
        )
        .bind(nowIso, DELETE_BATCH)
        .all<{ job_id: string }>();
      deleted.push(...results.map((r) => r.job_id));
      if (results.length < DELETE_BATCH) return deleted;
    }
  }
}
