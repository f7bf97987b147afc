// The fake GitHub's repository records (commits, pull requests, issues, and the Git Data store of a seeded
// repository) and how GitHub's REST API renders them: listings with their filters (the activity included), a pull
// request, a commit.
import type { GitStore } from './fake-git-store.ts';

/** A commit, on the default branch (`branch` null or main) or on a feature branch. */
export interface Commit { sha: string; message: string; login: string | null; date: string; branch: string | null }
export interface Pull {
  number: number; title: string; body: string | null; login: string | null; branch: string | null; base: string;
  created_at: string; updated_at: string; merged_at: string | null; closed_at: string | null;
  labels: string[]; reviewers: string[]; merge_commit_sha: string | null;
  /** The head commit when the PR was closed or merged: GitHub keeps showing it, wherever the branch moves after. */
  closed_head_sha?: string | null;
}
export interface Issue { number: number; title: string; login: string | null; created_at: string; updated_at: string; closed_at: string | null }
export interface Repo { commits: Commit[]; pulls: Map<number, Pull>; issues: Map<number, Issue>; git: GitStore }

export type Listing = 'commits' | 'pulls' | 'issues' | 'activity';

export function listJson(full: string, repo: Repo, kind: Listing, q: URLSearchParams): unknown[] {
  const since = q.get('since') ? Date.parse(q.get('since')!) : -Infinity;
  const until = q.get('until') ? Date.parse(q.get('until')!) : Infinity;
  const html = `https://github.com/${full}`;
  if (kind === 'commits') {
    // GitHub lists the default branch's history: a feature branch's commits join it when its pull request merges.
    // With `sha` (a commit or a branch), that one's history: its branch's commits up to it, and the default
    // branch's before it.
    const merged = new Set([...repo.pulls.values()].filter((p) => p.merged_at !== null).map((p) => p.branch));
    const onDefault = (c: Commit) => c.branch === null || c.branch === 'main' || merged.has(c.branch);
    const sha = q.get('sha');
    const head = sha ? (repo.commits.find((c) => c.sha === sha) ?? [...repo.commits].filter((c) => c.branch === sha).sort((a, b) => b.date.localeCompare(a.date))[0]) : undefined;
    return repo.commits
      .filter((c) => (head && !onDefault(head) ? (c.branch === head.branch || onDefault(c)) && c.date <= head.date : onDefault(c)))
      .filter((c) => Date.parse(c.date) >= since && Date.parse(c.date) <= until)
      .sort((a, b) => b.date.localeCompare(a.date))
      .map((c) => listedCommitJson(html, c));
  }
  if (kind === 'activity') return activityJson(repo, q);
  if (kind === 'pulls') {
    const state = q.get('state') ?? 'open';
    const [headOwner, headBranch] = (q.get('head') ?? '').split(':');
    return [...repo.pulls.values()]
      .filter((p) => state === 'all' || (state === 'closed') === (p.closed_at !== null))
      .filter((p) => !q.get('head') || (headOwner?.toLowerCase() === full.split('/')[0]!.toLowerCase() && p.branch === headBranch))
      .filter((p) => !q.get('base') || p.base === q.get('base'))
      .sort((a, b) => b.updated_at.localeCompare(a.updated_at))
      .map((p) => pullJson(full, repo, p));
  }
  const issues = [...repo.issues.values()]
    .filter((i) => Date.parse(i.updated_at) >= since)
    .map((i) => ({ number: i.number, title: i.title, html_url: `${html}/issues/${i.number}`, user: i.login ? { login: i.login } : null, state: i.closed_at ? 'closed' : 'open', created_at: i.created_at, updated_at: i.updated_at, closed_at: i.closed_at }));
  // The issues API lists pull requests too, marked with a pull_request key.
  const pulls = [...repo.pulls.values()]
    .filter((p) => Date.parse(p.updated_at) >= since)
    .map((p) => ({ number: p.number, title: p.title, html_url: `${html}/pull/${p.number}`, user: p.login ? { login: p.login } : null, state: 'open', created_at: p.created_at, updated_at: p.updated_at, closed_at: p.closed_at, pull_request: { url: `${html}/pull/${p.number}` } }));
  return [...issues, ...pulls].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
}

/**
 * `GET activity`: one push per commit, to its branch (the default branch's as main) at its date, `before` the
 * branch's previous commit (a feature branch's first is its branch_creation); newest first unless
 * `direction=asc`; `ref` (`refs/heads/x` or `x`) and `activity_type` filter as on GitHub.
 */
function activityJson(repo: Repo, q: URLSearchParams): unknown[] {
  const byBranch = new Map<string, Commit[]>();
  for (const c of [...repo.commits].sort((a, b) => a.date.localeCompare(b.date))) {
    const branch = c.branch ?? 'main';
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), c]);
  }
  const ref = q.get('ref');
  const type = q.get('activity_type');
  const pushes = [...byBranch].flatMap(([branch, commits]) =>
    commits.map((c, i) => ({
      id: Number.parseInt(c.sha.slice(0, 8), 16),
      node_id: `A_${c.sha.slice(0, 12)}`,
      before: commits[i - 1]?.sha ?? '0'.repeat(40),
      after: c.sha,
      ref: `refs/heads/${branch}`,
      timestamp: c.date,
      // A branch's first push creates it (the default branch's is there from the start).
      activity_type: i === 0 && branch !== 'main' ? 'branch_creation' : 'push',
      actor: c.login ? { login: c.login } : null,
    })),
  );
  return pushes
    .filter((a) => !ref || a.ref === ref || a.ref === `refs/heads/${ref}`)
    .filter((a) => !type || a.activity_type === type)
    .sort((a, b) => (q.get('direction') === 'asc' ? a.timestamp.localeCompare(b.timestamp) : b.timestamp.localeCompare(a.timestamp)));
}

/** A commit as the commit listings (`GET commits`, `GET pulls/{n}/commits`) give it. */
export function listedCommitJson(html: string, c: Commit) {
  return { sha: c.sha, html_url: `${html}/commit/${c.sha}`, author: c.login ? { login: c.login } : null, commit: { message: c.message, author: { name: c.login, date: c.date }, committer: { date: c.date } } };
}

/** A pull request's own commits, oldest first: its branch's, up to its closing if it was closed or merged. */
export function pullCommits(repo: Repo, p: Pull): Commit[] {
  return repo.commits.filter((c) => p.branch !== null && c.branch === p.branch && (p.closed_at === null || c.date <= p.closed_at)).sort((a, b) => a.date.localeCompare(b.date));
}

/** GitHub gives at most this many of a pull request's commits (the oldest). */
const PULL_COMMITS_LISTED = 250;

/** `GET pulls/{n}/commits`, before paging. */
export function pullCommitsJson(full: string, repo: Repo, p: Pull): unknown[] {
  return pullCommits(repo, p).slice(0, PULL_COMMITS_LISTED).map((c) => listedCommitJson(`https://github.com/${full}`, c));
}

export function pullJson(full: string, repo: Repo, p: Pull) {
  const [owner] = full.split('/');
  const branch = p.branch ?? 'main';
  return {
    number: p.number, title: p.title, body: p.body, html_url: `https://github.com/${full}/pull/${p.number}`, user: p.login ? { login: p.login } : null,
    head: { ref: branch, label: `${owner}:${branch}`, repo: { full_name: full }, sha: (p.closed_at ? p.closed_head_sha : undefined) ?? repo.git.refs.get(`heads/${branch}`) ?? pullCommits(repo, p).at(-1)?.sha ?? null },
    base: { ref: p.base, sha: repo.git.refs.get(`heads/${p.base}`) ?? null },
    state: p.closed_at ? 'closed' : 'open', merged: p.merged_at !== null, merge_commit_sha: p.merge_commit_sha,
    created_at: p.created_at, updated_at: p.updated_at, merged_at: p.merged_at, closed_at: p.closed_at,
    labels: p.labels.map((name) => ({ name })), requested_reviewers: p.reviewers.map((login) => ({ login })),
  };
}

export function commitJson(full: string, git: GitStore, sha: string) {
  const c = git.commit(sha);
  return {
    sha, html_url: `https://github.com/${full}/commit/${sha}`, message: c.message, tree: { sha: c.tree }, parents: c.parents.map((p) => ({ sha: p })),
    author: c.author, committer: c.committer, verification: { verified: c.verified, reason: c.verified ? 'valid' : 'unsigned' },
  };
}
