// The offline demo's state folder (`npm start --state`, .demo/ by default): what makes a folder one, so that
// --fresh never deletes anything else; one run at a time; and what a finished run leaves to check the next
// against (the worker port its recaps link thumbnails on, whether the local D1 and R2 are both there).
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';

export class DemoError extends Error {
  override readonly name = 'DemoError';
}

/** In every state folder the demo made; --fresh deletes only folders holding it. */
export const STATE_MARKER = '.clip-recap-demo';
const LOCK = '.lock';
const RECORD = 'demo.json';

const DemoRecord = z.object({
  /** The worker port of the run that wrote the recaps: their hosted thumbnails are links to it. */
  worker_port: z.number().int(),
  /** A run finished: the local D1 and R2 hold its data. */
  completed: z.boolean(),
});
type DemoRecord = z.infer<typeof DemoRecord>;

export interface DemoStateOptions {
  dir: string;
  fresh: boolean;
  /** --port as given, or undefined. */
  port: number | undefined;
  defaultPort: number;
  /** Folders --fresh must never delete however they look (the project). */
  protect: string[];
  /** The command that starts this state over. */
  freshCommand: string;
}

export interface DemoState {
  /** The worker port to use: --port, else the one this state's recaps were made with, else the default. */
  port: number;
  /** Records the worker port once a worker serves this state (before it stores anything linking to it). */
  recordPort(): void;
  /** Records a finished run (and its port). */
  markCompleted(): void;
  /** Gives up the lock; idempotent. */
  release(): void;
}

const isDirectory = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** Whether `dir` is `other` or holds it. */
const contains = (dir: string, other: string) => {
  const rel = relative(resolve(dir), resolve(other));
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
};

/** A folder the demo made: its marker, or (made before the marker existed) its worker state and nothing foreign. */
function isDemoState(dir: string): boolean {
  if (existsSync(join(dir, STATE_MARKER))) return true;
  const entries = readdirSync(dir);
  const ours = new Set(['wrangler-state', 'wrangler-state.log', 'wrangler-state.migrations-error.log', 'worker.log', 'blog', 'site', 'site-cache', RECORD, LOCK]);
  return entries.includes('wrangler-state') && entries.every((e) => ours.has(e) || e.startsWith(`${LOCK}.`));
}

function readRecord(dir: string): DemoRecord | undefined {
  const path = join(dir, RECORD);
  if (!existsSync(path)) return undefined;
  const parsed = DemoRecord.safeParse((() => {
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
  })());
  return parsed.success ? parsed.data : undefined;
}

const processAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The state's lock: `.lock` holding the pid of the run that has it. It is made whole in one step (a hard link to a
 * file already holding the pid), so no run ever sees it empty. One left by a killed run is moved aside, which
 * only one of several runs can do, before the next try; a live run's lock moved aside by mistake goes back. That
 * holds for two runs started together on a killed run's lock; with three at the same instant, the lock going back
 * can find a third run's in its place, and two runs hold it (files give no compare-and-swap; not worth a daemon).
 */
function takeLock(dir: string): () => void {
  const path = join(dir, LOCK);
  const mine = join(dir, `${LOCK}.${process.pid}`);
  writeFileSync(mine, `${process.pid}\n`);
  const readPid = (file: string) => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const held = (pid: string) => new DemoError(`Another \`npm start\` (pid ${pid}) is using ${dir}. Wait for it to end, or give this one its own --state <folder>.`);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(mine, path);
        let released = false;
        return () => {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const pid = readPid(path);
      if (pid === undefined) continue; // released meanwhile
      if (!/^\d+$/.test(pid)) throw new DemoError(`${path} holds no pid. If no other \`npm start\` is using ${dir}, delete it.`);
      if (processAlive(Number(pid))) throw held(pid);
      const aside = join(dir, `${LOCK}.stale.${process.pid}`);
      try {
        renameSync(path, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another run moved it first
        throw error;
      }
      const moved = readPid(aside);
      if (moved !== undefined && moved !== pid && /^\d+$/.test(moved) && processAlive(Number(moved))) {
        // Between reading and moving, the stale lock was replaced by a live run's: give it back.
        try {
          linkSync(aside, path);
        } finally {
          rmSync(aside, { force: true });
        }
        throw held(moved);
      }
      rmSync(aside, { force: true });
    }
    throw new DemoError(`Could not lock ${dir}: ${LOCK} keeps changing (other runs starting?).`);
  } finally {
    rmSync(mine, { force: true });
  }
}

/** Prepares the state folder for a run (see the top of this file); throws DemoError with what to do. */
export function openDemoState(options: DemoStateOptions): DemoState {
  const dir = resolve(options.dir);
  if (existsSync(dir) && !isDirectory(dir)) throw new DemoError(`--state ${dir} is a file; give a folder (it is created if missing).`);
  if (options.fresh && existsSync(dir)) {
    const protectedBy = options.protect.find((p) => contains(dir, p));
    if (protectedBy !== undefined || !isDemoState(dir)) {
      throw new DemoError(
        `--fresh deletes the state folder, but ${dir} is not one the demo made (${protectedBy !== undefined ? `it holds ${protectedBy}` : `no ${STATE_MARKER} in it`}): nothing was deleted. Pick another --state, or delete it yourself.`,
      );
    }
  }
  if (existsSync(dir) && !options.fresh && readdirSync(dir).length > 0 && !isDemoState(dir)) {
    throw new DemoError(`--state ${dir} is a folder the demo did not make and it is not empty: give a new or empty folder.`);
  }
  mkdirSync(dir, { recursive: true });
  const release = takeLock(dir);
  try {
    if (options.fresh) {
      for (const entry of readdirSync(dir)) if (entry !== LOCK) rmSync(join(dir, entry), { recursive: true, force: true });
    }
    writeFileSync(join(dir, STATE_MARKER), 'The state of `npm start` (clip-recap offline demo). `npm start -- --fresh` deletes this folder.\n');
    const record = readRecord(dir);
    if (record?.completed) {
      const v3 = join(dir, 'wrangler-state', 'v3');
      const missing = ['d1', 'r2'].filter((store) => !isDirectory(join(v3, store)));
      if (missing.length > 0) {
        throw new DemoError(`The local state in ${dir} is incomplete (no ${missing.map((m) => m.toUpperCase()).join(' or ')} data from its earlier run). Run \`${options.freshCommand}\` to start over.`);
      }
    }
    // Recorded as soon as a worker ran on this state: from then on its items and recaps link to that port.
    if (record && options.port !== undefined && options.port !== record.worker_port) {
      throw new DemoError(
        `The recaps in ${dir} link their thumbnails to the worker on port ${record.worker_port}. Use --port ${record.worker_port}, or \`${options.freshCommand}\` to start over on ${options.port}.`,
      );
    }
    const port = options.port ?? record?.worker_port ?? options.defaultPort;
    const write = (completed: boolean) => writeFileSync(join(dir, RECORD), `${JSON.stringify({ worker_port: port, completed } satisfies DemoRecord)}\n`);
    return {
      port,
      recordPort: () => write(record?.completed ?? false),
      markCompleted: () => write(true),
      release,
    };
  } catch (error) {
    release();
    throw error;
  }
}
