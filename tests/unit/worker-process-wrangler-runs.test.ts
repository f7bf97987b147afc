// startWorker's wrangler runs (migrations, bundle) on their error paths, with node:child_process mocked: a spawn
// that fails, a wrangler stopped by a signal, and a stop handed to the caller while the migrations run.
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Script = { stdout?: string; error?: NodeJS.ErrnoException; close?: [number | null, NodeJS.Signals | null]; hang?: true };
const scripts: Script[] = [];
const calls: string[][] = [];
const kills: string[] = [];

vi.mock('node:child_process', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:child_process')>();
  return {
    ...actual,
    spawn: (_cmd: string, args: string[]) => {
      calls.push(args);
      const script: Script = scripts.shift() ?? { close: [0, null] };
      const child = Object.assign(new EventEmitter(), {
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        pid: 4242,
        exitCode: null,
        signalCode: null as string | null,
        // As the real wrangler does: it catches SIGTERM and exits 143 (128 + 15), not killed by the signal.
        kill: (signal: string) => {
          kills.push(signal);
          setTimeout(() => child.emit('close', 143, null), 1);
          return true;
        },
      });
      setTimeout(() => {
        if (script.stdout) child.stdout.write(script.stdout);
        if (script.error) child.emit('error', script.error);
        if (script.close === undefined && !script.error) return; // runs until killed
        const [code, signal] = script.close ?? [-2, null];
        child.emit('close', code, signal);
      }, 5);
      return child;
    },
  };
});

const { applyMigrations, startWorker } = await import('../../scripts/lib/worker-process.ts');
const { freePort } = await import('../../scripts/lib/ports.ts');

beforeEach(() => {
  scripts.length = 0;
  calls.length = 0;
  kills.length = 0;
});

describe('worker-process: wrangler run asynchronously', () => {
  it("says why the bundle step failed when wrangler could not be spawned (the spawn error is not dropped)", async () => {
    const enoent = Object.assign(new Error('spawn /usr/bin/node ENOENT'), { code: 'ENOENT' });
    scripts.push({ stdout: 'No migrations to apply!', close: [0, null] }, { error: enoent });
    const state = mkdtempSync(join(tmpdir(), 'wrangler-runs-'));
    const error = await startWorker({ port: await freePort(), persistTo: state, runtime: 'miniflare', logFile: join(state, 'w.log') }).catch((e: unknown) => e);
    expect(calls[1]).toContain('--dry-run');
    expect(String((error as Error).message)).toContain('ENOENT');
  });

  it('does not call a wrangler stopped by a signal a stale or corrupt local state, killed or exiting 130/143', async () => {
    for (const [close, signal] of [[[null, 'SIGTERM'], 'SIGTERM'], [[130, null], 'SIGINT'], [[143, null], 'SIGTERM']] as const) {
      scripts.push({ close: [...close] });
      const state = mkdtempSync(join(tmpdir(), 'wrangler-runs-'));
      const error = (await applyMigrations(state).catch((e: unknown) => e)) as Error;
      expect(error.message).toBe(`Applying D1 migrations to the local state under ${state} was stopped (${signal}).`);
      expect(existsSync(`${state}.migrations-error.log`)).toBe(false);
    }
    // Any other failure is still the state's, with its log.
    scripts.push({ stdout: 'Migration 0003 failed', close: [1, null] });
    const state = mkdtempSync(join(tmpdir(), 'wrangler-runs-'));
    const error = (await applyMigrations(state).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/stale or corrupt/);
    expect(existsSync(`${state}.migrations-error.log`)).toBe(true);
  });

  it('hands the caller a stop for wrangler while the migrations run (npm start\'s SIGTERM handler exits 130 meanwhile)', async () => {
    scripts.push({ hang: true });
    const state = mkdtempSync(join(tmpdir(), 'wrangler-runs-'));
    let handed: (stop: () => Promise<void>) => void = () => {};
    const stopHanded = new Promise<() => Promise<void>>((resolve) => (handed = resolve));
    const started = startWorker({ port: await freePort(), persistTo: state, logFile: join(state, 'w.log'), onSpawn: (s) => handed(s) }).catch((e: unknown) => e as Error);
    const stop = await stopHanded;
    expect(calls[0]).toContain('migrations');
    // npm start's signal handlers stop what onSpawn handed them: here, the migrations' wrangler.
    await stop();
    expect(kills).toEqual(['SIGTERM']);
    const error = await started;
    expect((error as Error).message).toMatch(/^Applying D1 migrations to the local state under .* was stopped \(SIGTERM\)\.$/);
    expect(calls).toHaveLength(1);
  });
});
