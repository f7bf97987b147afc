// The GitHub pull request publisher: all recap files in one commit built with the Git Data API (blob → tree →
// commit → ref) on one fixed branch per recap, and one pull request per branch. A re-run with the same content
// writes nothing; with new content it moves the same branch and updates the same open PR. Runs in Node and workerd.
import { type Octokit, RequestError } from 'octokit';
import { gitBlobSha } from './git-blob.ts';
import { CONTENT_ROOT, type Publisher, type PublishRequest, type PublishResult } from './types.ts';
import { validatePublishRequest } from './validate.ts';

export interface GitHubPublisherOptions {
  /** `owner/name` of the repository holding the site. */
  repo: string;
  /** The branch pull requests target, e.g. `main`. */
  baseBranch: string;
  contentRoot?: string;
  /** Added to every new pull request (with the request's own). */
  labels?: string[];
  /** Requested on every new pull request (with the request's own). */
  reviewers?: string[];
  /** Commit author. Omit with a GitHub App installation token so the commits show as verified. */
  author?: { name: string; email: string };
}

const FILE_MODE = '100644' as const;
const union = (...lists: Array<string[] | undefined>) => [...new Set(lists.flatMap((list) => list ?? []))];

export class GitHubPublisher implements Publisher {
  readonly name = 'github';
  private readonly octokit: Octokit;
  private readonly options: GitHubPublisherOptions;
  private readonly owner: string;
  private readonly repo: string;

  constructor(octokit: Octokit, options: GitHubPublisherOptions) {
    const match = /^([\w.-]+)\/([\w.-]+)$/.exec(options.repo);
    if (!match) throw new Error(`GitHubPublisher: repo must be "owner/name", got ${JSON.stringify(options.repo)}`);
    this.octokit = octokit;
    this.options = options;
    this.owner = match[1]!;
    this.repo = match[2]!;
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const { baseBranch } = this.options;
    const files = validatePublishRequest(request, baseBranch, this.options.contentRoot ?? CONTENT_ROOT);
    const git = this.octokit.rest.git;
    const at = { owner: this.owner, repo: this.repo };

    const base = await this.branchHead(baseBranch);
    if (!base) throw new Error(`GitHubPublisher: base branch ${baseBranch} does not exist in ${this.options.repo}`);
    const existing = await this.branchHead(request.branch);
    const head = existing ?? base;

    // No-op detection: the SHAs git would give the wanted files against the tree the branch (or the base) holds.
    const { tree: headTree, changed } = await this.changedFiles(head, request.files);
    if (changed.length === 0) {
      const open = existing ? await this.openPull(request.branch) : undefined;
      // The branch holds these files but this head was never proposed: an earlier attempt stopped between moving the
      // branch and opening its pull request (after a merged PR too). A closed PR of this very head (a reviewer's
      // no), or a base that has the files already, is left alone.
      if (existing && existing !== base && !open && (await this.lastClosedHead(request.branch)) !== existing) {
        if ((await this.changedFiles(base, request.files)).changed.length > 0) return this.propose(request, head, files);
      }
      // An attempt that moved the branch and stopped before refreshing its open PR: the PR still tells the reviewer
      // about the version before.
      if (open && (open.title !== request.title || (open.body ?? '') !== request.body)) {
        const pr = await this.octokit.rest.pulls.update({ ...at, pull_number: open.number, title: request.title, body: request.body });
        return { outcome: 'updated', branch: request.branch, commit_sha: head, pr_number: pr.data.number, pr_url: pr.data.html_url, files };
      }
      return unchanged(request, head, files, open);
    }

    const open = existing ? await this.openPull(request.branch) : undefined;
    // A branch whose pull request was merged or closed is stale: GitHub keeps it after a merge, and after a squash
    // merge its history is not the base's, so a commit on top of it alone would conflict. New content starts from
    // the base's tree, in a commit whose parents are the base and the old branch head: the new PR's diff is against
    // the base, and the branch still moves only forward (no force), so a concurrent publish cannot be overwritten.
    const stale = existing !== null && existing !== base && !open && (await this.lastClosedHead(request.branch)) !== undefined;
    let parent = head;
    let parentTree = headTree;
    let toWrite = changed;
    if (stale) {
      ({ tree: parentTree, changed: toWrite } = await this.changedFiles(base, request.files));
      parent = base;
      if (toWrite.length === 0) return unchanged(request, base, files, undefined);
    }

    // One blob per changed file (one at a time: GitHub asks for serial writes), then one tree and one commit.
    const entries = [];
    for (const file of toWrite) {
      const blob = await git.createBlob({ ...at, content: file.content, encoding: 'utf-8' });
      entries.push({ path: file.path, mode: FILE_MODE, type: 'blob' as const, sha: blob.data.sha });
    }
    const tree = (await git.createTree({ ...at, base_tree: parentTree, tree: entries })).data.sha;
    // A truncated listing can hide an identical file; an identical tree still means there is nothing to commit.
    if (tree === parentTree) return unchanged(request, parent, files, open);
    const author = this.options.author;
    const parents = stale && existing ? [base, existing] : [parent];
    const commit = (await git.createCommit({ ...at, message: request.title, tree, parents, ...(author ? { author } : {}) })).data.sha;
    if (existing) await git.updateRef({ ...at, ref: `heads/${request.branch}`, sha: commit, force: false });
    else await git.createRef({ ...at, ref: `refs/heads/${request.branch}`, sha: commit });

    if (open) {
      const pr = await this.octokit.rest.pulls.update({ ...at, pull_number: open.number, title: request.title, body: request.body });
      return { outcome: 'updated', branch: request.branch, commit_sha: commit, pr_number: pr.data.number, pr_url: pr.data.html_url, files };
    }
    return this.propose(request, commit, files);
  }

  /** The files of `request` that the tree of `commit` does not hold as they are, and that tree's SHA. */
  private async changedFiles(commit: string, wanted: PublishRequest['files']): Promise<{ tree: string; changed: PublishRequest['files'] }> {
    const at = { owner: this.owner, repo: this.repo };
    const tree = (await this.octokit.rest.git.getCommit({ ...at, commit_sha: commit })).data.tree.sha;
    const listing = (await this.octokit.rest.git.getTree({ ...at, tree_sha: tree, recursive: '1' })).data;
    const have = new Map(listing.tree.filter((e) => e.type === 'blob' && e.path).map((e) => [e.path!, e]));
    const changed: PublishRequest['files'] = [];
    for (const file of wanted) {
      const entry = have.get(file.path);
      if (!entry || entry.mode !== FILE_MODE || entry.sha !== (await gitBlobSha(file.content))) changed.push(file);
    }
    return { tree, changed };
  }

  /**
   * Opens the pull request for the branch, with the labels and reviewers asked for. Once the PR exists, a refused
   * label or reviewer (GitHub's 422 for the PR's own author or a non-collaborator, or any other failure) is a
   * warning in the result, not a failure: a retry would find the PR open and never ask again.
   */
  private async propose(request: PublishRequest, commit: string, files: string[]): Promise<PublishResult> {
    const at = { owner: this.owner, repo: this.repo };
    const pr = await this.createPull(request);
    const warnings: string[] = [];
    const attempt = async (what: string, call: () => Promise<unknown>) => {
      try {
        await call();
      } catch (error) {
        const answer = error instanceof RequestError ? `GitHub answered ${error.status}: ${error.message}` : String((error as Error)?.message ?? error);
        warnings.push(`${what} not set: ${answer}`.slice(0, 300));
      }
    };
    const labels = union(this.options.labels, request.labels);
    if (labels.length) await attempt(`labels ${labels.join(', ')}`, () => this.octokit.rest.issues.addLabels({ ...at, issue_number: pr.number, labels }));
    const reviewers = union(this.options.reviewers, request.reviewers);
    if (reviewers.length) await attempt(`reviewers ${reviewers.join(', ')}`, () => this.octokit.rest.pulls.requestReviewers({ ...at, pull_number: pr.number, reviewers }));
    return { outcome: 'created', branch: request.branch, commit_sha: commit, pr_number: pr.number, pr_url: pr.html_url, files, ...(warnings.length > 0 && { warnings }) };
  }

  /** The head commit of the branch's latest closed or merged pull request; undefined when it never had one. */
  private async lastClosedHead(branch: string): Promise<string | undefined> {
    const { data } = await this.octokit.rest.pulls.list({ owner: this.owner, repo: this.repo, head: `${this.owner}:${branch}`, base: this.options.baseBranch, state: 'closed', sort: 'created', direction: 'desc', per_page: 1 });
    return data[0]?.head.sha;
  }

  /** The commit a branch points at, or null when it does not exist. */
  private async branchHead(branch: string): Promise<string | null> {
    try {
      return (await this.octokit.rest.git.getRef({ owner: this.owner, repo: this.repo, ref: `heads/${branch}` })).data.object.sha;
    } catch (error) {
      if (error instanceof RequestError && error.status === 404) return null;
      throw error;
    }
  }

  private async openPull(branch: string): Promise<{ number: number; html_url: string; title: string; body: string | null } | undefined> {
    const { data } = await this.octokit.rest.pulls.list({ owner: this.owner, repo: this.repo, head: `${this.owner}:${branch}`, base: this.options.baseBranch, state: 'open', per_page: 1 });
    return data[0];
  }

  private async createPull(request: PublishRequest): Promise<{ number: number; html_url: string }> {
    const at = { owner: this.owner, repo: this.repo };
    try {
      return (await this.octokit.rest.pulls.create({ ...at, head: request.branch, base: this.options.baseBranch, title: request.title, body: request.body })).data;
    } catch (error) {
      // Another run opened it between our lookup and now: that PR already shows the new commit.
      const open = error instanceof RequestError && error.status === 422 ? await this.openPull(request.branch) : undefined;
      if (!open) throw error;
      return open;
    }
  }
}

/** Nothing to commit: the branch (or the base) already holds the files; the open PR, if any, is reported. */
function unchanged(request: PublishRequest, head: string, files: string[], open: { number: number; html_url: string } | undefined): PublishResult {
  return { outcome: 'unchanged', branch: request.branch, commit_sha: head, files, ...(open ? { pr_number: open.number, pr_url: open.html_url } : {}) };
}
