// POST /api/recaps/publish: starts a recap publish job ({content_type, date_range, repository?, topic?, dry_run?});
// its results name the branch, commit, pull request and files.
import type { Hono } from 'hono';
import { RecapPublishRequest } from '../../content-pipeline/index.ts';
import type { AppBindings } from '../context.ts';
import { startJob } from '../jobs/start.ts';
import { MAX_JOB_RANGE_MS, parseInput } from '../validation.ts';
import { jobAccepted } from './util.ts';

export function registerRecapRoutes(app: Hono<AppBindings>): void {
  app.post('/api/recaps/publish', async (c) => {
    const services = c.get('services');
    const request = parseInput(RecapPublishRequest, c.get('signed').body, 'body', { maxRangeMs: MAX_JOB_RANGE_MS });
    return jobAccepted(c, await startJob(services, 'recap_publish', request));
  });
}
