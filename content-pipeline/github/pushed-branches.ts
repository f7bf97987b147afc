// Branches pushed to without a pull request, for the backfill (backfill.ts): the repository's activity (GET
// activity: pushes, force pushes and branch creations, newest first) names them, with the heads their history is
// listed from, and which of them to read.
import type { Octokit } from 'octokit';

/**
 * Work done in the range may be pushed, or proposed in a pull request, in the days after it: pushes and pull
 * requests up to this long after the range count.
 */
export const AFTER_RANGE_MS = 7 * 86_400_000;

/** Pages of the repository's activity (100 pushes and other changes each, newest first) read to find branches. */
export const MAX_ACTIVITY_PAGES = 3;

const NO_COMMIT = /^0{40}$/;

/** Activity that puts commits on a branch: its `after` is the branch's new head. */
const PUSH_ACTIVITY = new Set(['push', 'force_push', 'branch_creation']);

export interface PushedBranch {
  branch: string;
  /**
   * The head after the branch's latest push in the range or the week after it: work committed in the range and
   * pushed later is in its history.
   */
  head: string;
  /**
   * The head after its latest push in the range itself (null when pushed only in the week after): when history was
   * rewritten since (a squash and force push, a deletion and a new branch of the same name), the range's work is
   * in its history only.
   */
  rangeHead: string | null;
  /** The branch's first push in that window: branches are read in that order (branchesToRead). */
  firstPushedAt: number;
}

/** A 403 that is a rate limit (octokit gave up waiting) is not a lack of access: the job retries it. */
function isRateLimit(error: unknown): boolean {
  const { message, response } = error as { message?: string; response?: { headers?: Record<string, string | undefined> } };
  return /rate limit/i.test(message ?? '') || response?.headers?.['x-ratelimit-remaining'] === '0' || response?.headers?.['retry-after'] !== undefined;
}

/**
 * Branches pushed to (pushed, force-pushed or created) in [from, to + a week), from the repository's activity,
 * newest first. `complete` is false when the activity could not be read back to `from`.
 */
export async function pushedBranches(octokit: Octokit, owner: string, name: string, from: number, to: number): Promise<{ branches: Map<string, PushedBranch>; requests: number; complete: boolean }> {
  const branches = new Map<string, PushedBranch>();
  let requests = 0;
  try {
    for await (const page of octokit.paginate.iterator(octokit.rest.repos.listActivities, { owner, repo: name, direction: 'desc', per_page: 100 })) {
      requests++;
      for (const activity of page.data) {
        if (!activity.ref.startsWith('refs/heads/') || !PUSH_ACTIVITY.has(activity.activity_type) || NO_COMMIT.test(activity.after)) continue;
        const at = Date.parse(activity.timestamp);
        if (at < from || at >= to + AFTER_RANGE_MS) continue;
        const branch = activity.ref.slice('refs/heads/'.length);
        // Newest first: the first push seen in the window is its latest, each one after it an earlier one.
        const seen = branches.get(branch) ?? { branch, head: activity.after, rangeHead: null, firstPushedAt: at };
        seen.firstPushedAt = at;
        if (at < to) seen.rangeHead ??= activity.after;
        branches.set(branch, seen);
      }
      // Newest first: a page reaching back before the range start ends what the range can need.
      const last = page.data.length === 0 || !/rel="next"/.test(page.headers.link ?? '');
      if (last || page.data.some((a) => Date.parse(a.timestamp) < from)) return { branches, requests, complete: true };
      if (requests >= MAX_ACTIVITY_PAGES) return { branches, requests, complete: false };
    }
    return { branches, requests, complete: true };
  } catch (error) {
    // No access to the activity (a token without it, a GitHub Enterprise Server without the endpoint): the rest of
    // the backfill stands, and the result says branches may be missing.
    const status = (error as { status?: number }).status;
    if ((status === 403 && !isRateLimit(error)) || status === 404 || status === 410) return { branches, requests: requests + 1, complete: false };
    throw error;
  }
}

/**
 * The branches to read, in reading order: not the default branch, none a pull request of this repository covers,
 * none whose heads are all listed already (a merged one's) or all another branch's to read. First pushed first: a
 * branch made from another lists the other's commits too, which keep the branch listed first. That is the branch
 * they were pushed to, as the push webhook stored them, when it was pushed first; a long-lived branch that merged
 * one pushed later (a `develop`) takes that one's commits. Telling them apart would take a comparison per push.
 * The default branch is asked for only when some branch is left to read.
 */
export async function branchesToRead(
  branches: Map<string, PushedBranch>,
  known: { coveredByPull: (branch: string) => boolean; listed: (sha: string) => boolean; defaultBranch: () => Promise<string> },
): Promise<PushedBranch[]> {
  const listed = (sha: string | null) => sha === null || known.listed(sha);
  let candidates = [...branches.values()].filter((b) => !known.coveredByPull(b.branch) && !(listed(b.head) && listed(b.rangeHead)));
  if (candidates.length === 0) return [];
  const defaultBranch = await known.defaultBranch();
  candidates = candidates.filter((b) => b.branch !== defaultBranch).sort((a, b) => a.firstPushedAt - b.firstPushedAt);
  const heads = new Set<string>();
  return candidates.filter((b) => {
    const own = [b.head, b.rangeHead].filter((sha): sha is string => sha !== null && !heads.has(sha));
    for (const sha of own) heads.add(sha);
    return own.length > 0;
  });
}
