// Job routes. So far: POST /api/jobs/cleanup, the manual twin of the 12-hourly housekeeping cron.
// Status, listing and stats arrive with the content generation API.
import type { Hono } from 'hono';
import type { AppBindings } from '../context.ts';
import { runHousekeeping } from '../cron/housekeeping.ts';

export function registerJobRoutes(app: Hono<AppBindings>): void {
  app.post('/api/jobs/cleanup', async (c) => {
    const result = await runHousekeeping(c.get('services'));
    return c.json({
      deleted: result.deleted_jobs,
      deleted_nonces: result.deleted_nonces,
      deleted_idempotency_records: result.deleted_idempotency_records,
    });
  });
}
