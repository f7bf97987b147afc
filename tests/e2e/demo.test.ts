// `npm start -- --no-serve`, for real, twice: the whole offline pipeline on the sample week ends with recaps merged
// into a real git repository and a built site; the second run creates nothing and changes nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/dev-vars.ts';
import { freePort } from '../../scripts/lib/ports.ts';

const state = mkdtempSync(join(tmpdir(), 'clip-recap-demo-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

async function runDemo() {
  const run = spawnSync(process.execPath, ['scripts/start.ts', '--no-serve', '--state', state, '--port', String(await freePort()), '--site-port', String(await freePort())], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    timeout: 180_000,
  });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('npm start (offline demo)', () => {
  it('runs the whole pipeline, then again without changing anything', async () => {
    const first = await runDemo();
    expect(first.status, first.out).toBe(0);
    expect(first.out).toMatch(/✓ ingest\s+12 clips \(12 new/);
    expect(first.out).toMatch(/✓ pipeline\s+11 ready, 1 failed \(media_unavailable\)/);
    expect(first.out).toMatch(/✓ publish\s+(\d+) recaps: \1 committed and merged, 0 unchanged/);
    const blog = join(state, 'blog');
    const log = spawnSync('git', ['log', '--oneline'], { cwd: blog, encoding: 'utf8' }).stdout;
    expect(log).toMatch(/Merge branch 'recap\/weekly\/2026-W02'/);
    expect(readdirSync(join(blog, 'site/content/recaps/2026'))).toContain('2026-W02-weekly-summary.md');
    expect(existsSync(join(state, 'site', 'recaps', '2026-W02-weekly-summary', 'index.html'))).toBe(true);
    expect(spawnSync('git', ['status', '--porcelain'], { cwd: blog, encoding: 'utf8' }).stdout).toBe('');
    // The worker's log lines go to a file the summary names, one JSON object per auth attempt among them.
    const workerLog = join(state, 'worker.log');
    expect(first.out).toContain(`worker log   ${workerLog}`);
    const authLines = readFileSync(workerLog, 'utf8').split('\n').filter((l) => l.includes('"event":"auth"'));
    expect(authLines.length).toBeGreaterThan(0);
    expect(JSON.parse(authLines[0]!.slice(authLines[0]!.indexOf('{')))).toMatchObject({ outcome: 'accepted' });

    const commits = log.split('\n').length;
    const second = await runDemo();
    expect(second.status, second.out).toBe(0);
    expect(second.out).toMatch(/✓ ingest\s+12 clips \(0 new, 0 refreshed, 12 unchanged\)/);
    expect(second.out).toMatch(/✓ publish\s+(\d+) recaps: 0 committed and merged, \1 unchanged/);
    expect(spawnSync('git', ['log', '--oneline'], { cwd: blog, encoding: 'utf8' }).stdout.split('\n').length).toBe(commits);
  }, 240_000);
});
