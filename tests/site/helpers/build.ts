// Runs the real site build (scripts/site/build.mjs: astro build, search index included) in a child process, into a temp
// directory, so tests never touch dist/. Builds are serialized across test files with a lock directory:
// concurrent Astro builds of one project share the generated .astro/ folder.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withSiteBuildLock } from '../../../scripts/site/build-lock.ts';

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
  const log = await withSiteBuildLock(
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
