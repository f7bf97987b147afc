// POST /api/clips/ingest: starts a clip ingest job for one broadcaster and date range.
import type { Hono } from 'hono';
import type { AppBindings } from '../context.ts';
import { AppError } from '../errors.ts';
import { ClipIngestRequest } from '../jobs/clip-ingest.ts';
import { enqueue } from '../pipeline/enqueue.ts';
import { parseInput } from '../validation.ts';
import { statusUrl } from './util.ts';

/** Longest range one ingest request may cover; the daily cron asks for one day. */
const MAX_INGEST_RANGE_MS = 31 * 86_400_000;

export function registerClipRoutes(app: Hono<AppBindings>): void {
  app.post('/api/clips/ingest', async (c) => {
    const services = c.get('services');
    const request = parseInput(ClipIngestRequest, c.get('signed').body, 'body');
    if (Date.parse(request.date_range.end) - Date.parse(request.date_range.start) > MAX_INGEST_RANGE_MS) {
      throw new AppError('VALIDATION_FAILED', 'date_range may cover at most 31 days', { fields: [{ field: 'date_range', message: 'at most 31 days' }] });
    }
    if (!services.helix) throw new AppError('SERVICE_UNAVAILABLE', 'Twitch is not configured: set TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET');
    const job = await services.jobs.create('clip_ingest', request, services.clock(), services.jobTtlMs);
    await enqueue(services.jobsQueue, [{ type: 'job.run', job_id: job.job_id }]);
    return c.json({ job_id: job.job_id, job_status: job.status, status_url: statusUrl(c, job.job_id), expires_at: job.expires_at }, 202);
  });
}
