// The `github_backfill` job: commits (the default branch's, those of pull requests active in the range and those of
// branches pushed to in it), pull requests and issues of the configured (or requested) repositories over a date
// range, upserted with the same ids the webhook path writes. Like a webhook, an event it stores for the first time
// queues a re-match of the already matched clips whose window holds it (a clip late in a UTC day has a window
// reaching into the next day, whose events come with the next day's backfill).
import { z } from 'zod';
import { backfillRepository, DateRange, pullsWithCommitsShares, RepoName } from '../../content-pipeline/index.ts';
import { enqueueRematches } from '../pipeline/rematch.ts';
import { jobHandlers, PermanentJobError, type JobContext } from './runner.ts';

export const GitHubBackfillRequest = z
  .object({
    repos: z.array(RepoName).min(1).max(20).optional(),
    date_range: DateRange,
  })
  .strict();

export async function runGitHubBackfill({ request, services, progress }: JobContext) {
  const parsed = GitHubBackfillRequest.safeParse(request);
  if (!parsed.success) throw new PermanentJobError(`invalid backfill request: ${parsed.error.message}`);
  const repos = parsed.data.repos ?? services.config.githubRepos;
  if (repos.length === 0) throw new PermanentJobError('no repositories: set GITHUB_REPOS or pass "repos"');
  if (!services.github) throw new PermanentJobError('GitHub is not configured: set GITHUB_TOKEN or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID');
  const octokit = await services.github();
  // One invocation's subrequests for the whole job: the pull requests whose commits are read are shared out.
  const shares = pullsWithCommitsShares(repos.length);
  const results: Array<{ repo: string; events: number; new_events: number; requests: number; pulls_without_commits?: number; branches_without_commits?: number; branch_activity_incomplete?: true }> = [];
  let rematched = 0;
  for (const [index, repo] of repos.entries()) {
    await progress('backfill', index, repos.length);
    const { events, requests, pullsWithoutCommits, branchesWithoutCommits, branchActivityIncomplete } = await backfillRepository(octokit, repo, parsed.data.date_range.start, parsed.data.date_range.end, { maxPullsWithCommits: shares[index]! });
    const ids = events.map((e) => e.id);
    const known = await services.githubEvents.known(ids);
    const writtenAt = new Date(services.clock()).toISOString();
    await services.githubEvents.upsert(events, 'backfill', writtenAt);
    const fresh = events.filter((e) => !known.has(e.id));
    // New events, and any whose rematch an earlier run or webhook did not get to queue.
    const pending = await services.githubEvents.pendingRematch(ids);
    rematched += await enqueueRematches(pending, services);
    await services.githubEvents.rematchQueued(pending.map((e) => e.id), writtenAt);
    // Past the cap, the older active pull requests' and branches' commits wait for a narrower range (or their
    // webhooks), as do those of branches the activity's pages did not reach.
    results.push({
      repo,
      events: events.length,
      new_events: fresh.length,
      requests,
      ...(pullsWithoutCommits > 0 && { pulls_without_commits: pullsWithoutCommits }),
      ...(branchesWithoutCommits > 0 && { branches_without_commits: branchesWithoutCommits }),
      ...(branchActivityIncomplete && { branch_activity_incomplete: true as const }),
    });
  }
  return { repos: results, events: results.reduce((n, r) => n + r.events, 0), rematched_items: rematched };
}

jobHandlers.github_backfill = runGitHubBackfill;
