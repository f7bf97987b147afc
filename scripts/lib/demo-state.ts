// The offline demo's state folder (`npm start --state`, .demo/ by default): what makes a folder one, so that
// --fresh never deletes anything else; one run at a time; and what a finished run leaves to check the next
// against (the worker port its recaps link thumbnails on, whether the local D1 and R2 are both there).
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  return entries.includes('wrangler-state') && entries.every((e) => ours.has(e));
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

function takeLock(dir: string): () => void {
  const path = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new DemoError(`Another \`npm start\` (pid ${pid}) is using ${dir}. Wait for it to end, or give this one its own --state <folder>.`);
      }
      // Left by a run that was killed: nobody holds it.
      rmSync(path, { force: true });
    }
  }
  throw new DemoError(`Could not lock ${dir} (${LOCK} keeps coming back).`);
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
      if (options.port !== undefined && options.port !== record.worker_port) {
        throw new DemoError(
          `The recaps in ${dir} link their thumbnails to the worker on port ${record.worker_port}. Use --port ${record.worker_port}, or \`${options.freshCommand}\` to start over on ${options.port}.`,
        );
      }
    }
    const port = options.port ?? record?.worker_port ?? options.defaultPort;
    return {
      port,
      markCompleted: () => writeFileSync(join(dir, RECORD), `${JSON.stringify({ worker_port: port, completed: true } satisfies DemoRecord)}\n`),
      release,
    };
  } catch (error) {
    release();
    throw error;
  }
}
