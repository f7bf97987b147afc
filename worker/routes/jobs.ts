// Job routes: status of one job, the cursor listing, stats (jobs, items, today's budgets), and POST
// /api/jobs/cleanup (the manual twin of the 12-hourly cron).
import type { Hono } from 'hono';
import { z } from 'zod';
import { JobStatus, jobStatusResponse, Ulid } from '../../content-pipeline/index.ts';
import type { AppBindings } from '../context.ts';
import { runHousekeeping } from '../cron/housekeeping.ts';
import { AppError } from '../errors.ts';
import { isExpired } from '../storage/jobs.ts';
import { parseInput } from '../validation.ts';
import { queryObject, statusUrl } from './util.ts';

export const JobListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    status: JobStatus.optional(),
    cursor: Ulid.optional(),
    direction: z.enum(['next', 'prev']).default('next'),
  })
  .strict();

const Usage = z.object({ used: z.number(), limit: z.number() });
export const JobStats = z.object({
  jobs: z.object({ by_status: z.record(z.string(), z.number().int()), oldest_queued_age_seconds: z.number().int().nullable(), failed_last_24h: z.number().int() }),
  /** Items by processing status (statuses with none are left out). */
  content_items: z.record(z.string(), z.number().int()),
  budgets: z.object({ day: z.string(), ai_audio_seconds: Usage, media_egress_bytes: Usage }),
  timestamp: z.string(),
});
export const CleanupResult = z.object({
  deleted: z.number().int(),
  deleted_nonces: z.number().int(),
  deleted_idempotency_records: z.number().int(),
  recovered_jobs: z.number().int(),
  failed_stuck_jobs: z.number().int(),
  resent_jobs: z.number().int(),
  requeued_rematches: z.number().int(),
});

export function registerJobRoutes(app: Hono<AppBindings>): void {
  app.get('/api/jobs/:jobId/status', async (c) => {
    // ULIDs are case-insensitive; they are stored in upper case.
    const jobId = parseInput(z.object({ jobId: Ulid }), { jobId: c.req.param('jobId') }, 'path').jobId.toUpperCase();
    const services = c.get('services');
    const job = await services.jobs.get(jobId);
    if (!job || isExpired(job, services.clock())) throw new AppError('NOT_FOUND', `No job ${jobId}`);
    return c.json(jobStatusResponse(await services.jobs.withResults(job), statusUrl(c, jobId)));
  });

  app.get('/api/jobs', async (c) => {
    const query = parseInput(JobListQuery, queryObject(c), 'query');
    const services = c.get('services');
    const cursor = query.cursor?.toUpperCase();
    const page = await services.jobs.list({ limit: query.limit, direction: query.direction, nowMs: services.clock(), ...(query.status && { status: query.status }), ...(cursor && { cursor }) });
    // Listing answers stay small: results are read with the status endpoint.
    const jobs = page.jobs.map(({ results: _r, ...job }) => jobStatusResponse(job, statusUrl(c, job.job_id)));
    return c.json({
      jobs,
      pagination: {
        // An empty page past the cursor still leads back (and on): from the cursor it was asked from.
        ...(page.has_next && { next_cursor: jobs.at(-1)?.job_id ?? cursor }),
        ...(page.has_prev && { prev_cursor: jobs[0]?.job_id ?? cursor }),
        has_next: page.has_next,
        has_prev: page.has_prev,
      },
      timestamp: new Date(services.clock()).toISOString(),
    });
  });

  app.get('/api/jobs/stats', async (c) => {
    const services = c.get('services');
    const now = services.clock();
    const [jobs, items, used] = await Promise.all([services.jobs.stats(now), services.contentItems.countByStatus(), services.budgets.usedToday(now)]);
    const { aiDailyAudioSeconds, mediaDailyEgressBytes } = services.config;
    return c.json<z.infer<typeof JobStats>>({
      jobs,
      content_items: items,
      budgets: {
        day: new Date(now).toISOString().slice(0, 10),
        ai_audio_seconds: { used: used.ai_audio_seconds ?? 0, limit: aiDailyAudioSeconds },
        media_egress_bytes: { used: used.media_egress_bytes ?? 0, limit: mediaDailyEgressBytes },
      },
      timestamp: new Date(now).toISOString(),
    });
  });

  app.post('/api/jobs/cleanup', async (c) => {
    const result = await runHousekeeping(c.get('services'));
    return c.json<z.infer<typeof CleanupResult>>({
      deleted: result.deleted_jobs,
      deleted_nonces: result.deleted_nonces,
      deleted_idempotency_records: result.deleted_idempotency_records,
      recovered_jobs: result.recovered_jobs,
      failed_stuck_jobs: result.failed_stuck_jobs,
      resent_jobs: result.resent_jobs,
      requeued_rematches: result.requeued_rematches,
    });
  });
}
