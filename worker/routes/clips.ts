// POST /api/clips/ingest: starts a clip ingest job for one broadcaster and date range.
import type { Hono } from 'hono';
import type { AppBindings } from '../context.ts';
import { AppError } from '../errors.ts';
import { ClipIngestRequest } from '../jobs/clip-ingest.ts';
import { startJob } from '../jobs/start.ts';
import { MAX_JOB_RANGE_MS, parseInput } from '../validation.ts';
import { jobAccepted } from './util.ts';

export function registerClipRoutes(app: Hono<AppBindings>): void {
  app.post('/api/clips/ingest', async (c) => {
    const services = c.get('services');
    const request = parseInput(ClipIngestRequest, c.get('signed').body, 'body', { maxRangeMs: MAX_JOB_RANGE_MS });
    if (!services.helix) throw new AppError('SERVICE_UNAVAILABLE', 'Twitch is not configured: set TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET');
    return jobAccepted(c, await startJob(services, 'clip_ingest', request));
  });
}
