// GitHub REST through octokit: authentication (fine-grained token or GitHub App installation), rate limits, and the
// backfill of commits, pull requests and issues over a date range as GitHubEvents with the same ids webhooks use.
import { App, Octokit } from 'octokit';
import { eventIds, GitHubEvent } from '../schemas/github-event.ts';
import { AFTER_RANGE_MS, branchesToRead, pushedBranches } from './pushed-branches.ts';

export type GitHubAuth =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: string; privateKey: string; installationId: string };

export interface GitHubClientOptions {
  baseUrl: string;
  /** Longest wait accepted for a primary or secondary rate limit before giving up (the job then retries). */
  maxRateLimitWaitSeconds?: number;
  fetch?: typeof fetch;
  log?: (event: string, fields: Record<string, unknown>) => void;
  /**
   * false turns octokit's throttling off, pacing (1 s between writes, 3 s around PR creation) and rate-limit retries
   * alike: only for tests against a local fake that scripts no rate limits.
   */
  throttle?: boolean;
  /**
   * Installation tokens of a GitHub App, kept between clients (a token lasts an hour): without it every client
   * signs a JWT and asks GitHub for a new token. Only the token strings are shared, never a client.
   */
  tokenCache?: Map<string, { token: string; expiresAtMs: number }>;
  /** The clock the cached tokens' expiry is checked against. */
  now?: () => number;
}

/** A cached installation token is renewed this long before it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000;

export async function createGitHubClient(auth: GitHubAuth, options: GitHubClientOptions): Promise<Octokit> {
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const log = options.log ?? (() => {});
  const retryWithin = (kind: string) => (retryAfter: number, request: { method: string; url: string; request: { retryCount: number } }) => {
    log('github_rate_limited', { kind, retry_after_seconds: retryAfter, method: request.method, url: request.url, retry_count: request.request.retryCount });
    return retryAfter <= maxWait && request.request.retryCount < 3;
  };
  const ClientOctokit = Octokit.defaults({
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    request: { fetch: options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)) },
    throttle: {
      onRateLimit: retryWithin('primary'),
      onSecondaryRateLimit: retryWithin('secondary'),
      ...(options.throttle === false && { enabled: false }),
    },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  if (auth.kind === 'token') return new ClientOctokit({ auth: auth.token });
  const now = options.now ?? Date.now;
  const key = `${options.baseUrl}|${auth.appId}|${auth.installationId}`;
  const cached = options.tokenCache?.get(key);
  if (cached && cached.expiresAtMs - TOKEN_MARGIN_MS > now()) return new ClientOctokit({ auth: cached.token });
  const app = new App({ appId: auth.appId, privateKey: auth.privateKey, Octokit: ClientOctokit });
  const { data } = await app.octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: Number(auth.installationId) });
  options.tokenCache?.set(key, { token: data.token, expiresAtMs: Date.parse(data.expires_at) });
  return new ClientOctokit({ auth: data.token });
}

const within = (iso: string | null | undefined, from: number, to: number) => {
  if (!iso) return false;
  const t = Date.parse(iso);
  return t >= from && t < to;
};
const isoOf = (value: string) => new Date(value).toISOString();
const httpUrl = (value: string | null | undefined) => (value && /^https?:\/\//.test(value) ? value : null);

export interface BackfillResult {
  events: GitHubEvent[];
  requests: number;
  /**
   * Pull requests active in the range whose branch commits were not read (past the cap), or not all
   * (over 250 commits and no head to list from).
   */
  pullsWithoutCommits: number;
  /** Branches without a pull request, pushed to in the range (or within a week after), left unread past the cap. */
  branchesWithoutCommits: number;
  /**
   * The repository's push activity was not read back to the range's start (older than its pages allowed) or could
   * not be read (no access): branches without a pull request may be missing.
   */
  branchActivityIncomplete: boolean;
}

/**
 * Pull requests whose commits are read too, by default: each costs a request or more, and a backfill runs inside
 * one Worker invocation's subrequest budget (a job over several repositories shares it out, github-backfill.ts).
 */
export const MAX_PULLS_WITH_COMMITS = 30;

/** Pull requests whose commits one backfill job reads, over all its repositories (one invocation's subrequests). */
export const MAX_PULLS_WITH_COMMITS_PER_JOB = 2 * MAX_PULLS_WITH_COMMITS;

/**
 * Each repository's cap in a job over `repoCount` of them: the job's reads shared out evenly (the first ones get
 * the remainder), at most MAX_PULLS_WITH_COMMITS each, 0 for any past the job's budget.
 */
export function pullsWithCommitsShares(repoCount: number): number[] {
  const base = Math.floor(MAX_PULLS_WITH_COMMITS_PER_JOB / repoCount);
  const extra = MAX_PULLS_WITH_COMMITS_PER_JOB % repoCount;
  return Array.from({ length: repoCount }, (_, i) => Math.min(MAX_PULLS_WITH_COMMITS, base + (i < extra ? 1 : 0)));
}

/** GitHub's `GET pulls/{n}/commits` gives at most this many, the oldest. */
const PULL_COMMITS_LISTED = 250;

interface ActivePull {
  number: number;
  branch: string | null;
  /** Its branch is this repository's (not a fork's of the same name). */
  ownBranch: boolean;
  headSha: string | null;
  openedNearRange: boolean;
  updatedAt: number;
}

/**
 * A pull request whose branch may hold commits of the range the default branch has not: updated since the range
 * began, opened before it ended (or within a week after), and not closed before it began (its commits are older).
 */
function isActive(pr: { created_at: string; updated_at: string; closed_at: string | null }, from: number, to: number): boolean {
  return Date.parse(pr.created_at) < to + AFTER_RANGE_MS && Date.parse(pr.updated_at) >= from && !(pr.closed_at && Date.parse(pr.closed_at) < from);
}

interface ListedCommit {
  sha: string;
  html_url?: string | null;
  author?: { login?: string | null } | null;
  commit: { message: string; author?: { name?: string | null; date?: string | null } | null; committer?: { date?: string | null } | null };
}

/**
 * Every commit (the default branch's; those of pull requests active in the range, where feature-branch work
 * shows up before its merge; and those of branches without a pull request pushed to in the range), PR transition
 * (opened, merged, closed) and issue transition (opened, closed) of one repo in [from, to).
 */
export async function backfillRepository(
  octokit: Octokit,
  repo: string,
  fromIso: string,
  toIso: string,
  { maxPullsWithCommits = MAX_PULLS_WITH_COMMITS }: { maxPullsWithCommits?: number } = {},
): Promise<BackfillResult> {
  const [owner, name] = repo.split('/') as [string, string];
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  const events: GitHubEvent[] = [];
  const commits = new Map<string, GitHubEvent>();
  let requests = 0;

  /** `ownCommit`: the commit is the pull request's own, so its branch is known even once merged into the default one. */
  const addCommit = (c: ListedCommit, branch: string | null, ownCommit = true) => {
    // GitHub filters since/until on the committer date, and so must the range here (a rebased, amended or
    // cherry-picked commit was authored earlier than it was committed); the event keeps the author date, when
    // the work was done.
    const committed = c.commit.committer?.date ?? c.commit.author?.date;
    if (!within(committed, from, to)) return;
    const seen = commits.get(c.sha);
    if (seen) {
      // Listed by the default branch after its merge: the branch it was made on is what the push webhook stored.
      if (ownCommit && seen.branch === null) seen.branch = branch;
      return;
    }
    const when = c.commit.author?.date ?? committed;
    const event: GitHubEvent = {
      id: eventIds.commit(repo, c.sha),
      type: 'push',
      action: null,
      repo,
      actor: c.author?.login ?? c.commit.author?.name ?? null,
      title: c.commit.message.split('\n', 1)[0]!.trim(),
      message: c.commit.message,
      url: httpUrl(c.html_url),
      number: null,
      sha: c.sha,
      branch,
      files: null,
      occurred_at: isoOf(when!),
    };
    commits.set(c.sha, event);
    events.push(event);
  };

  for await (const page of octokit.paginate.iterator(octokit.rest.repos.listCommits, { owner, repo: name, since: fromIso, until: toIso, per_page: 100 })) {
    requests++;
    for (const c of page.data) addCommit(c, null);
  }
  /** The range's commits in `head`'s history, for `branch` (those the default branch holds are listed already). */
  const listHistory = async (head: string, branch: string | null) => {
    for await (const page of octokit.paginate.iterator(octokit.rest.repos.listCommits, { owner, repo: name, sha: head, since: fromIso, until: toIso, per_page: 100 })) {
      requests++;
      for (const c of page.data) addCommit(c, branch, false);
    }
  };

  const activePulls: ActivePull[] = [];
  const seenPulls = new Set<number>();
  type ListedPull = Awaited<ReturnType<typeof octokit.rest.pulls.list>>['data'][number];
  /** Takes one listed pull request's events, and notes it if active; false when this run has read it already. */
  const readPull = (pr: ListedPull): boolean => {
    if (seenPulls.has(pr.number)) return false;
    seenPulls.add(pr.number);
    const base = { type: 'pull_request' as const, repo, title: pr.title, message: pr.body ?? null, url: httpUrl(pr.html_url), number: pr.number, sha: null, branch: pr.head?.ref ?? null, files: null };
    if (isActive(pr, from, to)) {
      activePulls.push({
        number: pr.number,
        branch: pr.head?.ref ?? null,
        ownBranch: pr.head?.repo?.full_name?.toLowerCase() === repo.toLowerCase(),
        headSha: pr.head?.sha ?? null,
        openedNearRange: within(pr.created_at, from, to + AFTER_RANGE_MS),
        updatedAt: Date.parse(pr.updated_at),
      });
    }
    if (within(pr.created_at, from, to)) events.push({ ...base, id: eventIds.pullRequest(repo, pr.number, 'opened'), action: 'opened', actor: pr.user?.login ?? null, occurred_at: isoOf(pr.created_at) });
    if (pr.merged_at && within(pr.merged_at, from, to)) {
      events.push({ ...base, id: eventIds.pullRequest(repo, pr.number, 'merged'), action: 'merged', actor: pr.user?.login ?? null, occurred_at: isoOf(pr.merged_at) });
    } else if (!pr.merged_at && pr.closed_at && within(pr.closed_at, from, to)) {
      events.push({ ...base, id: eventIds.pullRequest(repo, pr.number, 'closed'), action: 'closed', actor: pr.user?.login ?? null, occurred_at: isoOf(pr.closed_at) });
    }
    return true;
  };
  const listPulls = () => octokit.paginate.iterator(octokit.rest.pulls.list, { owner, repo: name, state: 'all', sort: 'updated', direction: 'desc', per_page: 100 });
  // Pages are offsets, so when a pull request is updated between two page requests, the one it pushed off the end
  // of a page comes again at the top of the next (read once, above).
  let pullPages = 0;
  for await (const page of listPulls()) {
    requests++;
    pullPages++;
    for (const pr of page.data) readPull(pr);
    // Most recently updated first: a page reaching back before the range start ends what the range can need.
    if (page.data.length === 0 || page.data.some((pr) => Date.parse(pr.updated_at) < from)) break;
  }
  // A pull request updated while later pages were read has moved to page 1, read already: it is now at the top of
  // the listing, above every one this run has seen, so the listing is read again until a page shows one seen.
  if (pullPages > 1) {
    for await (const page of listPulls()) {
      requests++;
      let reachedSeen = page.data.length === 0;
      for (const pr of page.data) if (!readPull(pr)) reachedSeen = true;
      if (reachedSeen) break;
    }
  }

  // Pull requests opened in the range (or soon after) first, then the others most recently updated first: a long
  // lived pull request touched after the range for an unrelated reason is the likeliest to hold nothing of it.
  // (By the time each was listed: one re-listed from page 1 was updated last.)
  activePulls.sort((a, b) => Number(b.openedNearRange) - Number(a.openedNearRange) || b.updatedAt - a.updatedAt);
  let incomplete = Math.max(0, activePulls.length - maxPullsWithCommits);
  for (const pull of activePulls.slice(0, maxPullsWithCommits)) {
    let listed = 0;
    for await (const page of octokit.paginate.iterator(octokit.rest.pulls.listCommits, { owner, repo: name, pull_number: pull.number, per_page: 100 })) {
      requests++;
      listed += page.data.length;
      for (const c of page.data) addCommit(c, pull.branch);
    }
    if (listed < PULL_COMMITS_LISTED) continue;
    // GitHub lists a pull request's oldest 250 commits only, and the range's may be newer: its head's history
    // within the range holds them (with default-branch commits the first listing already has).
    if (!pull.headSha) {
      incomplete++;
      continue;
    }
    await listHistory(pull.headSha, pull.branch);
  }

  // Work pushed to a branch no pull request covers (pushed-branches.ts), read in the cap's slots the pull requests
  // left.
  const activity = await pushedBranches(octokit, owner, name, from, to);
  requests += activity.requests;
  const pullBranches = new Set(activePulls.filter((p) => p.ownBranch).map((p) => p.branch));
  const selected = await branchesToRead(activity.branches, {
    coveredByPull: (branch) => pullBranches.has(branch),
    listed: (sha) => commits.has(sha),
    defaultBranch: async () => {
      requests++;
      return (await octokit.rest.repos.get({ owner, repo: name })).data.default_branch;
    },
  });
  const branchSlots = Math.max(0, maxPullsWithCommits - activePulls.length);
  for (const pushed of selected.slice(0, branchSlots)) {
    await listHistory(pushed.head, pushed.branch);
    // The range's own head too, when the latest one's history did not hold it (rewritten since).
    if (pushed.rangeHead !== null && pushed.rangeHead !== pushed.head && !commits.has(pushed.rangeHead)) await listHistory(pushed.rangeHead, pushed.branch);
  }

  // Newest first: an issue opened while the pages are read shifts the older ones, which then come twice.
  const seenIssues = new Set<number>();
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, { owner, repo: name, state: 'all', since: fromIso, per_page: 100 })) {
    requests++;
    for (const issue of page.data) {
      if (issue.pull_request) continue; // the issues API lists PRs too; they come from the pulls API above
      if (seenIssues.has(issue.number)) continue;
      seenIssues.add(issue.number);
      const base = { type: 'issues' as const, repo, actor: issue.user?.login ?? null, title: issue.title, message: null, url: httpUrl(issue.html_url), number: issue.number, sha: null, branch: null, files: null };
      if (within(issue.created_at, from, to)) events.push({ ...base, id: eventIds.issue(repo, issue.number, 'opened'), action: 'opened', occurred_at: isoOf(issue.created_at) });
      if (issue.closed_at && within(issue.closed_at, from, to)) events.push({ ...base, id: eventIds.issue(repo, issue.number, 'closed'), action: 'closed', occurred_at: isoOf(issue.closed_at) });
    }
  }
  return {
    events: events.map((e) => GitHubEvent.parse(e)),
    requests,
    pullsWithoutCommits: incomplete,
    branchesWithoutCommits: Math.max(0, selected.length - branchSlots),
    branchActivityIncomplete: !activity.complete,
  };
}
