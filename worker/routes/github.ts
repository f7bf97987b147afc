// POST /api/github/backfill: starts a backfill job for a date range (repositories default to GITHUB_REPOS).
import type { Hono } from 'hono';
import type { AppBindings } from '../context.ts';
import { AppError } from '../errors.ts';
import { GitHubBackfillRequest } from '../jobs/github-backfill.ts';
import { startJob } from '../jobs/start.ts';
import { MAX_JOB_RANGE_MS, parseInput } from '../validation.ts';
import { jobAccepted } from './util.ts';

export function registerGitHubRoutes(app: Hono<AppBindings>): void {
  app.post('/api/github/backfill', async (c) => {
    const services = c.get('services');
    const request = parseInput(GitHubBackfillRequest, c.get('signed').body, 'body', { maxRangeMs: MAX_JOB_RANGE_MS });
    if (services.github === null) {
      throw new AppError('SERVICE_UNAVAILABLE', 'GitHub is not configured: set GITHUB_TOKEN or a GitHub App (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID)');
    }
    if (!request.repos && services.config.githubRepos.length === 0) {
      throw new AppError('VALIDATION_FAILED', 'No repositories: pass "repos" or set GITHUB_REPOS', { fields: [{ field: 'repos', message: 'required when GITHUB_REPOS is empty' }] });
    }
    return jobAccepted(c, await startJob(services, 'github_backfill', request));
  });
}
