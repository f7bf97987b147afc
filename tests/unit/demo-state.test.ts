// The demo's state folder rules (scripts/lib/demo-state.ts) on real folders: which folders --fresh may delete, the
// lock one run holds and a killed run leaves, and the worker port a finished run records.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DemoError, openDemoState, STATE_MARKER } from '../../scripts/lib/demo-state.ts';

const base = mkdtempSync(join(tmpdir(), 'clip-recap-demo-state-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const open = (dir: string, extra: { fresh?: boolean; port?: number; protect?: string[] } = {}) =>
  openDemoState({ dir, fresh: extra.fresh ?? false, port: extra.port, defaultPort: 8787, protect: extra.protect ?? [], freshCommand: 'npm start -- --fresh' });

describe('openDemoState', () => {
  it('makes and marks a new folder, holds its lock until released, and records the port of a finished run', () => {
    const dir = join(base, 'new');
    const state = open(dir);
    expect(state.port).toBe(8787);
    expect(existsSync(join(dir, STATE_MARKER))).toBe(true);
    expect(readFileSync(join(dir, '.lock'), 'utf8').trim()).toBe(String(process.pid));
    mkdirSync(join(dir, 'wrangler-state', 'v3', 'd1'), { recursive: true });
    mkdirSync(join(dir, 'wrangler-state', 'v3', 'r2'), { recursive: true });
    state.markCompleted();
    state.release();
    state.release();
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    // The next run takes the recorded port when none is given.
    const again = open(dir);
    expect(again.port).toBe(8787);
    again.release();
    expect(() => open(dir, { port: 9999 })).toThrow(/link their thumbnails to the worker on port 8787/);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });

  it('records the worker port once a worker ran, before any run finished, and refuses another one then', () => {
    const dir = join(base, 'interrupted-run');
    const first = open(dir, { port: 18787 });
    first.recordPort(); // the worker answered: items and recaps may now link to 18787
    first.release(); // the run was stopped before it finished
    expect(() => open(dir, { port: 18788 })).toThrow(/link their thumbnails to the worker on port 18787/);
    const again = open(dir);
    expect(again.port).toBe(18787);
    again.release();
  });

  it('takes over the lock of a run that was killed (its pid is gone)', () => {
    const dir = join(base, 'killed');
    mkdirSync(dir);
    writeFileSync(join(dir, STATE_MARKER), '');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, '.lock'), `${gone.stdout}\n`);
    const state = open(dir);
    expect(readFileSync(join(dir, '.lock'), 'utf8').trim()).toBe(String(process.pid));
    state.release();
  });

  it('--fresh empties a demo folder, including one made before the marker, and refuses any other', () => {
    const old = join(base, 'old-demo');
    mkdirSync(join(old, 'wrangler-state'), { recursive: true });
    mkdirSync(join(old, 'blog'));
    writeFileSync(join(old, 'worker.log'), 'x');
    open(old, { fresh: true }).release();
    expect(existsSync(join(old, 'worker.log'))).toBe(false);
    expect(existsSync(join(old, STATE_MARKER))).toBe(true);

    const foreign = join(base, 'foreign');
    mkdirSync(join(foreign, 'wrangler-state'), { recursive: true });
    writeFileSync(join(foreign, 'thesis.tex'), 'keep');
    expect(() => open(foreign, { fresh: true })).toThrow(DemoError);
    expect(() => open(foreign)).toThrow(/did not make and it is not empty/);
    expect(readFileSync(join(foreign, 'thesis.tex'), 'utf8')).toBe('keep');

    const project = join(base, 'project');
    mkdirSync(project);
    writeFileSync(join(project, STATE_MARKER), '');
    expect(() => open(project, { fresh: true, protect: [join(project, 'src')] })).toThrow(/it holds .*project\/src/);
    expect(existsSync(join(project, STATE_MARKER))).toBe(true);
  });

  it('refuses a lock file without a pid rather than take it', () => {
    const dir = join(base, 'empty-lock');
    mkdirSync(dir);
    writeFileSync(join(dir, STATE_MARKER), '');
    writeFileSync(join(dir, '.lock'), '');
    expect(() => open(dir)).toThrow(/holds no pid/);
  });
});

describe('the lock, taken by runs started together on a lock a killed run left', () => {
  const TAKER = join(base, 'take.ts');
  writeFileSync(
    TAKER,
    `import { openDemoState } from ${JSON.stringify(join(process.cwd(), 'scripts/lib/demo-state.ts'))};
const [dir, at] = [process.argv[2]!, Number(process.argv[3])];
while (Date.now() < at) {}
try {
  const s = openDemoState({ dir, fresh: false, port: undefined, defaultPort: 8787, protect: [], freshCommand: 'x' });
  console.log('got');
  await new Promise((r) => setTimeout(r, 1500));
  s.release();
} catch { console.log('refused'); }
`,
  );
  const take = (dir: string, at: number) =>
    new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [TAKER, dir, String(at)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', () => resolve(out.trim()));
    });

  // Two runs at once: one gets it. (Three or more at the same instant can still both hold it: a run restoring a live
  // lock it moved aside by mistake can find a third run's lock in its place. Not guarded: see demo-state.ts.)
  it('is held by one of two runs at a time', async () => {
    for (let trial = 0; trial < 4; trial++) {
      const dir = join(base, `race-${trial}`);
      mkdirSync(dir);
      writeFileSync(join(dir, STATE_MARKER), '');
      writeFileSync(join(dir, '.lock'), '999999\n'); // no such process
      const at = Date.now() + 1500;
      const outcomes = await Promise.all(Array.from({ length: 2 }, () => take(dir, at)));
      expect(outcomes.filter((o) => o === 'got'), outcomes.join(',')).toHaveLength(1);
    }
  }, 60_000);
});
