// The demo's state folder rules (scripts/lib/demo-state.ts) on real folders: which folders --fresh may delete, the
// lock one run holds and a killed run leaves, and the worker port a finished run records.
import { spawnSync } from 'node:child_process';
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
});
