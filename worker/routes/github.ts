// POST /api/github/backfill: starts a backfill job for a date range (repositories default to GITHUB_REPOS).
import type { Hono } from 'hono';
import type { AppBindings } from '../context.ts';
import { AppError } from '../errors.ts';
import { GitHubBackfillRequest } from '../jobs/github-backfill.ts';
import { enqueue } from '../pipeline/enqueue.ts';
import { parseInput } from '../validation.ts';
import { statusUrl } from './util.ts';

export function registerGitHubRoutes(app: Hono<AppBindings>): void {
  app.post('/api/github/backfill', async (c) => {
    const services = c.get('services');
    const request = parseInput(GitHubBackfillRequest, c.get('signed').body, 'body');
    if (Date.parse(request.date_range.end) - Date.parse(request.date_range.start) > 31 * 86_400_000) {
      throw new AppError('VALIDATION_FAILED', 'date_range may cover at most 31 days', { fields: [{ field: 'date_range', message: 'at most 31 days' }] });
    }
    if (services.github === null) {
      throw new AppError('SERVICE_UNAVAILABLE', 'GitHub is not configured: set GITHUB_TOKEN or a GitHub App (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID)');
    }
    if (!request.repos && services.config.githubRepos.length === 0) {
      throw new AppError('VALIDATION_FAILED', 'No repositories: pass "repos" or set GITHUB_REPOS', { fields: [{ field: 'repos', message: 'required when GITHUB_REPOS is empty' }] });
    }
    const job = await services.jobs.create('github_backfill', request, services.clock(), services.jobTtlMs);
    await enqueue(services.jobsQueue, [{ type: 'job.run', job_id: job.job_id }]);
    return c.json({ job_id: job.job_id, job_status: job.status, status_url: statusUrl(c, job.job_id), expires_at: job.expires_at }, 202);
  });
}
