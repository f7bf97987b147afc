// `npm start -- --no-serve`, for real: the whole offline pipeline on the sample week ends with recaps merged into a
// real git repository and a built site; the second run creates nothing and changes nothing; later runs on the same
// state recover what an interrupted run left, and refuse what they cannot use with a message (no stack trace).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/dev-vars.ts';
import { freePort, isPortFree } from '../../scripts/lib/ports.ts';

const base = mkdtempSync(join(tmpdir(), 'clip-recap-demo-'));
const state = join(base, 'state');
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** The same worker port for every run on `state`: its recaps link thumbnails to it. */
let statePort: number | undefined;

async function runDemo({ dir = state, port, args = ['--no-serve'] }: { dir?: string; port?: number; args?: string[] } = {}) {
  const workerPort = port ?? (dir === state ? (statePort ??= await freePort()) : await freePort());
  const run = spawnSync(process.execPath, ['scripts/start.ts', ...args, '--state', dir, '--port', String(workerPort), '--site-port', String(await freePort())], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    timeout: 180_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, out: `${run.stdout}${run.stderr}` };
}

const noStack = (out: string) => expect(out).not.toMatch(/^\s+at |EADDRINUSE|EEXIST/m);

/** Pids (other than this one) whose command line mentions `needle`. */
function processesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('npm start (offline demo)', () => {
  it('runs the whole pipeline, then again without changing anything', async () => {
    const first = await runDemo();
    expect(first.status, first.out).toBe(0);
    expect(first.out).toMatch(/✓ ingest\s+12 clips \(12 new/);
    expect(first.out).toMatch(/✓ pipeline\s+11 ready, 1 failed \(media_unavailable\)/);
    expect(first.out).toMatch(/✓ publish\s+(\d+) recaps: \1 committed, \1 merged, 0 unchanged/);
    expect(first.out).toMatch(/Done in [\d.]+ s: 12 clips \(1 failed\), \d+ GitHub events backfilled and 3 webhooks, \d+ clips matched, 11 scored \(mean [\d.]+\), (\d+) recap files \(\1 written\), \d+ pages\./);
    expect(first.out).toContain('worker API   stopped with --no-serve');
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
    expect(second.out).toMatch(/✓ publish\s+(\d+) recaps: 0 committed, 0 merged, \1 unchanged/);
    expect(spawnSync('git', ['log', '--oneline'], { cwd: blog, encoding: 'utf8' }).stdout.split('\n').length).toBe(commits);
  }, 240_000);

  it('merges a recap an interrupted run committed but did not merge', async () => {
    const blog = join(state, 'blog');
    // What a run stopped between the publisher's commit and the reviewer's merge leaves: the branch, not on main.
    spawnSync('git', ['reset', '--quiet', '--hard', 'main~1'], { cwd: blog });
    expect(existsSync(join(blog, 'site/content/recaps/2026/2026-W02-weekly-summary.md'))).toBe(false);
    const run = await runDemo();
    expect(run.status, run.out).toBe(0);
    expect(run.out).toMatch(/✓ publish\s+(\d+) recaps: 0 committed, 1 merged, \1 unchanged/);
    expect(existsSync(join(blog, 'site/content/recaps/2026/2026-W02-weekly-summary.md'))).toBe(true);
    expect(existsSync(join(state, 'site', 'recaps', '2026-W02-weekly-summary', 'index.html'))).toBe(true);
  }, 120_000);

  it('stops before starting anything, with what to do, when the blog repository has uncommitted changes', async () => {
    const readme = join(state, 'blog', 'site/content/recaps/README.md');
    writeFileSync(readme, 'edited\n');
    const run = await runDemo();
    spawnSync('git', ['checkout', '--', '.'], { cwd: join(state, 'blog') });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^✗ demo\s+The blog repository .*blog has uncommitted changes:\n\s*M site\/content\/recaps\/README\.md/m);
    expect(run.stderr).toContain(`git -C ${join(state, 'blog')} status`);
    expect(run.stdout).not.toContain('✓ sandbox');
    noStack(run.out);
  }, 120_000);

  it('refuses another worker port for a state whose recaps link thumbnails to the first', async () => {
    const other = (statePort! % 60_000) + 1024;
    const run = await runDemo({ port: other });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`link their thumbnails to the worker on port ${statePort}. Use --port ${statePort}`);
    noStack(run.out);
  });

  it('says a state that lost its R2 data is incomplete instead of writing recaps without it', async () => {
    rmSync(join(state, 'wrangler-state', 'v3', 'r2'), { recursive: true, force: true });
    const run = await runDemo();
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/is incomplete \(no R2 data from its earlier run\)\. Run `npm start -- --fresh --state /);
    noStack(run.out);
  });
});

describe('npm start refuses what it cannot use, before touching anything', () => {
  it('--fresh on a folder the demo did not make deletes nothing', async () => {
    const dir = join(base, 'my-project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'precious.txt'), 'keep');
    const run = await runDemo({ dir, args: ['--no-serve', '--fresh'] });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('is not one the demo made');
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep');
    const project = await runDemo({ dir: ROOT, args: ['--no-serve', '--fresh'] });
    expect(project.status).toBe(1);
    expect(existsSync(join(ROOT, 'package.json'))).toBe(true);
    noStack(run.out + project.out);
  });

  it('a --state that is a file, the same port twice, and a state another run holds', async () => {
    const file = join(base, 'a-file');
    writeFileSync(file, '');
    const onFile = await runDemo({ dir: file });
    expect(onFile.status).toBe(1);
    expect(onFile.stderr).toContain('is a file; give a folder');

    const port = await freePort();
    const samePort = spawnSync(process.execPath, ['scripts/start.ts', '--no-serve', '--state', join(base, 'same'), '--port', String(port), '--site-port', String(port)], { cwd: ROOT, encoding: 'utf8' });
    expect(samePort.status).toBe(1);
    expect(samePort.stderr).toContain(`--port and --site-port are both ${port}`);

    const held = join(base, 'held');
    mkdirSync(held);
    writeFileSync(join(held, '.clip-recap-demo'), '');
    writeFileSync(join(held, '.lock'), `${process.pid}\n`);
    const locked = await runDemo({ dir: held });
    expect(locked.status).toBe(1);
    expect(locked.stderr).toContain(`Another \`npm start\` (pid ${process.pid}) is using ${held}`);
    noStack(onFile.out + samePort.stdout + samePort.stderr + locked.out);
  });

  it('Ctrl+C while the worker starts stops it too (its own process group), frees its port, and exits 130', async () => {
    const dir = join(base, 'interrupted');
    const port = await freePort();
    const child = spawn(process.execPath, ['scripts/start.ts', '--no-serve', '--state', dir, '--port', String(port), '--site-port', String(await freePort())], {
      cwd: ROOT,
      detached: true, // its own process group, as a terminal's foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // wrangler dev runs (its log exists) and /health does not answer yet.
    for (let waited = 0; !existsSync(join(dir, 'worker.log')) && waited < 60_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    expect(out).not.toContain('✓ worker');
    process.kill(-child.pid!, 'SIGINT'); // what Ctrl+C does: SIGINT to the foreground process group
    expect(await exited, out).toBe(130);
    expect(out).toMatch(/✗ worker\s+interrupted \(SIGINT\)/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(processesMentioning(dir)).toEqual([]);
    expect(await isPortFree(port)).toBe(true);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  }, 120_000);
});
