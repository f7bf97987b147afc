// Backfill through octokit against the local fake GitHub over real HTTP: token and App installation auth,
// pagination, primary and secondary rate limits, and ids identical to the webhook path.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backfillRepository, createGitHubClient, MAX_PULLS_WITH_COMMITS } from '../../content-pipeline/index.ts';
import { at, commit, pullRequest } from '../../sample-data/build.ts';
import { GITHUB_EVENTS, WEEK } from '../../sample-data/index.ts';
import { FakeGitHub } from '../../scripts/sandbox/fake-github.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP = { id: '123456', installationId: '987', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
const github = new FakeGitHub({ token: 'github_pat_fake', app: APP, maxPerPage: 2 }).addEvents(GITHUB_EVENTS);

beforeAll(async () => {
  await github.start();
});
afterAll(() => github.stop());
beforeEach(() => {
  github.log.length = 0;
  github.faults.length = 0;
});

const tokenClient = () => createGitHubClient({ kind: 'token', token: 'github_pat_fake' }, { baseUrl: github.baseUrl, maxRateLimitWaitSeconds: 5 });
const expected = (repo: string, types: string[]) =>
  GITHUB_EVENTS.filter((e) => e.repo === repo && types.includes(e.type) && (e.type !== 'pull_request' || ['opened', 'merged', 'closed'].includes(e.action!)))
    .map((e) => e.id)
    .sort();

describe('backfillRepository', () => {
  it('returns every commit, PR and issue transition of the range with the webhook ids, across pages', async () => {
    const { events, requests } = await backfillRepository(await tokenClient(), 'streamdev/clip-recap', WEEK.start, WEEK.end);
    const ids = events.map((e) => e.id);
    for (const id of expected('streamdev/clip-recap', ['push', 'pull_request', 'issues'])) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(requests).toBeGreaterThan(10); // two items a page
    expect(events.every((e) => Date.parse(e.occurred_at) >= Date.parse(WEEK.start) && Date.parse(e.occurred_at) < Date.parse(WEEK.end))).toBe(true);
  });

  it('leaves out what happened outside the range', async () => {
    const { events } = await backfillRepository(await tokenClient(), 'streamdev/payments-api', '2026-01-06T00:00:00Z', '2026-01-07T00:00:00Z');
    expect(events.map((e) => e.id).sort()).toEqual(
      GITHUB_EVENTS.filter((e) => e.repo === 'streamdev/payments-api' && e.occurred_at.startsWith('2026-01-06') && e.type !== 'pull_request_review').map((e) => e.id).sort(),
    );
  });

  it('authenticates as a GitHub App installation (JWT verified by the fake)', async () => {
    const octokit = await createGitHubClient(
      { kind: 'app', appId: APP.id, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), installationId: APP.installationId },
      { baseUrl: github.baseUrl },
    );
    const { events } = await backfillRepository(octokit, 'streamdev/payments-api', WEEK.start, WEEK.end);
    expect(events.length).toBeGreaterThan(5);
    expect(github.log.find((e) => e.path === '/app/installations/987/access_tokens')?.status).toBe(201);
  });

  it('keeps an App installation token between clients until it nears its expiry', async () => {
    const tokenCache = new Map<string, { token: string; expiresAtMs: number }>();
    let now = Date.now();
    const auth = { kind: 'app' as const, appId: APP.id, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), installationId: APP.installationId };
    const client = () => createGitHubClient(auth, { baseUrl: github.baseUrl, maxRateLimitWaitSeconds: 5, tokenCache, now: () => now });
    const tokenRequests = () => github.log.filter((e) => e.path.endsWith('/access_tokens')).length;
    for (let job = 0; job < 2; job++) await backfillRepository(await client(), 'streamdev/payments-api', '2026-01-06T00:00:00Z', '2026-01-07T00:00:00Z');
    expect(tokenRequests()).toBe(1);
    now += 56 * 60_000; // within five minutes of the hour the fake's tokens last
    await backfillRepository(await client(), 'streamdev/payments-api', '2026-01-06T00:00:00Z', '2026-01-07T00:00:00Z');
    expect(tokenRequests()).toBe(2);
  });

    it('refuses a wrong token clearly', async () => {
    const octokit = await createGitHubClient({ kind: 'token', token: 'wrong' }, { baseUrl: github.baseUrl });
    await expect(backfillRepository(octokit, 'streamdev/clip-recap', WEEK.start, WEEK.end)).rejects.toThrow(/Bad credentials/);
  });

  it('waits out a primary and a secondary rate limit, then goes on', async () => {
    github.faults.push({ kind: 'primary', resetInSeconds: 1 }, { kind: 'secondary', retryAfterSeconds: 1 });
    const log: string[] = [];
    const octokit = await createGitHubClient({ kind: 'token', token: 'github_pat_fake' }, { baseUrl: github.baseUrl, log: (event, fields) => log.push(`${event}:${fields.kind}`) });
    const { events } = await backfillRepository(octokit, 'streamdev/payments-api', WEEK.start, WEEK.end);
    expect(events.length).toBeGreaterThan(5);
    expect(log).toEqual(['github_rate_limited:primary', 'github_rate_limited:secondary']);
    expect(github.log.slice(0, 2).map((e) => e.status)).toEqual([403, 403]);
  });

  it('gives up on a rate limit longer than it may wait', async () => {
    github.faults.push({ kind: 'primary', resetInSeconds: 3600 });
    await expect(backfillRepository(await tokenClient(), 'streamdev/clip-recap', WEEK.start, WEEK.end)).rejects.toThrow(/rate limit/i);
  });
});

describe('backfillRepository: commits not yet on the default branch', () => {
  const REPO = 'streamdev/branches';
  const day = (time: string) => at('2026-02-03', time);
  const range = { start: '2026-02-03T00:00:00Z', end: '2026-02-04T00:00:00Z' };
  const onMain = commit(REPO, day('09:00'), 'Tidy the README');
  // Feature work pushed during the stream, its pull request opened later the same day and still open.
  const feature = commit(REPO, day('14:10'), 'Draft the clip facade', { branch: 'feat/facade' });
  const featurePr = pullRequest(REPO, 7, 'opened', day('16:00'), 'Clip facade', { branch: 'feat/facade' });
  // Merged: its commit is on the default branch too, and must come once.
  const mergedWork = commit(REPO, day('10:00'), 'Retry with backoff', { branch: 'feat/retry' });
  const mergedPr = pullRequest(REPO, 6, 'merged', day('11:00'), 'Retry with backoff', { branch: 'feat/retry' });
  // A branch nobody opened a pull request for: found through the repository's activity (its pushes).
  const spike = commit(REPO, day('15:00'), 'Spike: try Durable Objects', { branch: 'spike/do' });
  // A pull request opened after the range, with a commit inside it: active, its commit counts.
  const laterPr = pullRequest(REPO, 8, 'opened', at('2026-02-05', '09:00'), 'Search shards', { branch: 'feat/search' });
  const beforeLater = commit(REPO, day('20:00'), 'Shard the search index', { branch: 'feat/search' });
  // Opened more than a week after the range: not read as a pull request (its branch may be anything by then), but
  // its branch was pushed to in the range, which the activity shows.
  const muchLaterPr = pullRequest(REPO, 9, 'opened', at('2026-02-12', '09:00'), 'Old experiment', { branch: 'feat/old' });
  const old = commit(REPO, day('21:00'), 'Old experiment', { branch: 'feat/old' });
  const fake = new FakeGitHub({ token: 'github_pat_fake', maxPerPage: 2 }).addEvents([onMain, feature, featurePr, mergedWork, mergedPr, spike, laterPr, beforeLater, muchLaterPr, old]);
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  const client = () => createGitHubClient({ kind: 'token', token: 'github_pat_fake' }, { baseUrl: fake.baseUrl, maxRateLimitWaitSeconds: 5 });

  it("reads the commits of pull requests active in the range and of branches pushed to in it, with their branch, each commit once", async () => {
    const { events, pullsWithoutCommits, branchesWithoutCommits, branchActivityIncomplete } = await backfillRepository(await client(), REPO, range.start, range.end);
    const commits = new Map(events.filter((e) => e.type === 'push').map((e) => [e.id, e]));
    expect([...commits.keys()].sort()).toEqual([onMain.id, feature.id, mergedWork.id, beforeLater.id, spike.id, old.id].sort());
    expect(events.filter((e) => e.id === mergedWork.id)).toHaveLength(1);
    expect(commits.get(feature.id)).toMatchObject({ branch: 'feat/facade', sha: feature.sha, occurred_at: feature.occurred_at, title: 'Draft the clip facade' });
    expect(commits.get(beforeLater.id)?.branch).toBe('feat/search');
    // The default branch's listing alone does not hold the feature commit: it came from the pull request.
    expect(fake.log.some((e) => e.path === `/repos/${REPO}/pulls/7/commits`)).toBe(true);
    expect(commits.get(spike.id)?.branch).toBe('spike/do');
    expect(commits.get(old.id)?.branch).toBe('feat/old');
    expect(fake.log.some((e) => e.path === `/repos/${REPO}/pulls/9/commits`)).toBe(false);
    expect({ pullsWithoutCommits, branchesWithoutCommits, branchActivityIncomplete }).toEqual({ pullsWithoutCommits: 0, branchesWithoutCommits: 0, branchActivityIncomplete: false });
  });

  it(`reads the commits of at most ${MAX_PULLS_WITH_COMMITS} pull requests, and says how many it left`, async () => {
    const many = new FakeGitHub({ token: 'github_pat_fake' }).addEvents(
      Array.from({ length: MAX_PULLS_WITH_COMMITS + 3 }, (_, i) => [
        commit(REPO, day(`12:${String(i).padStart(2, '0')}`), `Work ${i}`, { branch: `feat/${i}` }),
        pullRequest(REPO, 100 + i, 'opened', day(`13:${String(i).padStart(2, '0')}`), `PR ${i}`, { branch: `feat/${i}` }),
      ]).flat(),
    );
    await many.start();
    try {
      const octokit = await createGitHubClient({ kind: 'token', token: 'github_pat_fake' }, { baseUrl: many.baseUrl });
      const { events, pullsWithoutCommits } = await backfillRepository(octokit, REPO, range.start, range.end);
      expect(pullsWithoutCommits).toBe(3);
      expect(many.log.filter((e) => /\/pulls\/\d+\/commits$/.test(e.path))).toHaveLength(MAX_PULLS_WITH_COMMITS);
      // The most recently updated pull requests are the ones read.
      expect(events.filter((e) => e.type === 'push').map((e) => e.title).sort()).toEqual(Array.from({ length: MAX_PULLS_WITH_COMMITS }, (_, i) => `Work ${i + 3}`).sort());
    } finally {
      await many.stop();
    }
  });
});
