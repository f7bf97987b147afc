// Backfill of a commit authored on one day and committed on the next (a rebase-merge, an amend, a cherry-pick),
// against a local server that filters since/until on the committer date, as GitHub does: it is found once.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backfillRepository, createGitHubClient } from '../../content-pipeline/index.ts';

const COMMIT = {
  sha: 'a'.repeat(40),
  html_url: 'https://github.com/o/r/commit/' + 'a'.repeat(40),
  author: { login: 'dev' },
  commit: { message: 'Fix pagination', author: { name: 'dev', date: '2026-01-05T22:00:00Z' }, committer: { name: 'GitHub', date: '2026-01-06T10:00:00Z' } },
};
let base = '';
const server = createServer((req, res) => {
  const url = new URL(req.url!, 'http://x');
  let body: unknown[] = [];
  if (url.pathname === '/repos/o/r/commits') {
    // Like GitHub: since/until compare the committer date.
    const since = Date.parse(url.searchParams.get('since')!);
    const until = Date.parse(url.searchParams.get('until')!);
    const t = Date.parse(COMMIT.commit.committer.date);
    body = t >= since && t <= until ? [COMMIT] : [];
  }
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => void server.close());

it('finds a rebased commit in the backfill of the day it was committed, dated when it was authored', async () => {
  const octokit = await createGitHubClient({ kind: 'token', token: 't' }, { baseUrl: base, throttle: false });
  const day1 = await backfillRepository(octokit, 'o/r', '2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z');
  const day2 = await backfillRepository(octokit, 'o/r', '2026-01-06T00:00:00Z', '2026-01-07T00:00:00Z');
  expect(day1.events).toEqual([]);
  expect(day2.events.map((e) => [e.sha, e.occurred_at])).toEqual([[COMMIT.sha, '2026-01-05T22:00:00.000Z']]);
});
