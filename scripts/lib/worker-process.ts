// Starts the worker on local workerd through `wrangler dev`: migrations applied first, offline (no metrics, no
// Request.cf fetch, no update check), extra vars passed on the command line. Used by `npm run dev`, the offline
// demo and the benchmark.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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

export class WorkerStartError extends Error {
  override readonly name = 'WorkerStartError';
}

export interface WorkerOptions {
  port: number;
  persistTo: string;
  /** Plain variables for this run (override wrangler.toml [vars] and .dev.vars). */
  vars?: Record<string, string>;
  /** Inherit stdio (interactive `npm run dev`) instead of capturing output. */
  inherit?: boolean;
}

export interface RunningWorker {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

export function applyMigrations(persistTo: string): { applied: boolean } {
  const migrate = spawnSync(process.execPath, [WRANGLER, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], {
    cwd: ROOT,
    env: { ...process.env, ...OFFLINE_ENV, CI: 'true' },
    encoding: 'utf8',
  });
  if (migrate.status !== 0) {
    throw new WorkerStartError(
      `Applying D1 migrations failed:\n${migrate.stdout}${migrate.stderr}\nIf the local state under ${persistTo} is stale or corrupt, delete that folder and run again.`,
    );
  }
  return { applied: !/No migrations to apply/.test(migrate.stdout) };
}

/** Starts `wrangler dev` and, unless inheriting stdio, waits until /health answers. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  ensureDevVars();
  if (!(await isPortFree(options.port))) {
    throw new WorkerStartError(`Port ${options.port} on 127.0.0.1 is already in use (another \`npm run dev\` or \`npm start\`?). Stop it or use --port <n>.`);
  }
  applyMigrations(options.persistTo);
  const varArgs = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const child = spawn(
    process.execPath,
    [WRANGLER, 'dev', '--ip', '127.0.0.1', '--port', String(options.port), '--persist-to', options.persistTo, '--show-interactive-dev-session=false', ...varArgs],
    { cwd: ROOT, env: { ...process.env, ...OFFLINE_ENV, FORCE_COLOR: '0' }, stdio: options.inherit ? 'inherit' : 'pipe', detached: !options.inherit },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
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
  if (options.inherit) return { url, process: child, output: () => output, stop };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new WorkerStartError(`wrangler dev exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, process: child, output: () => output, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new WorkerStartError(`the worker did not become healthy within 60 s:\n${output}`);
}
