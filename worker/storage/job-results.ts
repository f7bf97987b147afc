// Where a job's results live: inline in its `jobs` row, or in R2 when larger than a row should hold, the row then
// keeping a pointer (`{"$r2": key}`). Each attempt writes its own key, so a late or repeated attempt never overwrites
// the results the row points at, and an attempt whose write to the row does not happen deletes its own.
const INLINE_RESULTS_MAX = 64 * 1024;

const attemptKey = (jobId: string) => `job-results/${jobId}/${crypto.randomUUID()}.json`;

/** The R2 key a row's results point at, if they live in R2. */
function objectKey(results: string | null | undefined): string | undefined {
  if (!results?.startsWith('{"$r2":')) return undefined;
  return (JSON.parse(results) as { $r2: string }).$r2;
}

export class JobResults {
  private readonly bucket: R2Bucket;

  constructor(bucket: R2Bucket) {
    this.bucket = bucket;
  }

  /** Results as the row stores them: inline JSON, or a pointer to R2 for large ones (put first, after `beforeR2`). */
  async storable(jobId: string, results: unknown, beforeR2: () => Promise<void> = async () => {}): Promise<string> {
    const json = JSON.stringify(results);
    if (json.length <= INLINE_RESULTS_MAX) return json;
    await beforeR2();
    const key = attemptKey(jobId);
    await this.bucket.put(key, json, { httpMetadata: { contentType: 'application/json' } });
    return JSON.stringify({ $r2: key });
  }

  /** Runs the write that makes `stored` a job's results; its R2 object is deleted unless the write took it. */
  async writeOrDiscard(stored: string, write: () => Promise<boolean>): Promise<boolean> {
    let took = false;
    try {
      took = await write();
      return took;
    } finally {
      const key = took ? undefined : objectKey(stored);
      if (key) await this.bucket.delete(key);
    }
  }

  /** The row's results as JSON text, read back from R2 when they live there (as stored when the object is gone). */
  async read(results: string): Promise<string> {
    const key = objectKey(results);
    const object = key ? await this.bucket.get(key) : null;
    return object ? object.text() : results;
  }

  /** Deletes the R2 objects of deleted rows' results. */
  async deleteFor(rows: ReadonlyArray<{ results: string | null }>): Promise<void> {
    const keys = rows.map((r) => objectKey(r.results)).filter((key): key is string => key !== undefined);
    if (keys.length > 0) await this.bucket.delete(keys);
  }
}
