// A stale or corrupt local state (`npm start`'s .demo/, `npm run dev`'s .wrangler/) gives a short message that
// names the cause, the folder and the fix, not wrangler's dump of a workerd stack: for real, on a D1 file that
// is not a database, and for the shapes of output wrangler gives.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/dev-vars.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { applyMigrations, migrationFailureMessage, WorkerStartError } from '../../scripts/lib/worker-process.ts';

const base = mkdtempSync(join(tmpdir(), 'clip-recap-stale-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A local state whose migrated D1 database file is overwritten with text. */
async function corruptState(state: string): Promise<void> {
  expect((await applyMigrations(state)).applied).toBe(true);
  const d1 = join(state, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const database = readdirSync(d1).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  expect(database).toBeDefined();
  writeFileSync(join(d1, database!), 'not a database '.repeat(100));
  for (const f of readdirSync(d1)) if (f.startsWith(`${database!}-`)) rmSync(join(d1, f));
}

describe('a corrupt local D1 state', () => {
  it('fails with the cause, the folder and the fix in a few lines, and keeps wrangler’s output in a log file', async () => {
    const state = join(base, 'state');
    await corruptState(state);

    const error: unknown = await applyMigrations(state, 'run `npm start -- --fresh`.').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    const message = (error as Error).message;
    expect(message).toContain(`local state under ${state} failed: file is not a database`);
    expect(message).toContain('stale or corrupt: run `npm start -- --fresh`.');
    expect(message.split('\n')).toHaveLength(3);
    expect(message).not.toMatch(/stack:|workerd@|\x1b\[/);
    const logFile = `${state}.migrations-error.log`;
    expect(message).toContain(logFile);
    expect(existsSync(logFile)).toBe(true);
    expect(readFileSync(logFile, 'utf8')).toContain('SQLITE_NOTADB');
  });

  it('stops `npm start` at its worker stage, with the flags that start it over', async () => {
    const demo = join(base, 'demo');
    await corruptState(join(demo, 'wrangler-state'));
    const run = spawnSync(process.execPath, ['scripts/start.ts', '--no-serve', '--state', demo, '--port', String(await freePort()), '--site-port', String(await freePort())], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^✓ sandbox /m);
    expect(run.stderr).toMatch(/^✗ worker +Applying D1 migrations to the local state under .* failed: file is not a database: SQLITE_NOTADB\./m);
    expect(run.stderr).toContain(`run \`npm start -- --fresh --state ${demo}\``);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('a wrangler stopped while it applies migrations', () => {
  it('is reported as stopped, not as a stale or corrupt state, and leaves no error log', async () => {
    const state = join(base, 'stopped');
    let stop: (() => Promise<void>) | undefined;
    const applying = applyMigrations(state, 'delete it.', (s) => (stop = s)).catch((e: unknown) => e);
    // Applying every migration to a fresh state takes wrangler ~4 s; a second in, it has its signal handlers (it then
    // exits 143) or not yet (it dies of the SIGTERM): stopped either way.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await stop!();
    const error = await applying;
    expect(error).toBeInstanceOf(WorkerStartError);
    expect((error as Error).message).toBe(`Applying D1 migrations to the local state under ${state} was stopped (SIGTERM).`);
    expect(existsSync(`${state}.migrations-error.log`)).toBe(false);
  });
});

describe('migrationFailureMessage', () => {
  const message = (output: string) => migrationFailureMessage({ output, persistTo: '/s', logFile: '/s.log', resetHint: 'delete it.' }).split('\n')[0];

  it('takes SQLite’s own words when wrangler passes them on', () => {
    expect(message('e = workerd/util/sqlite.c++:914: failed: SQLite failed; dbErrorMessage(prepareResult, db) = database disk image is malformed: SQLITE_CORRUPT\nstack: workerd@1 workerd@2; wdErrId = x')).toBe(
      'Applying D1 migrations to the local state under /s failed: database disk image is malformed: SQLITE_CORRUPT.',
    );
  });

  it('falls back to wrangler’s error line without its colours, then to the last line', () => {
    expect(message('Resource location: local\n\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mMigration 0003 failed\x1b[0m\n\nlogs at /x')).toBe(
      'Applying D1 migrations to the local state under /s failed: Migration 0003 failed.',
    );
    expect(message('something odd\n')).toBe('Applying D1 migrations to the local state under /s failed: something odd.');
    expect(message('')).toBe('Applying D1 migrations to the local state under /s failed: wrangler exited without output.');
  });
});
