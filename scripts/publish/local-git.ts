// The local git publisher (Node only: it runs git; never import it from worker code): commits recap files to one
// branch per recap in a local repository, as a pull request would hold them, and leaves the base branch checked out
// and untouched until mergeBranch merges the branch as a reviewer would.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { CONTENT_ROOT, type Publisher, type PublishRequest, type PublishResult } from '../../content-pipeline/publish/types.ts';
import { validatePublishRequest } from '../../content-pipeline/publish/validate.ts';

export interface GitIdentity {
  name: string;
  email: string;
}

export interface LocalGitPublisherOptions {
  /** A git working tree (its root). */
  repoDir: string;
  baseBranch: string;
  contentRoot?: string;
  /** Author and committer of the recap commits. */
  author: GitIdentity;
  /** Fixed author and committer date (e.g. `2026-01-05T12:00:00Z`) for reproducible commits in tests. */
  date?: string;
}

export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
}

interface GitCall {
  identity?: GitIdentity;
  date?: string;
  /** Exit codes that are answers rather than failures (e.g. 1 for "no such ref"). */
  allow?: number[];
}

/** Runs git with an argument array (no shell), never prompting; throws with git's stderr on failure. */
function git(repoDir: string, args: string[], call: GitCall = {}): { status: number; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  for (const key of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_AUTHOR_DATE', 'GIT_COMMITTER_DATE', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[key];
  if (call.date) env.GIT_AUTHOR_DATE = env.GIT_COMMITTER_DATE = call.date;
  const config = call.identity ? ['-c', `user.name=${call.identity.name}`, '-c', `user.email=${call.identity.email}`] : [];
  const result = spawnSync('git', [...config, ...args], { cwd: repoDir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new GitCommandError(`git ${args.join(' ')} could not run in ${repoDir} (is it an existing directory, and git installed?): ${result.error.message}`);
  const status = result.status ?? -1;
  if (status !== 0 && !call.allow?.includes(status)) {
    const output = (result.stderr || result.stdout || '').trim();
    throw new GitCommandError(`git ${args.join(' ')} failed in ${repoDir} (exit ${status}): ${output || 'no output'}`);
  }
  return { status, stdout: result.stdout, stderr: result.stderr };
}

const branchExists = (repoDir: string, branch: string) => git(repoDir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { allow: [1] }).status === 0;
const head = (repoDir: string) => git(repoDir, ['rev-parse', 'HEAD']).stdout.trim();

/** `git status --porcelain` of the working tree: empty when nothing is uncommitted. */
export function uncommittedChanges(repoDir: string): string {
  return git(repoDir, ['status', '--porcelain']).stdout.trim();
}

function assertClean(repoDir: string): void {
  const dirty = uncommittedChanges(repoDir);
  if (dirty) throw new GitCommandError(`the working tree of ${repoDir} has uncommitted changes; commit or stash them first:\n${dirty}`);
}

export class LocalGitPublisher implements Publisher {
  readonly name = 'local-git';
  private readonly options: LocalGitPublisherOptions;

  constructor(options: LocalGitPublisherOptions) {
    this.options = options;
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const { repoDir, baseBranch, author, date } = this.options;
    const files = validatePublishRequest(request, baseBranch, this.options.contentRoot ?? CONTENT_ROOT);
    assertClean(repoDir);
    if (!branchExists(repoDir, baseBranch)) throw new GitCommandError(`base branch ${baseBranch} does not exist in ${repoDir}`);
    const existed = branchExists(repoDir, request.branch);
    git(repoDir, existed ? ['switch', '--quiet', request.branch] : ['switch', '--quiet', '-c', request.branch, baseBranch]);
    let committed = false;
    try {
      const root = realpathSync(repoDir);
      for (const file of request.files) {
        const target = join(repoDir, ...file.path.split('/'));
        // A symlinked folder inside the repository must not carry a write (or a new folder) outside it.
        let existing = dirname(target);
        while (!existsSync(existing)) existing = dirname(existing);
        const parent = relative(root, realpathSync(existing));
        if (parent === '..' || parent.startsWith(`..${sep}`) || isAbsolute(parent)) throw new GitCommandError(`refusing to write ${file.path}: it resolves outside ${repoDir}`);
        // Nor a symlink at the file's own path: the write would land on whatever it points at, and git would see
        // the link unchanged.
        if (lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) throw new GitCommandError(`refusing to write ${file.path}: it is a symbolic link`);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, file.content);
      }
      if (!git(repoDir, ['status', '--porcelain', '--', ...files]).stdout.trim()) {
        return { outcome: 'unchanged', branch: request.branch, commit_sha: head(repoDir), files };
      }
      git(repoDir, ['add', '--', ...files]);
      git(repoDir, ['commit', '--quiet', '-m', request.title], { identity: author, ...(date ? { date } : {}) });
      committed = true;
      return { outcome: existed ? 'updated' : 'created', branch: request.branch, commit_sha: head(repoDir), files };
    } catch (error) {
      // Put back what this call wrote (the tree was clean before it), so the base branch can be checked out again.
      try {
        git(repoDir, ['reset', '--quiet', '--hard']);
        git(repoDir, ['clean', '--quiet', '-f', '-d', '--', ...files]);
      } catch {
        // The switch below then reports what is left.
      }
      throw error;
    } finally {
      git(repoDir, ['switch', '--quiet', baseBranch]);
      // A branch that received no commit would only be a copy of the base: leave none behind.
      if (!existed && !committed) git(repoDir, ['branch', '--quiet', '-D', request.branch]);
    }
  }
}

/** Whether `branch` is merged into `baseBranch` (its last commit is in the base's history). */
export function isMerged(repoDir: string, branch: string, baseBranch: string): boolean {
  return git(repoDir, ['merge-base', '--is-ancestor', `refs/heads/${branch}`, `refs/heads/${baseBranch}`], { allow: [1] }).status === 0;
}

/** Merges `branch` into `baseBranch` with a merge commit (`--no-ff`), as a reviewer would; returns its SHA. */
export function mergeBranch(repoDir: string, branch: string, baseBranch: string, options: { identity?: GitIdentity; date?: string } = {}): string {
  assertClean(repoDir);
  if (!branchExists(repoDir, branch)) throw new GitCommandError(`cannot merge ${branch}: no such branch in ${repoDir}`);
  git(repoDir, ['switch', '--quiet', baseBranch]);
  const identity = options.identity ?? { name: 'Local Reviewer', email: 'reviewer@localhost' };
  const merged = git(repoDir, ['merge', '--quiet', '--no-ff', '--no-edit', '-m', `Merge branch '${branch}'`, branch], { identity, ...(options.date ? { date: options.date } : {}), allow: [1] });
  if (merged.status !== 0) {
    git(repoDir, ['merge', '--abort'], { allow: [128] });
    throw new GitCommandError(`merging ${branch} into ${baseBranch} in ${repoDir} failed; the merge was aborted: ${`${merged.stdout}\n${merged.stderr}`.trim()}`);
  }
  return head(repoDir);
}
