// POST /api/content/generate: the spec's ContentGenerationRequest → ContentGenerationResponse. Sync answers the
// page at once (and keeps a completed job record so every call is traceable); async answers 202 with the job and
// the counts, and the page is computed from the queue.
import type { Hono } from 'hono';
import { ContentGenerationRequest, ContentGenerationResponse } from '../../content-pipeline/index.ts';
import type { AppBindings } from '../context.ts';
import { generateContent, generationPreview } from '../generation/generate.ts';
import { enqueue } from '../pipeline/enqueue.ts';
import { parseInput } from '../validation.ts';
import { statusUrl } from './util.ts';

const MAX_INLINE_REQUEST_CHARS = 32_000;

export function registerContentRoutes(app: Hono<AppBindings>): void {
  app.post('/api/content/generate', async (c) => {
    const services = c.get('services');
    const request = parseInput(ContentGenerationRequest, c.get('signed').body ?? {}, 'body', { maxRangeMs: services.config.generateMaxRangeMs });
    const now = services.clock();
    // The nonce commits with this route's first write (see nonce-claim.ts): the job's insert.
    const nonce = c.get('nonce');
    if (request.mode === 'async') {
      const { job, statement } = services.jobs.prepareCreate('content_generation', request, now, services.jobTtlMs);
      const preview = await generationPreview(request, services, [statement], (statements) => nonce.batch(statements));
      // The request rides in the message, so the consumer need not read the job first; a request too large for a
      // queue message (128 KB) is read from the job's row instead.
      const inline = JSON.stringify(request).length <= MAX_INLINE_REQUEST_CHARS ? { inline: { kind: 'content_generation' as const, request } } : {};
      await enqueue(services.jobsQueue, [{ type: 'job.run', job_id: job.job_id, ...inline }]);
      const body = ContentGenerationResponse.parse({ job_id: job.job_id, job_status: job.status, status_url: statusUrl(c, job.job_id), expires_at: job.expires_at, ...preview });
      return c.json(body, 202);
    }
    const { rows_read: rowsRead, ...results } = await generateContent(request, services);
    const { job, statement } = await services.jobs.prepareCompleted('content_generation', request, now, services.jobTtlMs, results, () => nonce.settle());
    await nonce.batch([statement]);
    const body = ContentGenerationResponse.parse({ job_id: job.job_id, job_status: job.status, status_url: statusUrl(c, job.job_id), expires_at: job.expires_at, ...results });
    // What the index lookup cost, for operators and the benchmark (D1 bills and limits by rows read).
    return c.json(body, 200, { 'X-D1-Rows-Read': `page=${rowsRead.page}, count=${rowsRead.count}` });
  });
}
