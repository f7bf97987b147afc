// GitHubPublisher through octokit against the fake GitHub over real HTTP: the exact Git Data and pull request
// calls of a first publish, no-op re-runs, updates of the same branch and PR, several files in one commit, paths
// refused before any request, and a 5xx retried. (Octokit spaces writes a second apart, as GitHub asks: slow-ish.)
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RequestError } from 'octokit';
import { createGitHubClient } from '../../content-pipeline/github/backfill.ts';
import { GitHubPublisher, type GitHubPublisherOptions } from '../../content-pipeline/publish/github.ts';
import { gitBlobSha } from '../../content-pipeline/publish/git-blob.ts';
import { PathOutsideContentRootError, type PublishRequest } from '../../content-pipeline/publish/types.ts';
import { InvalidBranchError } from '../../content-pipeline/publish/validate.ts';
import { FakeGitHub } from '../../scripts/sandbox/fake-github.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP = { id: '4242', installationId: '77', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
const TOKEN = 'github_pat_publisher';
const github = new FakeGitHub({ token: TOKEN, app: APP });

beforeAll(async () => {
  await github.start();
});
afterAll(() => github.stop());
beforeEach(() => {
  github.log.length = 0;
  github.faults.length = 0;
});

const SEED = { 'README.md': '# The blog\n', 'site/content/recaps/README.md': 'Recaps land here through pull requests.\n' };
const PATH = 'site/content/recaps/2026/2026-01-05-daily-recap.md';
const BRANCH = 'recap/daily/2026-01-05';
const AUTHOR = { name: 'Clip Recap', email: 'recap@example.invalid' };
let repoCount = 0;

/** A fresh repository per test, seeded with one commit on main. */
function seed(files: Record<string, string> = SEED) {
  const repo = `streamdev/blog-${++repoCount}`;
  const base = github.initRepository(repo, 'main', files);
  return { repo, base, git: github.repos.get(repo)!.git, pulls: () => [...github.repos.get(repo)!.pulls.values()] };
}
const tokenClient = () => createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: github.baseUrl, maxRateLimitWaitSeconds: 5, throttle: false });
const publisher = async (repo: string, options: Partial<GitHubPublisherOptions> = {}) =>
  new GitHubPublisher(await tokenClient(), { repo, baseBranch: 'main', author: AUTHOR, ...options });
const request = (content: string, extra: Partial<PublishRequest> = {}): PublishRequest => ({
  branch: BRANCH,
  title: 'Daily recap: 2026-01-05',
  body: 'Generated recap for review.',
  files: [{ path: PATH, content }],
  ...extra,
});
const calls = () => github.log.map((e) => `${e.method} ${e.path}`);
const writes = () => github.log.filter((e) => e.method !== 'GET');

describe('GitHubPublisher', () => {
  it('opens a PR on a new branch with one commit built blob → tree → commit → ref, then labels and reviewers', async () => {
    const { repo, base, git, pulls } = seed();
    const p = await publisher(repo, { labels: ['recap'], reviewers: ['streamdev'] });
    const result = await p.publish(request('# Monday\n'));

    expect(result).toMatchObject({ outcome: 'created', branch: BRANCH, pr_number: 1, pr_url: `https://github.com/${repo}/pull/1`, files: [PATH] });
    const r = `/repos/${repo}`;
    expect(calls()).toEqual([
      `GET ${r}/git/ref/heads/main`,
      `GET ${r}/git/ref/heads/${BRANCH}`,
      `GET ${r}/git/commits/${base}`,
      `GET ${r}/git/trees/${git.commit(base).tree}`,
      `POST ${r}/git/blobs`,
      `POST ${r}/git/trees`,
      `POST ${r}/git/commits`,
      `POST ${r}/git/refs`,
      `POST ${r}/pulls`,
      `POST ${r}/issues/1/labels`,
      `POST ${r}/pulls/1/requested_reviewers`,
    ]);
    expect(github.log[1]!.status).toBe(404);

    const commit = git.commit(result.commit_sha!);
    expect(commit.parents).toEqual([base]);
    expect(commit.message).toBe('Daily recap: 2026-01-05');
    expect(commit.author).toMatchObject(AUTHOR);
    expect(github.files(repo, BRANCH)).toEqual({ ...SEED, [PATH]: '# Monday\n' });
    expect(github.files(repo, 'main')).toEqual(SEED);
    expect(pulls()).toMatchObject([{ number: 1, branch: BRANCH, base: 'main', title: 'Daily recap: 2026-01-05', body: 'Generated recap for review.', labels: ['recap'], reviewers: ['streamdev'], closed_at: null }]);
  });

  it('does nothing when the branch already holds the same files, and still reports the open PR', async () => {
    const { repo, git } = seed();
    const p = await publisher(repo);
    const first = await p.publish(request('# Monday\n'));
    github.log.length = 0;

    const again = await p.publish(request('# Monday\n'));
    expect(again).toEqual({ outcome: 'unchanged', branch: BRANCH, commit_sha: first.commit_sha, pr_number: first.pr_number, pr_url: first.pr_url, files: [PATH] });
    expect(writes()).toEqual([]);
    const r = `/repos/${repo}`;
    expect(calls()).toEqual([`GET ${r}/git/ref/heads/main`, `GET ${r}/git/ref/heads/${BRANCH}`, `GET ${r}/git/commits/${first.commit_sha}`, `GET ${r}/git/trees/${git.commit(first.commit_sha!).tree}`, `GET ${r}/pulls`]);
  });

  it('creates no branch when the base already has identical files', async () => {
    const { repo, base, git } = seed({ ...SEED, [PATH]: '# Monday\n' });
    const result = await (await publisher(repo)).publish(request('# Monday\n'));
    expect(result).toEqual({ outcome: 'unchanged', branch: BRANCH, commit_sha: base, files: [PATH] });
    expect(writes()).toEqual([]);
    expect(git.refs.has(`heads/${BRANCH}`)).toBe(false);
  });

  it('updates the same branch and the same PR when the content changes', async () => {
    const { repo, git, pulls } = seed();
    const p = await publisher(repo);
    const first = await p.publish(request('# Monday\n'));
    github.log.length = 0;

    const second = await p.publish(request('# Monday, revised\n', { title: 'Daily recap: 2026-01-05 (v2)', body: 'Second take.' }));
    expect(second).toMatchObject({ outcome: 'updated', branch: BRANCH, pr_number: first.pr_number, pr_url: first.pr_url });
    expect(second.commit_sha).not.toBe(first.commit_sha);
    expect(git.commit(second.commit_sha!).parents).toEqual([first.commit_sha]);
    expect(git.refs.get(`heads/${BRANCH}`)).toBe(second.commit_sha);
    expect(github.files(repo, BRANCH)[PATH]).toBe('# Monday, revised\n');
    expect(pulls()).toHaveLength(1);
    expect(pulls()[0]).toMatchObject({ title: 'Daily recap: 2026-01-05 (v2)', body: 'Second take.', closed_at: null });
    const r = `/repos/${repo}`;
    expect(calls().slice(4)).toEqual([`GET ${r}/pulls`, `POST ${r}/git/blobs`, `POST ${r}/git/trees`, `POST ${r}/git/commits`, `PATCH ${r}/git/refs/heads/${BRANCH}`, `PATCH ${r}/pulls/1`]);
  });

  it('after the PR was merged: identical content is unchanged, new content opens a new PR on the same branch, from the base', async () => {
    const { repo, git, pulls } = seed();
    const octokit = await tokenClient();
    const p = new GitHubPublisher(octokit, { repo, baseBranch: 'main' });
    const first = await p.publish(request('# Monday\n'));
    const [owner, name] = repo.split('/') as [string, string];
    const merged = await octokit.rest.pulls.merge({ owner, repo: name, pull_number: first.pr_number!, sha: first.commit_sha });
    expect(git.commit(merged.data.sha).parents).toEqual([expect.any(String), first.commit_sha]);
    expect(github.files(repo, 'main')[PATH]).toBe('# Monday\n');

    expect(await p.publish(request('# Monday\n'))).toEqual({ outcome: 'unchanged', branch: BRANCH, commit_sha: first.commit_sha, files: [PATH] });
    const again = await p.publish(request('# Monday, corrected\n'));
    expect(again).toMatchObject({ outcome: 'created', pr_number: 2 });
    // The merged branch is stale: the new commit starts from the base (the merge) and keeps the old head as its
    // second parent, so the branch moves forward and the PR's diff is against the base.
    expect(git.commit(again.commit_sha!).parents).toEqual([merged.data.sha, first.commit_sha]);
    expect(git.refs.get(`heads/${BRANCH}`)).toBe(again.commit_sha);
    expect(pulls().map((pr) => [pr.number, pr.merged_at !== null, pr.closed_at !== null])).toEqual([[1, true, true], [2, false, false]]);
  });

  it('after a squash merge (the branch kept, its history not the base\'s), a correction opens a PR that merges cleanly', async () => {
    const { repo, base, git, pulls } = seed();
    const octokit = await tokenClient();
    const p = new GitHubPublisher(octokit, { repo, baseBranch: 'main' });
    const first = await p.publish(request('# Monday\n'));
    // What GitHub's squash merge does: one new commit on main with the PR's tree; the PR merged; the branch left.
    const squash = git.createCommit({ message: 'Daily recap (#1)', tree: git.commit(first.commit_sha!).tree, parents: [base], author: { name: 'x', email: 'x@x.invalid', date: '2026-01-06T00:00:00Z' } });
    git.refs.set('heads/main', squash);
    Object.assign(pulls()[0]!, { merged_at: '2026-01-06T00:00:00Z', closed_at: '2026-01-06T00:00:00Z' });

    expect((await p.publish(request('# Monday\n'))).outcome).toBe('unchanged');
    const again = await p.publish(request('# Monday, corrected\n'));
    expect(again).toMatchObject({ outcome: 'created', pr_number: 2 });
    expect(git.commit(again.commit_sha!).parents).toEqual([squash, first.commit_sha]);
    const [owner, name] = repo.split('/') as [string, string];
    const merge = await octokit.rest.pulls.merge({ owner, repo: name, pull_number: again.pr_number! }).then((r) => r.status, (e: { status: number }) => e.status);
    expect(merge).toBe(200);
    expect(github.files(repo, 'main')[PATH]).toBe('# Monday, corrected\n');
  });

  it('never moves a stale branch backwards: a correction racing another one fails for its retry, and the other\'s commit stays', async () => {
    const { repo, git } = seed();
    const setup = await tokenClient();
    const first = await new GitHubPublisher(setup, { repo, baseBranch: 'main' }).publish(request('# Monday\n'));
    const [owner, name] = repo.split('/') as [string, string];
    await setup.rest.pulls.merge({ owner, repo: name, pull_number: first.pr_number!, sha: first.commit_sha });
    // Run A: between its commit and its ref update, run B (a second publish of the same recap) publishes.
    const a = await tokenClient();
    let b: Awaited<ReturnType<GitHubPublisher['publish']>> | undefined;
    a.hook.before('request', async (options) => {
      if (!b && options.method === 'PATCH' && /git\/refs/.test(String(options.url))) {
        b = await new GitHubPublisher(await tokenClient(), { repo, baseBranch: 'main' }).publish(request('# Monday, B\n'));
      }
    });
    const resultA = await new GitHubPublisher(a, { repo, baseBranch: 'main' }).publish(request('# Monday, A\n')).catch((e: unknown) => e);
    expect(b).toMatchObject({ outcome: 'created', pr_number: 2 });
    expect(resultA).toBeInstanceOf(RequestError);
    expect(git.refs.get(`heads/${BRANCH}`)).toBe(b!.commit_sha);
  });

    it('opens the PR when GitHub refuses a label or a reviewer, and says so in the result', async () => {
    const { repo, pulls } = seed();
    const octokit = await tokenClient();
    octokit.hook.wrap('request', async (send, options) => {
      if (options.method === 'POST' && /requested_reviewers$/.test(String(options.url))) {
        throw new RequestError('Review cannot be requested from pull request author.', 422, { request: { method: 'POST', url: String(options.url), headers: {} }, response: { status: 422, url: String(options.url), headers: {}, data: {} } });
      }
      return send(options);
    });
    const p = new GitHubPublisher(octokit, { repo, baseBranch: 'main', labels: ['recap'], reviewers: ['streamdev'] });
    const first = await p.publish(request('# Monday\n'));
    expect(first).toMatchObject({ outcome: 'created', pr_number: 1, warnings: ['reviewers streamdev not set: GitHub answered 422: Review cannot be requested from pull request author.'] });
    expect(pulls()).toMatchObject([{ number: 1, labels: ['recap'] }]);
    expect((await p.publish(request('# Monday\n'))).outcome).toBe('unchanged');
    expect(pulls()).toHaveLength(1);
  });

  it('lands several files in one commit, and uploads only the files that changed', async () => {
    const { repo, base, git } = seed();
    const octokit = await createGitHubClient(
      { kind: 'app', appId: APP.id, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), installationId: APP.installationId },
      { baseUrl: github.baseUrl, throttle: false },
    );
    const p = new GitHubPublisher(octokit, { repo, baseBranch: 'main' }); // no author: the App's commits are verified
    const week = 'site/content/recaps/2026/2026-01-11-weekly-summary.md';
    const files = [{ path: PATH, content: '# Monday\n' }, { path: week, content: '# Week 2\n' }];
    const result = await p.publish(request('', { files }));

    expect(result).toMatchObject({ outcome: 'created', files: [PATH, week] });
    expect(github.log.filter((e) => e.path.endsWith('/git/blobs'))).toHaveLength(2);
    expect(github.log.filter((e) => e.path.endsWith('/git/commits') && e.method === 'POST')).toHaveLength(1);
    const commit = git.commit(result.commit_sha!);
    expect(commit.parents).toEqual([base]);
    expect(commit.verified).toBe(true);
    expect(github.files(repo, BRANCH)).toEqual({ ...SEED, [PATH]: '# Monday\n', [week]: '# Week 2\n' });
    expect(git.flatten(commit.tree).get(week)?.sha).toBe(await gitBlobSha('# Week 2\n'));

    github.log.length = 0;
    const second = await p.publish(request('', { files: [files[0]!, { path: week, content: '# Week 2, final\n' }] }));
    expect(second.outcome).toBe('updated');
    expect(github.log.filter((e) => e.path.endsWith('/git/blobs'))).toHaveLength(1);
    expect(github.files(repo, BRANCH)).toMatchObject({ [PATH]: '# Monday\n', [week]: '# Week 2, final\n' });
  });

  it('refuses paths outside the content root and the base branch before any request', async () => {
    const { repo } = seed();
    const p = await publisher(repo);
    for (const path of ['site/content/other.md', 'site/content/recaps/../../../README.md', 'site/content/recaps/2026/../../x.md', '/site/content/recaps/x.md', 'site/content/recaps/./x.md', 'site/content/recaps\\x.md', 'site/content/recaps/x.txt', 'README.md']) {
      await expect(p.publish(request('x', { files: [{ path, content: 'x' }] }))).rejects.toBeInstanceOf(PathOutsideContentRootError);
    }
    // One bad path refuses the whole request, even after good ones.
    await expect(p.publish(request('x', { files: [{ path: PATH, content: 'x' }, { path: 'site/content/recaps/../pages/index.md', content: 'x' }] }))).rejects.toBeInstanceOf(PathOutsideContentRootError);
    await expect(p.publish(request('x', { branch: 'main' }))).rejects.toBeInstanceOf(InvalidBranchError);
    await expect(p.publish(request('x', { branch: 'recap/../main' }))).rejects.toBeInstanceOf(InvalidBranchError);
    expect(github.log).toEqual([]);
  });

  it('opens the PR on the retry of an attempt that pushed the branch and stopped before its PR', async () => {
    const { repo, pulls } = seed();
    const octokit = await tokenClient();
    let dropPullCreate = true;
    octokit.hook.wrap('request', async (send, options) => {
      if (dropPullCreate && options.method === 'POST' && /\/pulls$/.test(String(options.url))) {
        dropPullCreate = false;
        throw new Error('connection dropped');
      }
      return send(options);
    });
    const p = new GitHubPublisher(octokit, { repo, baseBranch: 'main', labels: ['recap'] });
    await expect(p.publish(request('# Monday\n'))).rejects.toThrow('connection dropped');
    expect(pulls()).toHaveLength(0);
    const retry = await p.publish(request('# Monday\n'));
    expect(retry).toMatchObject({ outcome: 'created', branch: BRANCH, pr_number: pulls()[0]!.number });
    expect(pulls()).toHaveLength(1);
    expect(pulls()[0]!.labels).toEqual(['recap']);
    // Once proposed, the same content is unchanged again.
    expect((await p.publish(request('# Monday\n'))).outcome).toBe('unchanged');
  });

  it('leaves a PR a reviewer closed closed when the same content is published again', async () => {
    const { repo, pulls } = seed();
    const octokit = await tokenClient();
    const p = new GitHubPublisher(octokit, { repo, baseBranch: 'main' });
    const first = await p.publish(request('# Monday\n'));
    await octokit.rest.pulls.update({ owner: 'streamdev', repo: repo.split('/')[1]!, pull_number: first.pr_number!, state: 'closed' });
    const again = await p.publish(request('# Monday\n'));
    expect(again.outcome).toBe('unchanged');
    expect(again.pr_number).toBeUndefined();
    expect(pulls()).toHaveLength(1);
  });

  it('retries a 500 and goes on', async () => {
    const { repo } = seed();
    github.faults.push({ kind: 'error', status: 500 });
    const result = await (await publisher(repo)).publish(request('# Monday\n'));
    expect(result.outcome).toBe('created');
    expect(github.log.slice(0, 2).map((e) => [e.path, e.status])).toEqual([[`/repos/${repo}/git/ref/heads/main`, 500], [`/repos/${repo}/git/ref/heads/main`, 200]]);
    expect(github.files(repo, BRANCH)[PATH]).toBe('# Monday\n');
  });
});
