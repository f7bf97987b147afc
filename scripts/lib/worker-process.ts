// Starts the worker on local workerd: migrations applied first, offline (no metrics, no Request.cf fetch, no update
// check), extra vars passed on the command line. Two runtimes, the same workerd, bindings and local state:
//   - 'wrangler': `wrangler dev`, with its dev proxy, inspector and reload on save (`npm run dev`, the demo);
//   - 'miniflare': wrangler's bundle served by Miniflare alone (miniflare-serve.ts), the worker without the dev
//     tooling in front of it, which is what the benchmark measures (docs/performance.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDevVars, ROOT } from './dev-vars.ts';
import { isPortFree } from './ports.ts';

/** Environment that keeps wrangler and Miniflare off the network. */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_TELEMETRY_DISABLED: '1',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
} as const;

const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const MINIFLARE_SERVE = join(ROOT, 'scripts', 'lib', 'miniflare-serve.ts');

export class WorkerStartError extends Error {
  override readonly name = 'WorkerStartError';
}

export interface WorkerOptions {
  port: number;
  persistTo: string;
  /** Plain variables for this run (override wrangler.toml [vars] and .dev.vars). */
  vars?: Record<string, string>;
  /** Inherit stdio (interactive `npm run dev`) instead of writing wrangler's output to `logFile`. */
  inherit?: boolean;
  /** Where wrangler's output (the worker's log lines included) goes when not inheriting (default: <persistTo>.log). */
  logFile?: string;
  /** What to do when the local state is stale or corrupt (default: delete the folder and run again). */
  resetHint?: string;
  /** Who serves the worker (default 'wrangler'); see the top of this file. */
  runtime?: 'wrangler' | 'miniflare';
  /**
   * Called with what stops the process running now, for a caller interrupted before /health answers: wrangler
   * applying the migrations, then bundling (Miniflare), then the runtime itself; each call replaces the last.
   */
  onSpawn?: (stop: () => Promise<void>) => void;
}

export interface RunningWorker {
  url: string;
  process: ChildProcess;
  /** The file holding wrangler's output, when not inheriting stdio. */
  logFile?: string;
  stop: () => Promise<void>;
  /** Whether this start applied D1 migrations (false: the local database was up to date). */
  migrationsApplied: boolean;
}

/**
 * The message for a failed `wrangler d1 migrations apply`: the cause in one line (SQLite's own words when it gave
 * any, else wrangler's error line), where wrangler's whole output was saved, and what to do. Wrangler's output
 * itself (a workerd stack, Sentry ids) is noise at this point, so it goes to the log file, not the terminal.
 */
export function migrationFailureMessage({ output, persistTo, logFile, resetHint }: { output: string; persistTo: string; logFile: string; resetHint: string }): string {
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  const sqlite = /dbErrorMessage\([^)]*\)\s*=\s*([^;\n]+)/.exec(text)?.[1]?.trim();
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const errorLine = lines.find((l) => /^✘|\[ERROR\]/.test(l))?.replace(/^✘\s*/, '').replace(/^\[ERROR\]\s*/, '');
  const cause = sqlite ?? errorLine ?? lines.at(-1) ?? `wrangler exited without output`;
  return [
    `Applying D1 migrations to the local state under ${persistTo} failed: ${cause}.`,
    `The local state is stale or corrupt: ${resetHint}`,
    `(wrangler's full output: ${logFile})`,
  ].join('\n');
}

interface ToolRun {
  status: number | null;
  /**
   * The signal that stopped wrangler, if one did: the one `onSpawn`'s stop sent, or one it reported the shell's way
   * (wrangler catches SIGINT and SIGTERM and exits 130 or 143 instead of dying of them).
   */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

/**
 * Runs wrangler with the project's Node and collects its output. Not spawnSync: the caller's event loop keeps
 * running meanwhile (`npm start`'s seconds ticker, its signal handlers), and `onSpawn` hands them a stop for it.
 */
function runWrangler(args: string[], env: NodeJS.ProcessEnv, onSpawn?: (stop: () => Promise<void>) => void): Promise<ToolRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const closed = new Promise<void>((done) => child.once('close', () => done()));
    let stopped: NodeJS.Signals | null = null;
    child.once('error', (error) => resolve({ status: null, signal: null, stdout, stderr, error }));
    child.once('close', (status, signal) => resolve({ status, signal: signal ?? stopped ?? SHELL_SIGNALS[status ?? 0] ?? null, stdout, stderr }));
    onSpawn?.(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        stopped = 'SIGTERM';
        child.kill('SIGTERM');
      }
      await closed;
    });
  });
}

/** A file next to the state folder `persistTo` (`.wrangler/state/` gives `.wrangler/state<suffix>`). */
const besideState = (persistTo: string, suffix: string) => `${persistTo.replace(/[\\/]+$/, '')}${suffix}`;

/** Exit statuses of a process that caught a signal and exited the shell's way, 128 + the signal's number. */
const SHELL_SIGNALS: Partial<Record<number, NodeJS.Signals>> = { 130: 'SIGINT', 143: 'SIGTERM' };

/** Why a wrangler run failed, for the message: its spawn error, else its output. */
const failureOutput = (run: ToolRun) => `${run.stdout}${run.stderr}${run.error ? String(run.error) : ''}`;

export async function applyMigrations(
  persistTo: string,
  resetHint = 'delete that folder and run again.',
  onSpawn?: (stop: () => Promise<void>) => void,
): Promise<{ applied: boolean }> {
  const migrate = await runWrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], { ...process.env, ...OFFLINE_ENV, CI: 'true' }, onSpawn);
  // Stopped from outside (Ctrl+C, a SIGTERM): the state is not at fault.
  if (migrate.signal) throw new WorkerStartError(`Applying D1 migrations to the local state under ${persistTo} was stopped (${migrate.signal}).`);
  if (migrate.status !== 0) {
    const output = failureOutput(migrate);
    const logFile = besideState(persistTo, '.migrations-error.log');
    writeFileSync(logFile, output);
    throw new WorkerStartError(migrationFailureMessage({ output, persistTo, logFile, resetHint }));
  }
  return { applied: !/No migrations to apply/.test(migrate.stdout) };
}

/** Bundles the worker as `wrangler deploy` would (for the default, local environment) into `outdir`. */
async function bundleWorker(outdir: string, onSpawn?: (stop: () => Promise<void>) => void): Promise<void> {
  const build = await runWrangler(['deploy', '--dry-run', '--outdir', outdir], { ...process.env, ...OFFLINE_ENV, CI: 'true', FORCE_COLOR: '0' }, onSpawn);
  if (build.signal) throw new WorkerStartError(`bundling the worker was stopped (${build.signal}).`);
  if (build.status !== 0) throw new WorkerStartError(`bundling the worker failed:\n${failureOutput(build)}`);
}

async function runtimeArgs(options: WorkerOptions): Promise<string[]> {
  if (options.runtime === 'miniflare') {
    const bundle = join(options.persistTo, 'bundle');
    await bundleWorker(bundle, options.onSpawn);
    return [MINIFLARE_SERVE, '--bundle', bundle, '--port', String(options.port), '--persist-to', options.persistTo, '--vars', JSON.stringify(options.vars ?? {})];
  }
  const varArgs = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  return [WRANGLER, 'dev', '--ip', '127.0.0.1', '--port', String(options.port), '--persist-to', options.persistTo, '--show-interactive-dev-session=false', ...varArgs];
}

/** Starts the worker (`wrangler dev` unless told otherwise) and, unless inheriting stdio, waits until /health answers. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  ensureDevVars();
  if (!(await isPortFree(options.port))) {
    throw new WorkerStartError(`Port ${options.port} on 127.0.0.1 is already in use (another \`npm run dev\` or \`npm start\`?). Stop it or use --port <n>.`);
  }
  // The migrations and the bundle are stoppable through onSpawn too, before the worker's own stop replaces theirs.
  const { applied: migrationsApplied } = await applyMigrations(options.persistTo, options.resetHint, options.onSpawn);
  const args = await runtimeArgs(options);
  // Not a pipe into this process: the demo and the benchmark would spend CPU reading every log line of the worker
  // on the cores it runs on, and a file can be followed with `tail -f` while the demo serves.
  const logFile = options.inherit ? undefined : (options.logFile ?? besideState(options.persistTo, '.log'));
  const logFd = logFile === undefined ? undefined : openSync(logFile, 'w');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...OFFLINE_ENV, FORCE_COLOR: '0' },
    stdio: logFd === undefined ? 'inherit' : ['ignore', logFd, logFd],
    detached: !options.inherit,
  });
  if (logFd !== undefined) closeSync(logFd);
  const log = () => (logFile === undefined ? '' : readFileSync(logFile, 'utf8').replace(/\x1b\[[0-9;]*m/g, ''));
  const output = () => log().split('\n').slice(-40).join('\n');
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      if (options.inherit) child.kill('SIGTERM');
      else process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    await exited;
  };
  options.onSpawn?.(stop);
  if (options.inherit) return { url, process: child, stop, migrationsApplied };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new WorkerStartError(`the worker's runtime exited early (${logFile}):\n${output()}`);
    // Free when checked, taken before workerd listened: wrangler waits on, so say so now rather than in 60 s.
    if (/Address already in use/.test(log())) {
      await stop();
      throw new WorkerStartError(`Port ${options.port} on 127.0.0.1 was taken by another program while the worker started. Stop it, or pick another with --port <n> (wrangler's output: ${logFile}).`);
    }
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, process: child, logFile, stop, migrationsApplied };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new WorkerStartError(`the worker did not become healthy within 60 s (${logFile}):\n${output()}`);
}
