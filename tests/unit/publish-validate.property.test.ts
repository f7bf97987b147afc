// Property tests of the publish request validation (validate.ts, types.ts) and of content round-trips through
// GitHubPublisher and the fake GitHub over real HTTP.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { posix } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../content-pipeline/github/backfill.ts';
import { gitBlobSha } from '../../content-pipeline/publish/git-blob.ts';
import { GitHubPublisher } from '../../content-pipeline/publish/github.ts';
import { assertUnderContentRoot, CONTENT_ROOT, PathOutsideContentRootError } from '../../content-pipeline/publish/types.ts';
import { assertPublishableBranch, InvalidBranchError } from '../../content-pipeline/publish/validate.ts';
import { FakeGitHub } from '../../scripts/sandbox/fake-github.ts';

const accepts = (f: () => void) => {
  try {
    f();
    return true;
  } catch (error) {
    if (error instanceof PathOutsideContentRootError || error instanceof InvalidBranchError) return false;
    throw error;
  }
};

const piece = fc.constantFrom('..', '.', '', '\\', 'x', 'é', '２０２６', ' ', '. ', 'x.', 'x ', '.md', 'a.md', 'Site', 'SITE', 'recaps', 'Recaps', '\u202e', '\u0000', '%2e%2e', '~', ':', 'C:', '.git', 'a'.repeat(300));
const pathArb = fc.oneof(
  fc.array(piece, { maxLength: 6 }).map((parts) => `${CONTENT_ROOT}${parts.join('/')}`),
  fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('/')),
  fc.tuple(fc.constantFrom('/', '\\', 'Site/content/recaps/', 'site/Content/recaps/', 'site/content/RECAPS/', './site/content/recaps/', 'site//content/recaps/', 'site/content/recaps//', 'site/content/recaps'), fc.array(piece, { maxLength: 4 })).map(([p, parts]) => `${p}${parts.join('/')}.md`),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => `${CONTENT_ROOT}${s}.md`),
);

describe('path validation', () => {
  it('accepts only .md files that stay under the content root, case for case', () => {
    fc.assert(
      fc.property(pathArb, (path) => {
        if (!accepts(() => assertUnderContentRoot(path))) return;
        expect(path.startsWith(CONTENT_ROOT)).toBe(true);
        expect(posix.normalize(path)).toBe(path);
        expect(posix.isAbsolute(path)).toBe(false);
        expect(path.includes('\\')).toBe(false);
        expect(path.endsWith('.md')).toBe(true);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('refuses every documented bad shape', () => {
    for (const path of ['/site/content/recaps/x.md', 'site/content/recaps/../x.md', 'site/content/recaps/./x.md', 'site/content/recaps//x.md', 'site/content/recaps\\x.md', 'Site/content/recaps/x.md', 'site/content/recaps/x.MD', 'site/content/recaps/x.txt', 'site/content/x.md']) {
      expect(accepts(() => assertUnderContentRoot(path)), path).toBe(false);
    }
  });
});

describe('branch validation', () => {
  const git = (branch: string) => spawnSync('git', ['check-ref-format', '--branch', branch], { encoding: 'utf8' }).status === 0;
  const part = fc.constantFrom('recap', 'daily', '2026-01-05', 'a.lock', 'x.', '.x', 'a..b', 'W02', '-x', 'x-', 'a_b', 'lock', '.lock', 'x.lock.y', '@', 'HEAD');
  const branchArb = fc.array(part, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));

  it('accepts only names git accepts as branch names', () => {
    fc.assert(
      fc.property(branchArb, (branch) => {
        if (accepts(() => assertPublishableBranch(branch, 'main'))) expect(git(branch), branch).toBe(true);
      }),
      { numRuns: 400, seed: 11 },
    );
  });
});

describe('content round-trip through GitHubPublisher', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const TOKEN = 'github_pat_roundtrip';
  const github = new FakeGitHub({ token: TOKEN, app: { id: '1', installationId: '2', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
  beforeAll(() => github.start());
  afterAll(() => github.stop());
  let n = 0;
  const PATH = 'site/content/recaps/2026/x.md';
  const contentArb = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.array(fc.constantFrom('\r\n', '\n', '\r', '\uFEFF', '\u0000', 'é', '😀', 'a', ' ', '\t', '\u2028'), { maxLength: 60 }).map((a) => a.join('')),
  );

  it('stores every content byte for byte, and a re-run of it is unchanged', async () => {
    const octokit = await createGitHubClient({ kind: 'token', token: TOKEN }, { baseUrl: github.baseUrl, throttle: false });
    await fc.assert(
      fc.asyncProperty(contentArb, async (content) => {
        const repo = `streamdev/roundtrip-${++n}`;
        github.initRepository(repo, 'main', { 'README.md': 'x\n' });
        const p = new GitHubPublisher(octokit, { repo, baseBranch: 'main' });
        const req = { branch: 'recap/daily/x', title: 't', body: 'b', files: [{ path: PATH, content }] };
        const first = await p.publish(req);
        expect(first.outcome).toBe('created');
        const git = github.repos.get(repo)!.git;
        const entry = git.flatten(git.commit(first.commit_sha!).tree).get(PATH)!;
        expect(git.blob(entry.sha).equals(Buffer.from(content, 'utf8'))).toBe(true);
        expect(entry.sha).toBe(await gitBlobSha(content));
        expect((await p.publish(req)).outcome).toBe('unchanged');
      }),
      { numRuns: 40, seed: 5 },
    );
    const big = 'é😀\r\n\u0000'.repeat(300_000);
    const repo = `streamdev/roundtrip-${++n}`;
    github.initRepository(repo, 'main', { 'README.md': 'x\n' });
    const p = new GitHubPublisher(octokit, { repo, baseBranch: 'main' });
    const req = { branch: 'recap/daily/x', title: 't', body: 'b', files: [{ path: PATH, content: big }] };
    expect((await p.publish(req)).outcome).toBe('created');
    expect(github.files(repo, 'recap/daily/x')[PATH]).toBe(big);
    expect((await p.publish(req)).outcome).toBe('unchanged');
  }, 20_000);
});
