// POST /api/content/generate: the spec's ContentGenerationRequest → ContentGenerationResponse. Sync answers the
// page at once (and records a job, completed with the answer just after it is sent, so every call is traceable);
// async answers 202 with the job and the counts, and the page is computed from the queue.
import type { Hono } from 'hono';
import { ContentGenerationRequest, ContentGenerationResponse } from '../../content-pipeline/index.ts';
import type { AppBindings } from '../context.ts';
import { generateContent, generationPreview } from '../generation/generate.ts';
import { JOB_LEASE_MS } from '../jobs/runner.ts';
import { describeError, log } from '../log.ts';
import { enqueue } from '../pipeline/enqueue.ts';
import { assertRangeWithin, parseInput } from '../validation.ts';
import { statusUrl } from './util.ts';

export function registerContentRoutes(app: Hono<AppBindings>): void {
  app.post('/api/content/generate', async (c) => {
    const services = c.get('services');
    const request = parseInput(ContentGenerationRequest, c.get('signed').body ?? {}, 'body');
    assertRangeWithin(request.date_range, services.config.generateMaxRangeMs);
    const now = services.clock();
    // The nonce commits with this route's first write (see nonce-claim.ts): the job's insert.
    const nonce = c.get('nonce');
    if (request.mode === 'async') {
      const { job, statement } = services.jobs.prepareCreate('content_generation', request, now, services.jobTtlMs);
      const preview = await generationPreview(request, services, [statement], (statements) => nonce.batch(statements));
      await enqueue(services.jobsQueue, [{ type: 'job.run', job_id: job.job_id, inline: { kind: 'content_generation', request } }]);
      const body = ContentGenerationResponse.parse({ job_id: job.job_id, job_status: job.status, status_url: statusUrl(c, job.job_id), expires_at: job.expires_at, ...preview });
      return c.json(body, 202);
    }
    // One D1 round trip: the nonce, the job's record (held by this request) and the reads, in one batch. The answer
    // is complete once they return; the record is completed with it just after the response is sent.
    const workerId = crypto.randomUUID();
    const { job, statement } = services.jobs.prepareStarted('content_generation', request, now, services.jobTtlMs, workerId, JOB_LEASE_MS);
    const { rows_read: rowsRead, ...results } = await generateContent(request, services, [statement], (statements) => nonce.batch(statements));
    c.executionCtx.waitUntil(
      services.jobs.complete(job.job_id, workerId, results, services.clock()).then(
        (completed) => completed || log('warn', 'sync_job_not_completed', { job_id: job.job_id }),
        (error) => log('error', 'sync_job_not_completed', { job_id: job.job_id, ...describeError(error) }),
      ),
    );
    const body = ContentGenerationResponse.parse({ job_id: job.job_id, job_status: 'completed', status_url: statusUrl(c, job.job_id), expires_at: job.expires_at, ...results });
    // What the index lookup cost, for operators and the benchmark (D1 bills and limits by rows read).
    return c.json(body, 200, { 'X-D1-Rows-Read': `page=${rowsRead.page}, count=${rowsRead.count}` });
  });
}
