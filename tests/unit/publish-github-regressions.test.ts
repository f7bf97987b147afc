// Regressions of GitHubPublisher found by its property tests (publish-github-model and publish-validate); each failed
// before its fix.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../content-pipeline/github/backfill.ts';
import { GitHubPublisher } from '../../content-pipeline/publish/github.ts';
import { PathOutsideContentRootError, type PublishRequest } from '../../content-pipeline/publish/types.ts';
import { DryRunPublisher } from '../../content-pipeline/publish/dry-run.ts';
import { assertPublishableBranch, InvalidBranchError } from '../../content-pipeline/publish/validate.ts';
import { FakeGitHub } from '../../scripts/sandbox/fake-github.ts';

const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const TOKEN = 'github_pat_regress';
const github = new FakeGitHub({ token: TOKEN, app: { id: '1', installationId: '2', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
beforeAll(() => github.start());
afterAll(() => github.stop());
beforeEach(() => {
  github.log.length = 0;
  github.faults.length = 0;
});

const PATH = 'site/content/recaps/2026/2026-01-05-daily-recap.md';
const BRANCH = 'recap/daily/2026-01-05';
let n = 0;
const seed = () => {
  const repo = `streamdev/regress-${++n}`;
  const base = github.initRepository(repo, 'main', { 'README.md': '# blog\n' });
  return { repo, base, git: github.repos.get(repo)!.git, pulls: () => [...github.repos.get(repo)!.pulls.values()] };
};
const client = () => createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: github.baseUrl, maxRateLimitWaitSeconds: 1, throttle: false });
const request = (content: string, extra: Partial<PublishRequest> = {}): PublishRequest => ({ branch: BRANCH, title: 'Daily recap', body: 'body', files: [{ path: PATH, content }], ...extra });
/** An octokit whose first request matching `method url` dies (a dropped connection, a job killed mid-run). */
async function dropping(method: string, url: RegExp) {
  const octokit = await client();
  let armed = true;
  octokit.hook.wrap('request', async (send, options) => {
    if (armed && options.method === method && url.test(String(options.url))) {
      armed = false;
      throw new Error('connection dropped');
    }
    return send(options);
  });
  return octokit;
}

describe('GitHubPublisher regressions', () => {
  it('a correction after a merged PR whose run died before POST pulls gets its PR on the retry', async () => {
    const { repo, pulls } = seed();
    const setup = await client();
    const first = await new GitHubPublisher(setup, { repo, baseBranch: 'main' }).publish(request('# v1\n'));
    await setup.rest.pulls.merge({ owner: 'streamdev', repo: repo.split('/')[1]!, pull_number: first.pr_number! });

    const octokit = await dropping('POST', /\/pulls$/);
    const p = new GitHubPublisher(octokit, { repo, baseBranch: 'main' });
    await expect(p.publish(request('# v2\n'))).rejects.toThrow('connection dropped');
    expect(github.files(repo, BRANCH)[PATH]).toBe('# v2\n'); // the correction is on the branch, unproposed

    const retry = await p.publish(request('# v2\n'));
    // docs/publishing.md: an attempt that pushed the branch and stopped before its PR gets the PR on the retry;
    // "None (new branch, or the earlier PR was closed or merged) → POST pulls ... → created".
    expect(retry.outcome).toBe('created');
    expect(pulls().filter((pr) => pr.closed_at === null)).toHaveLength(1);
  });

  it('a new version whose run died after moving the branch but before PATCH pulls refreshes the PR on the retry', async () => {
    const { repo, pulls } = seed();
    const setup = await client();
    await new GitHubPublisher(setup, { repo, baseBranch: 'main' }).publish(request('# v1\n', { title: 'v1 title', body: 'v1 body' }));

    const octokit = await dropping('PATCH', /\/pulls\/(\d+|\{pull_number\})$/);
    const p = new GitHubPublisher(octokit, { repo, baseBranch: 'main' });
    await expect(p.publish(request('# v2\n', { title: 'v2 title', body: 'v2 body' }))).rejects.toThrow('connection dropped');
    await p.publish(request('# v2\n', { title: 'v2 title', body: 'v2 body' }));
    // docs/publishing.md: for new content on an open PR "the PR's title and body are refreshed"; the reviewer must
    // not judge v2 by the v1 body.
    expect(pulls()[0]).toMatchObject({ title: 'v2 title', body: 'v2 body' });
  });

  it('refuses a branch whose component ends in .lock (git refuses it) before any request', async () => {
    // docs/publishing.md: "the branch must be a plain git branch name (InvalidBranchError)"; `git check-ref-format
    // --branch recap/daily.lock/2026-01-05` fails, so GitHub's POST git/refs or `git switch -c` would refuse it
    // only after the publisher has started.
    expect(() => assertPublishableBranch('recap/daily.lock/2026-01-05', 'main')).toThrow(InvalidBranchError);
  });

  it('the dry run refuses what the real publishers refuse (no files, a file twice)', async () => {
    // dry-run.ts: "validates the request as the real publishers would"; docs/publishing.md: "no path may appear
    // twice, and there must be at least one file".
    const { repo } = seed();
    const real = new GitHubPublisher(await client(), { repo, baseBranch: 'main' });
    const dry = new DryRunPublisher();
    const empty = request('x', { files: [] });
    const twice = request('x', { files: [{ path: PATH, content: 'a' }, { path: PATH, content: 'b' }] });
    await expect(real.publish(empty)).rejects.toThrow('nothing to publish');
    await expect(real.publish(twice)).rejects.toThrow('names a file twice');
    await expect(dry.publish(empty)).rejects.toThrow('nothing to publish');
    await expect(dry.publish(twice)).rejects.toThrow('names a file twice');
  });

  it('a content root given without its trailing slash still keeps files inside that folder', async () => {
    // docs/publishing.md: "every path must be a .md file under the content root"; site/content/recaps-drafts/ and
    // site/content/recaps.md are not under site/content/recaps.
    const { repo } = seed();
    const p = new GitHubPublisher(await client(), { repo, baseBranch: 'main', contentRoot: 'site/content/recaps' });
    github.log.length = 0;
    await expect(p.publish(request('x', { files: [{ path: 'site/content/recaps-drafts/x.md', content: 'x' }] }))).rejects.toBeInstanceOf(PathOutsideContentRootError);
    expect(github.log).toEqual([]);
  });
});
