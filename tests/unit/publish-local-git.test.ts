// LocalGitPublisher against a real temporary git repository: one commit per publish on the recap branch, created /
// updated / unchanged, the base branch untouched until mergeBranch, a clean working tree after every call, the
// configured author, and paths outside the content root refused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PathOutsideContentRootError, type PublishRequest } from '../../content-pipeline/publish/types.ts';
import { GitCommandError, LocalGitPublisher, mergeBranch } from '../../scripts/publish/local-git.ts';

const PATH = 'site/content/recaps/2026/2026-01-05-daily-recap.md';
const BRANCH = 'recap/daily/2026-01-05';
const AUTHOR = { name: 'Clip Recap', email: 'recap@example.invalid' };
const DATE = '2026-01-05T12:00:00Z';
const saved = { global: process.env.GIT_CONFIG_GLOBAL, nosystem: process.env.GIT_CONFIG_NOSYSTEM };
let dir = '';
let initial = '';

// The machine's git configuration (signing, hooks paths, default identity) must not change the outcome.
beforeAll(() => {
  process.env.GIT_CONFIG_GLOBAL = '/dev/null';
  process.env.GIT_CONFIG_NOSYSTEM = '1';
});
afterAll(() => {
  for (const [key, value] of [['GIT_CONFIG_GLOBAL', saved.global], ['GIT_CONFIG_NOSYSTEM', saved.nosystem]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const sh = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
beforeEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(join(tmpdir(), 'local-git-publisher-'));
  sh('init', '--quiet', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# The blog\n');
  sh('add', 'README.md');
  sh('-c', 'user.name=Seed', '-c', 'user.email=seed@example.invalid', 'commit', '--quiet', '-m', 'Initial commit');
  initial = sh('rev-parse', 'HEAD');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const publisher = () => new LocalGitPublisher({ repoDir: dir, baseBranch: 'main', author: AUTHOR, date: DATE });
const request = (content: string, extra: Partial<PublishRequest> = {}): PublishRequest => ({ branch: BRANCH, title: 'Daily recap: 2026-01-05', body: 'For review.', files: [{ path: PATH, content }], ...extra });
const expectCleanOnMain = () => {
  expect(sh('status', '--porcelain')).toBe('');
  expect(sh('branch', '--show-current')).toBe('main');
};

describe('LocalGitPublisher', () => {
  it('creates the branch with one commit by the configured author, leaving main untouched and checked out', async () => {
    const result = await publisher().publish(request('# Monday\n'));
    expect(result).toEqual({ outcome: 'created', branch: BRANCH, commit_sha: sh('rev-parse', BRANCH), files: [PATH] });
    expect(sh('rev-list', '--count', `main..${BRANCH}`)).toBe('1');
    expect(sh('rev-parse', `${BRANCH}^`)).toBe(initial);
    expect(sh('log', '-1', '--format=%an <%ae>|%cn <%ce>|%aI|%cI|%s', BRANCH)).toBe('Clip Recap <recap@example.invalid>|Clip Recap <recap@example.invalid>|2026-01-05T12:00:00+00:00|2026-01-05T12:00:00+00:00|Daily recap: 2026-01-05');
    expect(sh('show', `${BRANCH}:${PATH}`)).toBe('# Monday');
    expect(sh('rev-parse', 'main')).toBe(initial);
    expect(existsSync(join(dir, PATH))).toBe(false);
    expectCleanOnMain();
  });

  it('adds one commit per changed publish (updated) and none for identical content (unchanged)', async () => {
    const p = publisher();
    const first = await p.publish(request('# Monday\n'));
    const second = await p.publish(request('# Monday, revised\n'));
    expect(second).toMatchObject({ outcome: 'updated', branch: BRANCH });
    expect(sh('rev-parse', `${BRANCH}^`)).toBe(first.commit_sha);
    const third = await p.publish(request('# Monday, revised\n'));
    expect(third).toEqual({ outcome: 'unchanged', branch: BRANCH, commit_sha: second.commit_sha, files: [PATH] });
    expect(sh('rev-list', '--count', `main..${BRANCH}`)).toBe('2');
    expect(sh('rev-parse', 'main')).toBe(initial);
    expectCleanOnMain();
  });

  it('lands several files in one commit', async () => {
    const week = 'site/content/recaps/2026/2026-01-11-weekly-summary.md';
    const result = await publisher().publish(request('', { files: [{ path: PATH, content: '# Monday\n' }, { path: week, content: '# Week 2\n' }] }));
    expect(result.files).toEqual([PATH, week]);
    expect(sh('rev-list', '--count', `main..${BRANCH}`)).toBe('1');
    expect(sh('diff-tree', '--no-commit-id', '--name-only', '-r', BRANCH).split('\n').sort()).toEqual([PATH, week]);
  });

  it('keeps main untouched until mergeBranch merges with a merge commit; the merged content is then unchanged', async () => {
    const p = publisher();
    const published = await p.publish(request('# Monday\n'));
    expect(sh('rev-parse', 'main')).toBe(initial);
    const merge = mergeBranch(dir, BRANCH, 'main');
    expect(merge).toBe(sh('rev-parse', 'main'));
    expect(sh('rev-list', '--parents', '-n', '1', 'main').split(' ')).toEqual([merge, initial, published.commit_sha]);
    expect(sh('show', `main:${PATH}`)).toBe('# Monday');
    expectCleanOnMain();
    expect(await p.publish(request('# Monday\n'))).toMatchObject({ outcome: 'unchanged', commit_sha: published.commit_sha });
  });

  it('creates no branch when the base already holds the same content', async () => {
    await publisher().publish(request('# Monday\n'));
    mergeBranch(dir, BRANCH, 'main');
    const other = await publisher().publish(request('# Monday\n', { branch: 'recap/daily/2026-01-05-again' }));
    expect(other).toMatchObject({ outcome: 'unchanged', commit_sha: sh('rev-parse', 'main') });
    expect(sh('branch', '--list', 'recap/daily/2026-01-05-again')).toBe('');
    expectCleanOnMain();
  });

  it('refuses paths outside the content root before touching the repository', async () => {
    for (const path of ['README.md', 'site/content/recaps/../../README.md', '/tmp/x.md', 'site/content/recaps/x.txt']) {
      await expect(publisher().publish(request('x', { files: [{ path, content: 'x' }] }))).rejects.toBeInstanceOf(PathOutsideContentRootError);
    }
    expect(sh('branch', '--list', BRANCH)).toBe('');
    expect(sh('rev-parse', 'main')).toBe(initial);
    expectCleanOnMain();
  });

  it('refuses a content folder that is a symlink out of the repository, and cleans up', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    mkdirSync(join(dir, 'site/content'), { recursive: true });
    symlinkSync(outside, join(dir, 'site/content/recaps'));
    sh('add', 'site/content/recaps');
    sh('-c', 'user.name=Seed', '-c', 'user.email=seed@example.invalid', 'commit', '--quiet', '-m', 'Recaps elsewhere');
    await expect(publisher().publish(request('# Monday\n'))).rejects.toThrow(/resolves outside/);
    expect(readdirSync(outside)).toEqual([]);
    expect(sh('branch', '--list', BRANCH)).toBe('');
    expectCleanOnMain();
    rmSync(outside, { recursive: true, force: true });
  });

  it('refuses to write through a committed symlink at the recap’s own path, and cleans up', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(outside, 'victim.txt'), 'precious\n');
    mkdirSync(join(dir, 'site/content/recaps/2026'), { recursive: true });
    symlinkSync(join(outside, 'victim.txt'), join(dir, PATH));
    sh('add', PATH);
    sh('-c', 'user.name=Seed', '-c', 'user.email=seed@example.invalid', 'commit', '--quiet', '-m', 'A link where a recap goes');
    await expect(publisher().publish(request('OVERWRITTEN\n'))).rejects.toThrow(/it is a symbolic link/);
    expect(readFileSync(join(outside, 'victim.txt'), 'utf8')).toBe('precious\n');
    expect(sh('branch', '--list', BRANCH)).toBe('');
    expectCleanOnMain();
    rmSync(outside, { recursive: true, force: true });
  });

  it('refuses a dirty working tree, and reports git failures with git stderr', async () => {
    writeFileSync(join(dir, 'README.md'), 'local edit\n');
    await expect(publisher().publish(request('# Monday\n'))).rejects.toThrow(/uncommitted changes/);
    sh('checkout', '--', 'README.md');
    const wrongBase = new LocalGitPublisher({ repoDir: dir, baseBranch: 'trunk', author: AUTHOR });
    await expect(wrongBase.publish(request('# Monday\n'))).rejects.toThrow(/base branch trunk does not exist/);
    expect(() => mergeBranch(dir, 'no-such-branch', 'main')).toThrow(GitCommandError);
    // git's own stderr is in the message.
    const bad = new LocalGitPublisher({ repoDir: join(dir, 'missing'), baseBranch: 'main', author: AUTHOR });
    await expect(bad.publish(request('# Monday\n'))).rejects.toThrow(/git status --porcelain could not run in .*missing \(is it an existing directory/);
    const notRepo = new LocalGitPublisher({ repoDir: tmpdir(), baseBranch: 'main', author: AUTHOR });
    await expect(notRepo.publish(request('# Monday\n'))).rejects.toThrow(/git status --porcelain failed in .* \(exit 128\): fatal: not a git repository/);
    expectCleanOnMain();
  });
});
