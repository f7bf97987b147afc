// Runs the real site build (scripts/site/build.mjs: astro build + Pagefind) in a child process, into a temp
// directory, so tests never touch dist/. Builds are serialized across test files with a lock directory:
// concurrent Astro builds of one project share the generated .astro/ folder.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const TEST_SITE_URL = 'https://recaps.example.test';
/** The recaps the site tests build: fixtures, never the production content folder. */
export const CONTENT_DIR = join(ROOT, 'tests/fixtures/recaps');

export interface SiteBuild {
  outDir: string;
  /** Build output (stdout + stderr), for failure messages. */
  log: string;
  cleanup(): Promise<void>;
}

const LOCK = join(tmpdir(), 'clip-recap-site-build.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(LOCK);
      await writeFile(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await readFile(join(LOCK, 'pid'), 'utf8').catch(() => '0'));
      const age = Date.now() - (await stat(LOCK).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      // A lock left by a dead process (or an unreadable one older than the build could take) is stale.
      if ((owner > 0 && !alive(owner)) || (owner === 0 && age > 30_000)) {
        await rm(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the site build lock ${LOCK}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

/** Builds the site into a fresh temp directory. `preview` sets SITE_PREVIEW=1 (drafts included). */
export async function buildSite({ preview, contentDir = CONTENT_DIR }: { preview: boolean; contentDir?: string }): Promise<SiteBuild> {
  const base = await mkdtemp(join(tmpdir(), `clip-recap-site-${preview ? 'preview' : 'prod'}-`));
  const outDir = join(base, 'dist');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Vitest's own variables would leak into Vite's mode detection in the child.
    if (!k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'TEST' && k !== 'MODE') env[k] = v;
  }
  Object.assign(env, {
    NODE_ENV: 'production',
    ASTRO_TELEMETRY_DISABLED: '1',
    SITE_URL: TEST_SITE_URL,
    SITE_OUT_DIR: outDir,
    SITE_CONTENT_DIR: contentDir,
    SITE_CACHE_DIR: join(base, 'cache'),
    SITE_PREVIEW: preview ? '1' : '',
  });
  const log = await withLock(
    () =>
      new Promise<string>((resolvePromise, reject) => {
        const child = spawn(process.execPath, [join(ROOT, 'scripts/site/build.mjs')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
          if (code === 0) resolvePromise(out);
          else reject(new Error(`site build (${preview ? 'preview' : 'production'}) exited with ${code}:\n${out}`));
        });
      }),
  );
  return { outDir, log, cleanup: () => rm(base, { recursive: true, force: true }) };
}
