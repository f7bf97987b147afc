// POST /api/recaps/publish: starts a recap publish job ({content_type, date_range, repository?, topic?, dry_run?});
// its results name the branch, commit, pull request and files.
import type { Hono } from 'hono';
import type { AppBindings } from '../context.ts';
import { AppError } from '../errors.ts';
import { RecapPublishRequest } from '../jobs/recap-publish.ts';
import { enqueue } from '../pipeline/enqueue.ts';
import { parseInput } from '../validation.ts';
import { statusUrl } from './util.ts';

export function registerRecapRoutes(app: Hono<AppBindings>): void {
  app.post('/api/recaps/publish', async (c) => {
    const services = c.get('services');
    const request = parseInput(RecapPublishRequest, c.get('signed').body, 'body');
    if (Date.parse(request.date_range.end) - Date.parse(request.date_range.start) > 31 * 86_400_000) {
      throw new AppError('VALIDATION_FAILED', 'Invalid request body: date_range: may cover at most 31 days', { fields: [{ field: 'date_range', message: 'at most 31 days' }] });
    }
    const job = await services.jobs.create('recap_publish', request, services.clock(), services.jobTtlMs);
    await enqueue(services.jobsQueue, [{ type: 'job.run', job_id: job.job_id }]);
    return c.json({ job_id: job.job_id, job_status: job.status, status_url: statusUrl(c, job.job_id), expires_at: job.expires_at }, 202);
  });
}
