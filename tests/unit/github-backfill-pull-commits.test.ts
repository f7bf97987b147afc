// The backfill of pull requests' commits against GitHub's semantics, and the fake GitHub's fidelity to them: 250
// commits at most per pull request (the oldest), offset paging that shifts, pull requests closed before the range,
// merged commits keeping their branch, and which pull requests the cap reads first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillRepository, createGitHubClient, MAX_PULLS_WITH_COMMITS, MAX_PULLS_WITH_COMMITS_PER_JOB, pullsWithCommitsShares } from '../../content-pipeline/index.ts';
import { at, commit, issue, pullRequest } from '../../sample-data/build.ts';
import { FakeGitHub } from '../../scripts/sandbox/fake-github.ts';
import { requestUrl } from '../support/request-url.ts';

const REPO = 'streamdev/review';
const range = { start: '2026-02-03T00:00:00Z', end: '2026-02-04T00:00:00Z' };
const day = (time: string) => at('2026-02-03', time);
const TOKEN = 'github_pat_fake';

async function withFake<T>(fake: FakeGitHub, body: (fake: FakeGitHub) => Promise<T>): Promise<T> {
  await fake.start();
  try {
    return await body(fake);
  } finally {
    await fake.stop();
  }
}

/** A fetch that makes `change` once, just before the first request for page 2 of the listing ending in `path`. */
function beforePage2(path: string, change: () => void): { fetch: typeof fetch; done: () => boolean } {
  let done = false;
  const changing: typeof fetch = async (input, init) => {
    const url = requestUrl(input);
    if (!done && url.pathname.endsWith(path) && url.searchParams.get('page') === '2') {
      done = true;
      change();
    }
    return fetch(input, init);
  };
  return { fetch: changing, done: () => done };
}

describe('fake GitHub: GET pulls/{n}/commits', () => {
  it('pages by per_page (and maxPerPage) with a Link header, as the other listings do', async () => {
    const fake = new FakeGitHub({ token: TOKEN, maxPerPage: 2 }).addEvents([
      pullRequest(REPO, 1, 'opened', day('08:00'), 'Three commits', { branch: 'feat/three' }),
      ...[1, 2, 3].map((i) => commit(REPO, day(`1${i}:00`), `Step ${i}`, { branch: 'feat/three' })),
    ]);
    await withFake(fake, async () => {
      const res = await fetch(`${fake.baseUrl}/repos/${REPO}/pulls/1/commits?per_page=100`, { headers: { authorization: `token ${TOKEN}` } });
      const body = (await res.json()) as unknown[];
      expect(body).toHaveLength(2);
      expect(res.headers.get('link')).toMatch(/rel="next"/);
    });
  });

  it('gives at most 250 commits, as GitHub does', async () => {
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([
      pullRequest(REPO, 1, 'opened', at('2026-02-01', '08:00'), 'Big', { branch: 'feat/big' }),
      ...Array.from({ length: 260 }, (_, i) => commit(REPO, new Date(Date.parse('2026-02-02T00:00:00Z') + i * 60_000).toISOString(), `Big ${i}`, { branch: 'feat/big' })),
    ]);
    await withFake(fake, async () => {
      let total = 0;
      for (let page = 1; page <= 5; page++) {
        const res = await fetch(`${fake.baseUrl}/repos/${REPO}/pulls/1/commits?per_page=100&page=${page}`, { headers: { authorization: `token ${TOKEN}` } });
        const body = (await res.json()) as unknown[];
        total += body.length;
        if (!res.headers.get('link')) break;
      }
      expect(total).toBeLessThanOrEqual(250);
    });
  });
});

describe('backfillRepository: pull request commits against GitHub semantics', () => {
  it('finds the in-range commits of a pull request with more than 250 commits (GitHub lists its 250 oldest)', async () => {
    // 250 commits the day before the range, then 10 inside it: the newest, the ones the range wants.
    const commits = Array.from({ length: 260 }, (_, i) =>
      commit(REPO, i < 250 ? new Date(Date.parse('2026-02-02T00:00:00Z') + i * 60_000).toISOString() : day(`10:${String(i - 250).padStart(2, '0')}`), `Big ${i}`, { branch: 'feat/big' }),
    );
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([pullRequest(REPO, 1, 'opened', at('2026-02-01', '08:00'), 'Big', { branch: 'feat/big' }), ...commits]);
    await withFake(fake, async () => {
      const octokit = await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: fake.baseUrl, throttle: false });
      const { events, pullsWithoutCommits } = await backfillRepository(octokit, REPO, range.start, range.end);
      const pushes = events.filter((e) => e.type === 'push');
      // Either the 10 in-range commits come, or the result says some were not read: here neither happens.
      expect({ pushes: pushes.length, pullsWithoutCommits }).not.toEqual({ pushes: 0, pullsWithoutCommits: 0 });
      expect(pushes.map((e) => e.id).sort()).toEqual(commits.slice(250).map((c) => c.id).sort());
    });
  });

  it(`reads an in-range pull request's commits before those of pull requests merely touched after the range (cap ${MAX_PULLS_WITH_COMMITS})`, async () => {
    // The pull request of the range: opened and pushed to on the day, untouched since.
    const inRange = [pullRequest(REPO, 1, 'opened', day('10:00'), 'Work of the day', { branch: 'feat/day' }), commit(REPO, day('10:30'), 'Work of the day', { branch: 'feat/day' })];
    // Older pull requests, their commits before the range, closed (updated) days after it.
    const older = Array.from({ length: MAX_PULLS_WITH_COMMITS }, (_, i) => [
      pullRequest(REPO, 100 + i, 'opened', at('2026-02-01', '08:00'), `Old ${i}`, { branch: `old/${i}` }),
      commit(REPO, at('2026-02-01', `09:${String(i).padStart(2, '0')}`), `Old work ${i}`, { branch: `old/${i}` }),
      pullRequest(REPO, 100 + i, 'closed', at('2026-02-06', `09:${String(i).padStart(2, '0')}`), `Old ${i}`, { branch: `old/${i}` }),
    ]).flat();
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([...inRange, ...older]);
    await withFake(fake, async () => {
      const octokit = await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: fake.baseUrl, throttle: false });
      const { events } = await backfillRepository(octokit, REPO, range.start, range.end);
      expect(events.map((e) => e.id)).toContain(inRange[1]!.id);
    });
  });

  it("keeps a merged pull request's commit on its branch, as before the merge and as the push webhook stores it", async () => {
    const work = commit(REPO, day('10:00'), 'Retry with backoff', { branch: 'feat/retry' });
    const opened = pullRequest(REPO, 6, 'opened', day('09:00'), 'Retry with backoff', { branch: 'feat/retry' });
    const merged = pullRequest(REPO, 6, 'merged', day('11:00'), 'Retry with backoff', { branch: 'feat/retry' });
    const before = await withFake(new FakeGitHub({ token: TOKEN }).addEvents([opened, work]), async (fake) =>
      backfillRepository(await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: fake.baseUrl, throttle: false }), REPO, range.start, range.end),
    );
    const after = await withFake(new FakeGitHub({ token: TOKEN }).addEvents([opened, work, merged]), async (fake) =>
      backfillRepository(await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: fake.baseUrl, throttle: false }), REPO, range.start, range.end),
    );
    expect(before.events.find((e) => e.id === work.id)?.branch).toBe('feat/retry');
    // The same backfill run again after the merge overwrites the stored row (backfill over backfill) with branch null.
    expect(after.events.find((e) => e.id === work.id)?.branch).toBe('feat/retry');
  });

  it('gives each event and reads each pull request once when a pull request shifts between pages of pulls.list', async () => {
    // GitHub pages by offset: a pull request updated between two page requests moves to the top, and the last one
    // of page 1 comes again first on page 2.
    const fake = new FakeGitHub({ token: TOKEN, maxPerPage: 2 }).addEvents(
      [1, 2, 3, 4].flatMap((n) => [pullRequest(REPO, n, 'opened', day(`0${n}:00`), `PR ${n}`, { branch: `feat/${n}` }), commit(REPO, day(`0${n}:30`), `Work ${n}`, { branch: `feat/${n}` })]),
    );
    const shifting: typeof fetch = async (input, init) => {
      const url = requestUrl(input);
      if (url.pathname.endsWith('/pulls') && url.searchParams.get('page') === '2') {
        const page1 = new URL(url);
        page1.searchParams.set('page', '1');
        const [first, second] = await Promise.all([fetch(page1, init).then((r) => r.json() as Promise<unknown[]>), fetch(input, init)]);
        const rest = (await second.json()) as unknown[];
        return new Response(JSON.stringify([first.at(-1), ...rest].slice(0, 2)), { status: 200, headers: second.headers });
      }
      return fetch(input, init);
    };
    await withFake(fake, async () => {
      const octokit = await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: fake.baseUrl, throttle: false, fetch: shifting });
      const { events } = await backfillRepository(octokit, REPO, range.start, range.end);
      const ids = events.map((e) => e.id);
      expect(ids.length - new Set(ids).size).toBe(0);
      const commitReads = fake.log.filter((e) => /\/pulls\/\d+\/commits$/.test(e.path)).map((e) => e.path);
      expect(commitReads.length - new Set(commitReads).size).toBe(0);
    });
  });

  it('reads a pull request updated while the later pages were listed (it moved to page 1, read already)', async () => {
    // Four pull requests of the day, two to a page: 4 and 3 on page 1, 2 and 1 on page 2. Just before page 2 is
    // asked for, someone comments on 1 (after the range): it moves to the top, and page 2 now holds 3 and 2.
    const pulls = [1, 2, 3, 4].flatMap((n) => [pullRequest(REPO, n, 'opened', day(`0${n}:00`), `PR ${n}`, { branch: `feat/${n}` }), commit(REPO, day(`0${n}:30`), `Work ${n}`, { branch: `feat/${n}` })]);
    const fake = new FakeGitHub({ token: TOKEN, maxPerPage: 2 }).addEvents(pulls);
    const comment = beforePage2('/pulls', () => fake.addEvents([{ ...pullRequest(REPO, 1, 'opened', at('2026-02-05', '09:00'), 'PR 1', { branch: 'feat/1' }), id: 'pr:comment', action: 'edited' as never }]));
    await withFake(fake, async () => {
      const octokit = await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: fake.baseUrl, throttle: false, fetch: comment.fetch });
      const { events } = await backfillRepository(octokit, REPO, range.start, range.end);
      expect(comment.done()).toBe(true);
      const ids = events.map((e) => e.id);
      expect(ids).toContain(pulls[0]!.id); // PR 1 opened
      expect(ids).toContain(pulls[1]!.id); // and its branch's commit
      expect(ids.length - new Set(ids).size).toBe(0);
      // Page 1, page 2, then page 1 again (which ends on a pull request read before): no more.
      expect(fake.log.filter((e) => /\/pulls$/.test(e.path))).toHaveLength(3);
    });
  });

  it('ranks a pull request re-listed from page 1 under the cap as if it had been updated before the listing began', async () => {
    // Four long-lived pull requests, each pushed to in the range; two to a page; cap 3. PR 1 is touched after the
    // range: the cap must read the same three whether that happens before the listing or while it runs.
    const pulls = [1, 2, 3, 4].flatMap((n) => [
      pullRequest(REPO, n, 'opened', at('2026-01-20', '09:00'), `PR ${n}`, { branch: `feat/${n}` }),
      commit(REPO, day(`0${n}:30`), `Work ${n}`, { branch: `feat/${n}` }),
    ]);
    const touch = () => ({ ...pullRequest(REPO, 1, 'opened', at('2026-02-05', '09:00'), 'PR 1', { branch: 'feat/1' }), id: 'pr:touch', action: 'edited' as never });
    const commitReads = (fake: FakeGitHub) => fake.log.filter((e) => /\/pulls\/\d+\/commits$/.test(e.path)).map((e) => e.path).sort();
    const before = new FakeGitHub({ token: TOKEN, maxPerPage: 2 }).addEvents([...pulls, touch()]);
    await withFake(before, async () => {
      await backfillRepository(await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: before.baseUrl, throttle: false }), REPO, range.start, range.end, { maxPullsWithCommits: 3 });
    });
    const during = new FakeGitHub({ token: TOKEN, maxPerPage: 2 }).addEvents(pulls);
    const touching = beforePage2('/pulls', () => during.addEvents([touch()]));
    await withFake(during, async () => {
      await backfillRepository(await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: during.baseUrl, throttle: false, fetch: touching.fetch }), REPO, range.start, range.end, { maxPullsWithCommits: 3 });
    });
    expect(touching.done()).toBe(true);
    expect(commitReads(during)).toEqual(commitReads(before));
    expect(commitReads(before)).toContain(`/repos/${REPO}/pulls/1/commits`);
  });

  it('gives each issue event once when an issue opened meanwhile shifts the pages of the issues listing', async () => {
    // Newest first, two to a page: an issue opened between the two requests pushes page 1's last one onto page 2.
    const issues = [1, 2, 3, 4].map((n) => issue(REPO, n, 'opened', day(`0${n}:00`), `Issue ${n}`));
    const fake = new FakeGitHub({ token: TOKEN, maxPerPage: 2 }).addEvents(issues);
    const open = beforePage2('/issues', () => fake.addEvents([issue(REPO, 5, 'opened', at('2026-02-05', '09:00'), 'Issue 5')]));
    await withFake(fake, async () => {
      const octokit = await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: fake.baseUrl, throttle: false, fetch: open.fetch });
      const { events } = await backfillRepository(octokit, REPO, range.start, range.end);
      expect(open.done()).toBe(true);
      expect(events.filter((e) => e.type === 'issues').map((e) => e.id).sort()).toEqual(issues.map((e) => e.id).sort());
    });
  });

  it('lists pull requests once when everything fits on one page', async () => {
    const fake = new FakeGitHub({ token: TOKEN }).addEvents([pullRequest(REPO, 1, 'opened', day('08:00'), 'Only', { branch: 'feat/only' })]);
    await withFake(fake, async () => {
      const octokit = await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: fake.baseUrl, throttle: false });
      await backfillRepository(octokit, REPO, range.start, range.end);
      expect(fake.log.filter((e) => /\/pulls$/.test(e.path))).toHaveLength(1);
    });
  });

  it('spends no pulls/{n}/commits request (nor a cap slot) on a pull request closed or merged before the range', async () => {
    // Merged two days before the range, commented on (updated) during it: its commits are fixed and all older.
    const merged = [
      pullRequest(REPO, 1, 'opened', at('2026-02-01', '08:00'), 'Done', { branch: 'feat/done' }),
      commit(REPO, at('2026-02-01', '09:00'), 'Done work', { branch: 'feat/done' }),
      pullRequest(REPO, 1, 'merged', at('2026-02-01', '10:00'), 'Done', { branch: 'feat/done' }),
      { ...pullRequest(REPO, 1, 'closed', day('12:00'), 'Done', { branch: 'feat/done' }), id: 'pr:edit', action: 'edited' as never },
    ];
    const fake = new FakeGitHub({ token: TOKEN }).addEvents(merged);
    await withFake(fake, async () => {
      expect(fake.repos.get(REPO)!.pulls.get(1)!.updated_at).toBe(day('12:00'));
      expect(fake.repos.get(REPO)!.pulls.get(1)!.closed_at).toBe(at('2026-02-01', '10:00'));
      const octokit = await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: fake.baseUrl, throttle: false });
      await backfillRepository(octokit, REPO, range.start, range.end);
      expect(fake.log.filter((e) => /\/pulls\/\d+\/commits$/.test(e.path))).toHaveLength(0);
    });
  });
});

describe('backfillRepository: a caller-given cap', () => {
  it('reads the commits of at most maxPullsWithCommits pull requests and counts the rest', async () => {
    const fake = new FakeGitHub({ token: TOKEN }).addEvents(
      [1, 2, 3, 4].flatMap((n) => [pullRequest(REPO, n, 'opened', day(`0${n}:00`), `PR ${n}`, { branch: `feat/${n}` }), commit(REPO, day(`0${n}:30`), `Work ${n}`, { branch: `feat/${n}` })]),
    );
    await withFake(fake, async () => {
      const octokit = await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: fake.baseUrl, throttle: false });
      const { events, pullsWithoutCommits } = await backfillRepository(octokit, REPO, range.start, range.end, { maxPullsWithCommits: 1 });
      expect(pullsWithoutCommits).toBe(3);
      expect(fake.log.filter((e) => /\/pulls\/\d+\/commits$/.test(e.path))).toHaveLength(1);
      expect(events.filter((e) => e.type === 'push')).toHaveLength(1);
    });
  });
});

describe('pullsWithCommitsShares', () => {
  it(`shares a job's ${MAX_PULLS_WITH_COMMITS_PER_JOB} pull requests among its repositories, at most ${MAX_PULLS_WITH_COMMITS} each`, () => {
    expect(pullsWithCommitsShares(1)).toEqual([MAX_PULLS_WITH_COMMITS]);
    expect(pullsWithCommitsShares(2)).toEqual([30, 30]);
    expect(pullsWithCommitsShares(7)).toEqual([9, 9, 9, 9, 8, 8, 8]);
    for (const count of [1, 3, 20, 59, 60, 61, 200]) {
      const shares = pullsWithCommitsShares(count);
      expect(shares).toHaveLength(count);
      expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MAX_PULLS_WITH_COMMITS_PER_JOB);
      expect(Math.max(...shares)).toBeLessThanOrEqual(MAX_PULLS_WITH_COMMITS);
    }
    // Past the budget, the last repositories read no pull request's commits (they are counted as unread).
    expect(pullsWithCommitsShares(61).slice(-1)).toEqual([0]);
    expect(pullsWithCommitsShares(61).filter((n) => n === 1)).toHaveLength(60);
  });
});
