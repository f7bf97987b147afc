// The backfill of branches no pull request covers, found through the repository's activity (GET activity: pushes,
// newest first), against the fake GitHub over HTTP: which branches are read, from which head, within the cap, and
// what the result says when the activity cannot be read back to the range.
import { describe, expect, it } from 'vitest';
import { backfillRepository, createGitHubClient, MAX_ACTIVITY_PAGES } from '../../content-pipeline/index.ts';
import { at, commit, pullRequest } from '../../sample-data/build.ts';
import { FakeGitHub } from '../../scripts/sandbox/fake-github.ts';

const REPO = 'streamdev/branchy';
const TOKEN = 'github_pat_fake';
const range = { start: '2026-02-03T00:00:00Z', end: '2026-02-04T00:00:00Z' };
const day = (time: string) => at('2026-02-03', time);

const urlOf = (input: RequestInfo | URL) => new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);

async function backfill(fake: FakeGitHub, options: { fetch?: typeof fetch; maxPullsWithCommits?: number } = {}) {
  await fake.start();
  try {
    const octokit = await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: fake.baseUrl, throttle: false, ...(options.fetch && { fetch: options.fetch }) });
    return await backfillRepository(octokit, REPO, range.start, range.end, options.maxPullsWithCommits === undefined ? {} : { maxPullsWithCommits: options.maxPullsWithCommits });
  } finally {
    await fake.stop();
  }
}

const listingsOf = (fake: FakeGitHub, path: string) => fake.log.filter((e) => e.path === `/repos/${REPO}/${path}`);

describe('fake GitHub: GET activity', () => {
  it('gives one push per commit, newest first, chained by before/after, filtered by ref', async () => {
    const a = commit(REPO, day('09:00'), 'One', { branch: 'spike/x' });
    const b = commit(REPO, day('10:00'), 'Two', { branch: 'spike/x' });
    const main = commit(REPO, day('11:00'), 'Main');
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([a, b, main]);
    await fake.start();
    try {
      const get = async (query: string) => (await (await fetch(`${fake.baseUrl}/repos/${REPO}/activity${query}`, { headers: { authorization: `token ${TOKEN}` } })).json()) as Array<Record<string, unknown>>;
      const all = await get('');
      expect(all.map((x) => [x.ref, x.after, x.timestamp])).toEqual([
        ['refs/heads/main', main.sha, main.occurred_at],
        ['refs/heads/spike/x', b.sha, b.occurred_at],
        ['refs/heads/spike/x', a.sha, a.occurred_at],
      ]);
      expect(all[1]!.before).toBe(a.sha);
      expect(all[2]!.before).toBe('0'.repeat(40));
      expect((await get('?ref=spike/x')).map((x) => x.after)).toEqual([b.sha, a.sha]);
      expect((await get('?ref=refs/heads/main')).map((x) => x.after)).toEqual([main.sha]);
    } finally {
      await fake.stop();
    }
  });
});

describe('backfillRepository: branches without a pull request', () => {
  it('reads a branch pushed to in the range from its latest head, with its branch, and only what the range holds', async () => {
    const before = commit(REPO, at('2026-02-02', '20:00'), 'Yesterday on the spike', { branch: 'spike/do' });
    const during = commit(REPO, day('15:00'), 'Try Durable Objects', { branch: 'spike/do' });
    const after = commit(REPO, at('2026-02-05', '10:00'), 'Two days later', { branch: 'spike/do' });
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main'), before, during, after]);
    const { events, branchesWithoutCommits, branchActivityIncomplete } = await backfill(fake);
    const pushes = events.filter((e) => e.type === 'push');
    expect(pushes.map((e) => e.title).sort()).toEqual(['On main', 'Try Durable Objects']);
    expect(pushes.find((e) => e.id === during.id)).toMatchObject({ branch: 'spike/do', sha: during.sha, occurred_at: during.occurred_at });
    expect({ branchesWithoutCommits, branchActivityIncomplete }).toEqual({ branchesWithoutCommits: 0, branchActivityIncomplete: false });
    // Listed from the branch's newest head, in the range's bounds.
    const branchListing = fake.log.filter((e) => e.path === `/repos/${REPO}/commits`);
    expect(branchListing).toHaveLength(2); // the default branch, then the spike
  });

  it('leaves a branch pushed to only before the range, or only more than a week after it, unread', async () => {
    const old = commit(REPO, at('2026-02-01', '10:00'), 'Old spike', { branch: 'spike/old' });
    const late = commit(REPO, at('2026-02-12', '10:00'), 'Much later', { branch: 'spike/late' });
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main'), old, late]);
    const { events } = await backfill(fake);
    expect(events.filter((e) => e.type === 'push').map((e) => e.title)).toEqual(['On main']);
    expect(listingsOf(fake, 'commits')).toHaveLength(1);
  });

  it('spends no request on a branch whose head is already listed, or that a pull request covers', async () => {
    // Merged into the default branch (its head is listed there) and a pull request's branch (read as such).
    const merged = commit(REPO, day('10:00'), 'Merged work', { branch: 'feat/merged' });
    const mergedPr = pullRequest(REPO, 1, 'merged', day('11:00'), 'Merged', { branch: 'feat/merged' });
    const open = commit(REPO, day('12:00'), 'Open work', { branch: 'feat/open' });
    const openPr = pullRequest(REPO, 2, 'opened', day('12:30'), 'Open', { branch: 'feat/open' });
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main'), merged, mergedPr, open, openPr]);
    const { events } = await backfill(fake);
    expect(events.filter((e) => e.type === 'push').map((e) => e.title).sort()).toEqual(['Merged work', 'On main', 'Open work']);
    expect(listingsOf(fake, 'commits')).toHaveLength(1);
    expect(listingsOf(fake, 'activity')).toHaveLength(1);
  });

  it('reads branches in the slots the pull requests left in the cap, most recently pushed first, and counts the rest', async () => {
    const pr = [pullRequest(REPO, 1, 'opened', day('08:00'), 'PR', { branch: 'feat/pr' }), commit(REPO, day('08:30'), 'PR work', { branch: 'feat/pr' })];
    const spikes = [1, 2, 3].map((n) => commit(REPO, day(`1${n}:00`), `Spike ${n}`, { branch: `spike/${n}` }));
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([...pr, ...spikes]);
    const { events, pullsWithoutCommits, branchesWithoutCommits } = await backfill(fake, { maxPullsWithCommits: 2 });
    expect(events.filter((e) => e.type === 'push').map((e) => e.title).sort()).toEqual(['PR work', 'Spike 3']);
    expect({ pullsWithoutCommits, branchesWithoutCommits }).toEqual({ pullsWithoutCommits: 0, branchesWithoutCommits: 2 });
  });

  it(`says so when the activity holds more than ${MAX_ACTIVITY_PAGES} pages since the range, and reads what it reached`, async () => {
    // Two pushes a page; the range's spike lies under 3 pages of later pushes to main.
    const spike = commit(REPO, day('15:00'), 'Spike in the range', { branch: 'spike/deep' });
    const later = Array.from({ length: 2 * MAX_ACTIVITY_PAGES }, (_, i) => commit(REPO, at('2026-02-06', `1${i}:00`), `Later ${i}`));
    const fake = new FakeGitHub({ token: TOKEN, maxPerPage: 2 }).addEvents([spike, ...later]);
    const { events, branchActivityIncomplete } = await backfill(fake);
    expect(branchActivityIncomplete).toBe(true);
    expect(listingsOf(fake, 'activity')).toHaveLength(MAX_ACTIVITY_PAGES);
    expect(events.some((e) => e.id === spike.id)).toBe(false);
  });

  it('keeps the rest of the backfill when the activity cannot be read (403 or 404), and says so', async () => {
    for (const status of [403, 404]) {
      const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main'), pullRequest(REPO, 1, 'opened', day('10:00'), 'PR', { branch: 'feat/pr' })]);
      const noActivity: typeof fetch = async (input, init) =>
        urlOf(input).pathname.endsWith('/activity') ? new Response(JSON.stringify({ message: 'Resource not accessible by personal access token' }), { status, headers: { 'content-type': 'application/json' } }) : fetch(input, init);
      const { events, branchActivityIncomplete } = await backfill(fake, { fetch: noActivity });
      expect(events.map((e) => e.title).sort(), String(status)).toEqual(['On main', 'PR']);
      expect(branchActivityIncomplete, String(status)).toBe(true);
    }
  });

  it('reads a branch deleted since from its last head before the deletion', async () => {
    const work = commit(REPO, day('15:00'), 'Spike, then deleted', { branch: 'spike/gone' });
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([work]);
    // GitHub lists the deletion first: after = 40 zeros.
    const withDeletion: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!urlOf(input).pathname.endsWith('/activity')) return response;
      const activities = (await response.json()) as unknown[];
      const deletion = { id: 1, node_id: 'A_del', before: work.sha, after: '0'.repeat(40), ref: 'refs/heads/spike/gone', timestamp: day('18:00'), activity_type: 'branch_deletion', actor: null };
      return new Response(JSON.stringify([deletion, ...activities]), { status: 200, headers: response.headers });
    };
    const { events } = await backfill(fake, { fetch: withDeletion });
    expect(events.find((e) => e.id === work.id)?.branch).toBe('spike/gone');
    expect(fake.log.filter((e) => e.path === `/repos/${REPO}/commits`)).toHaveLength(2);
  });
});
