// The backfill of branches no pull request covers, found through the repository's activity (GET activity: pushes,
// force pushes and branch creations, newest first), against the fake GitHub over HTTP, with fetch wrappers giving
// its answers real GitHub's shapes where the fake is simpler (deletions, force pushes, forks, rate limits): which
// branches are read, from which heads, within the cap, and what the result says when the activity cannot be read
// back to the range.
import { describe, expect, it } from 'vitest';
import { backfillRepository, createGitHubClient, MAX_ACTIVITY_PAGES } from '../../content-pipeline/index.ts';
import { at, commit, pullRequest } from '../../sample-data/build.ts';
import { FakeGitHub } from '../../scripts/sandbox/fake-github.ts';
import { requestUrl } from '../support/request-url.ts';

const REPO = 'streamdev/branchy';
const TOKEN = 'github_pat_fake';
const range = { start: '2026-02-03T00:00:00Z', end: '2026-02-04T00:00:00Z' };
const day = (time: string) => at('2026-02-03', time);

async function backfill(fake: FakeGitHub, options: { fetch?: typeof fetch; maxPullsWithCommits?: number } = {}) {
  await fake.start();
  try {
    const octokit = await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: fake.baseUrl, throttle: false, ...(options.fetch && { fetch: options.fetch }) });
    return await backfillRepository(octokit, REPO, range.start, range.end, options.maxPullsWithCommits === undefined ? {} : { maxPullsWithCommits: options.maxPullsWithCommits });
  } finally {
    await fake.stop();
  }
}

const ZERO = '0'.repeat(40);
type Activity = { id: number; node_id: string; before: string; after: string; ref: string; timestamp: string; activity_type: string; actor: null | { login: string } };

/** Rewrites the fake's activity page (JSON array) with `edit`, keeping its headers (Link). */
const editActivity =
  (edit: (activities: Activity[]) => Activity[]): typeof fetch =>
  async (input, init) => {
    const response = await fetch(input, init);
    if (!requestUrl(input).pathname.endsWith('/activity')) return response;
    const activities = (await response.json()) as Activity[];
    return new Response(JSON.stringify(edit(activities)), { status: 200, headers: response.headers });
  };

const listingsOf = (fake: FakeGitHub, path: string) => fake.log.filter((e) => e.path === `/repos/${REPO}/${path}`);

describe('fake GitHub: GET activity', () => {
  it('gives one push per commit, newest first, chained by before/after, a branch created by its first, filtered by ref', async () => {
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
      expect(all[2]!.before).toBe(ZERO);
      // A feature branch's first push creates it; the default branch's are pushes.
      expect(all.map((x) => x.activity_type)).toEqual(['push', 'push', 'branch_creation']);
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

  it('reads branches in the slots the pull requests left in the cap, first pushed first, and counts the rest', async () => {
    const pr = [pullRequest(REPO, 1, 'opened', day('08:00'), 'PR', { branch: 'feat/pr' }), commit(REPO, day('08:30'), 'PR work', { branch: 'feat/pr' })];
    const spikes = [1, 2, 3].map((n) => commit(REPO, day(`1${n}:00`), `Spike ${n}`, { branch: `spike/${n}` }));
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([...pr, ...spikes]);
    const { events, pullsWithoutCommits, branchesWithoutCommits } = await backfill(fake, { maxPullsWithCommits: 2 });
    expect(events.filter((e) => e.type === 'push').map((e) => e.title).sort()).toEqual(['PR work', 'Spike 1']);
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
        requestUrl(input).pathname.endsWith('/activity') ? new Response(JSON.stringify({ message: 'Resource not accessible by personal access token' }), { status, headers: { 'content-type': 'application/json' } }) : fetch(input, init);
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
      if (!requestUrl(input).pathname.endsWith('/activity')) return response;
      const activities = (await response.json()) as unknown[];
      const deletion = { id: 1, node_id: 'A_del', before: work.sha, after: '0'.repeat(40), ref: 'refs/heads/spike/gone', timestamp: day('18:00'), activity_type: 'branch_deletion', actor: null };
      return new Response(JSON.stringify([deletion, ...activities]), { status: 200, headers: response.headers });
    };
    const { events } = await backfill(fake, { fetch: withDeletion });
    expect(events.find((e) => e.id === work.id)?.branch).toBe('spike/gone');
    expect(fake.log.filter((e) => e.path === `/repos/${REPO}/commits`)).toHaveLength(2);
  });
});

describe('backfillRepository: branches without a pull request, as GitHub records them', () => {
  it('reads a branch created by its only push in the range (a branch_creation, not a push)', async () => {
    // `git push -u origin spike/new` of local work: the branch's first (and here only) push. On GitHub its activity
    // is a branch_creation (before = 40 zeros, after = the pushed head); the fake calls every push "push".
    const work = commit(REPO, day('15:00'), 'Spike pushed once', { branch: 'spike/new' });
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main'), work]);
    const asGitHub = editActivity((list) => list.map((a) => (a.before === ZERO && a.ref !== 'refs/heads/main' ? { ...a, activity_type: 'branch_creation' } : a)));
    const { events } = await backfill(fake, { fetch: asGitHub });
    expect(events.find((e) => e.id === work.id)?.branch).toBe('spike/new');
  });

  it('does not read the default branch again (nor spend a cap slot on it) when it was also pushed after the range', async () => {
    // main pushed in the range and two days later: its latest head is outside the range, so not in the listed
    // commits, and main passes the "head already listed" filter as a branch without a pull request.
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main'), commit(REPO, at('2026-02-05', '09:00'), 'Main, later')]);
    const { branchesWithoutCommits } = await backfill(fake, { maxPullsWithCommits: 0 });
    expect({ commitListings: listingsOf(fake, 'commits').length, branchesWithoutCommits }).toEqual({ commitListings: 1, branchesWithoutCommits: 0 });
  });

  it('does not list the default branch a second time when the cap leaves room', async () => {
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main'), commit(REPO, at('2026-02-05', '09:00'), 'Main, later')]);
    await backfill(fake);
    expect(listingsOf(fake, 'commits')).toHaveLength(1);
  });

  it('stops at the activity page that reaches back past the range start (no extra page)', async () => {
    // Two to a page, newest first: page 1 = [in the range, before it]; it already reaches past `from`.
    const fake = new FakeGitHub({ token: TOKEN, maxPerPage: 2 }).addEvents(
      [day('10:00'), at('2026-02-01', '10:00'), at('2026-01-31', '10:00'), at('2026-01-30', '10:00')].map((t, i) => commit(REPO, t, `Main ${i}`)),
    );
    await backfill(fake);
    expect(listingsOf(fake, 'activity')).toHaveLength(1);
  });

  it(`says the activity is complete when page ${MAX_ACTIVITY_PAGES} reaches past the range start`, async () => {
    // Two to a page: pages 1-2 after the range, page 3 = [in the range, before it], page 4 older still.
    const later = [0, 1, 2, 3].map((i) => commit(REPO, at('2026-02-06', `1${i}:00`), `Later ${i}`));
    const older = [at('2026-02-01', '10:00'), at('2026-01-31', '10:00'), at('2026-01-30', '10:00')].map((t, i) => commit(REPO, t, `Old ${i}`));
    const fake = new FakeGitHub({ token: TOKEN, maxPerPage: 2 }).addEvents([...later, commit(REPO, day('10:00'), 'In range'), ...older]);
    const { branchActivityIncomplete } = await backfill(fake);
    expect(branchActivityIncomplete).toBe(false);
  });

  it('keeps a commit on the branch it was first pushed to when a branch made from that one lists it too', async () => {
    // spike/a pushed at 10:00 with A1; spike/b made from spike/a, B1 pushed at 12:00. spike/b's history holds A1
    // (the fake does not stack branches: its listing from B1 is given A1 here, as GitHub would).
    const a1 = commit(REPO, day('10:00'), 'A1', { branch: 'spike/a' });
    const b1 = commit(REPO, day('12:00'), 'B1', { branch: 'spike/b' });
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([a1, b1]);
    const stacked: typeof fetch = async (input, init) => {
      const url = requestUrl(input);
      const response = await fetch(input, init);
      if (!url.pathname.endsWith('/commits') || url.searchParams.get('sha') !== b1.sha) return response;
      const listed = (await response.json()) as unknown[];
      const a1Json = { sha: a1.sha, html_url: `https://github.com/${REPO}/commit/${a1.sha}`, author: null, commit: { message: 'A1', author: { name: null, date: a1.occurred_at }, committer: { date: a1.occurred_at } } };
      return new Response(JSON.stringify([...listed, a1Json]), { status: 200, headers: response.headers });
    };
    const { events } = await backfill(fake, { fetch: stacked });
    expect(events.find((e) => e.id === a1.id)?.branch).toBe('spike/a');
  });

  it("finds the range's commits of a branch squashed and force-pushed after the range", async () => {
    // S1 pushed in the range; on Feb 5 the branch is squashed and force-pushed to X, whose history (since/until of
    // the range) holds none of S1: the range's work is reachable from the in-range push's `after` only.
    const s1 = commit(REPO, day('15:00'), 'Spike work', { branch: 'spike/sq' });
    const x = 'f'.repeat(40);
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main'), s1]);
    const withSquash: typeof fetch = async (input, init) => {
      const url = requestUrl(input);
      if (url.pathname.endsWith('/commits') && url.searchParams.get('sha') === x) return new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } });
      const forcePush: Activity = { id: 9, node_id: 'A_fp', before: s1.sha!, after: x, ref: 'refs/heads/spike/sq', timestamp: at('2026-02-05', '10:00'), activity_type: 'force_push', actor: null };
      return editActivity((list) => [forcePush, ...list])(input, init);
    };
    const { events } = await backfill(fake, { fetch: withSquash });
    expect(events.find((e) => e.id === s1.id)?.branch).toBe('spike/sq');
  });

  it("finds the range's commits of a branch deleted after the range and created again from elsewhere", async () => {
    const s1 = commit(REPO, day('15:00'), 'Spike work', { branch: 'spike/re' });
    const y = 'e'.repeat(40); // the new branch of the same name, from unrelated history
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main'), s1]);
    const recreated: typeof fetch = async (input, init) => {
      const url = requestUrl(input);
      if (url.pathname.endsWith('/commits') && url.searchParams.get('sha') === y) return new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } });
      const deletion: Activity = { id: 7, node_id: 'A_del', before: s1.sha!, after: ZERO, ref: 'refs/heads/spike/re', timestamp: at('2026-02-04', '12:00'), activity_type: 'branch_deletion', actor: null };
      const again: Activity = { id: 8, node_id: 'A_new', before: ZERO, after: y, ref: 'refs/heads/spike/re', timestamp: at('2026-02-06', '12:00'), activity_type: 'branch_creation', actor: null };
      return editActivity((list) => [again, deletion, ...list])(input, init);
    };
    const { events } = await backfill(fake, { fetch: recreated });
    expect(events.find((e) => e.id === s1.id)?.branch).toBe('spike/re');
  });

  it('skips tags and reads a refs/heads/ name holding slashes, pushed in range but last pushed after to + 7 days', async () => {
    const s1 = commit(REPO, day('15:00'), 'Deep spike', { branch: 'user/me/spike/deep' });
    const s2 = commit(REPO, at('2026-02-20', '10:00'), 'Much later', { branch: 'user/me/spike/deep' });
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main'), s1, s2]);
    const tag: Activity = { id: 5, node_id: 'A_tag', before: ZERO, after: 'd'.repeat(40), ref: 'refs/tags/v1.0', timestamp: day('16:00'), activity_type: 'push', actor: null };
    const { events } = await backfill(fake, { fetch: editActivity((list) => [...list, tag].sort((a, b) => b.timestamp.localeCompare(a.timestamp))) });
    expect(events.find((e) => e.id === s1.id)?.branch).toBe('user/me/spike/deep');
    expect(events.some((e) => e.id === s2.id)).toBe(false);
    expect(listingsOf(fake, 'commits')).toHaveLength(2);
  });

  it('fails on a rate limit at the activity (so the job retries) instead of calling the activity unreadable', async () => {
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main')]);
    const limited: typeof fetch = async (input, init) =>
      requestUrl(input).pathname.endsWith('/activity')
        ? new Response(JSON.stringify({ message: 'API rate limit exceeded for user ID 1.' }), { status: 403, headers: { 'content-type': 'application/json', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '9999999999' } })
        : fetch(input, init);
    await expect(backfill(fake, { fetch: limited })).rejects.toThrow(/rate limit/i);
  });

  it("reads a branch of this repository even when a fork's pull request has a branch of the same name", async () => {
    const local = commit(REPO, day('15:00'), 'Local feature work', { branch: 'feature' });
    const forkPr = pullRequest(REPO, 3, 'opened', day('16:00'), 'From a fork', { branch: 'feature' });
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([local, forkPr]);
    // The pull request's head is someone's fork: its commits are theirs, not this repository's branch.
    const fromFork: typeof fetch = async (input, init) => {
      const url = requestUrl(input);
      const response = await fetch(input, init);
      if (url.pathname.endsWith('/pulls/3/commits')) return new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } });
      if (!url.pathname.endsWith('/pulls')) return response;
      const pulls = (await response.json()) as Array<{ head: { repo: { full_name: string } } }>;
      for (const pull of pulls) pull.head.repo = { full_name: 'someone/fork' };
      return new Response(JSON.stringify(pulls), { status: 200, headers: response.headers });
    };
    const { events } = await backfill(fake, { fetch: fromFork });
    expect(events.find((e) => e.id === local.id)?.branch).toBe('feature');
  });

  it('lists two branches pointing at the same head once', async () => {
    const work = commit(REPO, day('15:00'), 'Spike', { branch: 'spike/a' });
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([work]);
    const copy: Activity = { id: 2, node_id: 'A_copy', before: ZERO, after: work.sha!, ref: 'refs/heads/spike/copy', timestamp: day('16:00'), activity_type: 'branch_creation', actor: null };
    const { events } = await backfill(fake, { fetch: editActivity((list) => [copy, ...list]) });
    expect(events.find((e) => e.id === work.id)?.branch).toBe('spike/a');
    expect(listingsOf(fake, 'commits')).toHaveLength(2); // the default branch, then spike/a
  });

  it("still gives a branch's range commits when it was reset after the range to another branch's head", async () => {
    const a1 = commit(REPO, day('10:00'), 'A1', { branch: 'spike/a' });
    const b1 = commit(REPO, day('15:00'), 'B1', { branch: 'spike/b' });
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main'), a1, b1]);
    // Feb 5, `git push -f origin spike/a:spike/b`: spike/b's head is A1's; B1 is in its range push's history only.
    const reset: Activity = { id: 99, node_id: 'A_reset', before: b1.sha!, after: a1.sha!, ref: 'refs/heads/spike/b', timestamp: at('2026-02-05', '10:00'), activity_type: 'force_push', actor: null };
    const { events } = await backfill(fake, { fetch: editActivity((list) => [reset, ...list]) });
    expect(events.find((e) => e.id === a1.id)?.branch).toBe('spike/a');
    expect(events.find((e) => e.id === b1.id)?.branch).toBe('spike/b');
  });

  it('reads a commit of the range pushed in the week after it, and not one pushed later than that', async () => {
    const pushedSoon = commit(REPO, day('15:00'), 'Committed on stream, pushed two days later', { branch: 'spike/soon' });
    const pushedLate = commit(REPO, day('16:00'), 'Committed on stream, pushed nine days later', { branch: 'spike/late' });
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([commit(REPO, day('09:00'), 'On main'), pushedSoon, pushedLate]);
    // The fake pushes each commit at its own date: here they were pushed later.
    const pushedAt = new Map([
      [pushedSoon.sha, at('2026-02-05', '10:00')],
      [pushedLate.sha, at('2026-02-12', '10:00')],
    ]);
    const { events } = await backfill(fake, { fetch: editActivity((list) => list.map((a) => ({ ...a, timestamp: pushedAt.get(a.after) ?? a.timestamp })).sort((x, y) => y.timestamp.localeCompare(x.timestamp))) });
    expect(events.find((e) => e.id === pushedSoon.id)?.branch).toBe('spike/soon');
    expect(events.some((e) => e.id === pushedLate.id)).toBe(false);
  });

  it('spends no request on a branch without a pull request whose head the default branch already listed', async () => {
    const onMain = commit(REPO, day('09:00'), 'On main');
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([onMain]);
    // A hotfix branch pushed at main's commit (made from it, nothing of its own).
    const hotfix: Activity = { id: 3, node_id: 'A_hotfix', before: ZERO, after: onMain.sha!, ref: 'refs/heads/hotfix', timestamp: day('12:00'), activity_type: 'branch_creation', actor: null };
    const { events } = await backfill(fake, { fetch: editActivity((list) => [hotfix, ...list]) });
    expect(events.find((e) => e.id === onMain.id)?.branch).toBeNull();
    expect(listingsOf(fake, 'commits')).toHaveLength(1);
    expect(fake.log.filter((e) => e.path === `/repos/${REPO}`)).toHaveLength(0); // nor the default branch's name
  });

  it("lists a branch from its latest push's head in the window", async () => {
    const first = commit(REPO, day('14:00'), 'First', { branch: 'spike/two' });
    const second = commit(REPO, day('15:00'), 'Second', { branch: 'spike/two' });
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([first, second]);
    const shas: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const url = requestUrl(input);
      if (url.pathname.endsWith('/commits') && url.searchParams.has('sha')) shas.push(url.searchParams.get('sha')!);
      return fetch(input, init);
    };
    const { events } = await backfill(fake, { fetch: recording });
    expect(shas).toEqual([second.sha]);
    expect(events.filter((e) => e.type === 'push').map((e) => e.title).sort()).toEqual(['First', 'Second']);
  });
});
