// Job routes: status of one job, stats (jobs, items, today's budgets), and POST /api/jobs/cleanup (the manual
// twin of the 12-hourly cron). Listing arrives with the content generation API.
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

  app.get('/api/jobs/stats', async (c) => {
    const services = c.get('services');
    const now = services.clock();
    const [jobs, items, used] = await Promise.all([services.jobs.stats(now), services.contentItems.countByStatus(), services.budgets.usedToday(now)]);
    const { aiDailyAudioSeconds, mediaDailyEgressBytes } = services.config;
    return c.json({
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
    return c.json({
      deleted: result.deleted_jobs,
      deleted_nonces: result.deleted_nonces,
      deleted_idempotency_records: result.deleted_idempotency_records,
    });
  });
}
