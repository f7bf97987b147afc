// Job routes: status of one job, and POST /api/jobs/cleanup (the manual twin of the 12-hourly cron).
// Listing and stats arrive with the content generation API.
import type { Hono } from 'hono';
import { z } from 'zod';
import { jobStatusResponse, Ulid } from '../../content-pipeline/index.ts';
import type { AppBindings } from '../context.ts';
import { runHousekeeping } from '../cron/housekeeping.ts';
import { AppError } from '../errors.ts';
import { parseInput } from '../validation.ts';
import { statusUrl } from './util.ts';

export function registerJobRoutes(app: Hono<AppBindings>): void {
  app.get('/api/jobs/:jobId/status', async (c) => {
    const { jobId } = parseInput(z.object({ jobId: Ulid }), { jobId: c.req.param('jobId') }, 'path');
    const job = await c.get('services').jobs.get(jobId);
    if (!job) throw new AppError('NOT_FOUND', `No job ${jobId}`);
    return c.json(jobStatusResponse(job, statusUrl(c, jobId)));
  });

  app.post('/api/jobs/cleanup', async (c) => {
    const result = await runHousekeeping(c.get('services'));
    return c.json({
      deleted: result.deleted_jobs,
      deleted_nonces: result.deleted_nonces,
      deleted_idempotency_records: result.deleted_idempotency_records,
    });
  });
}
