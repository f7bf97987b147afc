// One site build at a time: concurrent Astro builds of this project share its generated .astro/ folder, so the
// site tests and the benchmark take this lock directory around every build. A lock left by a dead process is stale.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SITE_BUILD_LOCK = join(tmpdir(), 'clip-recap-site-build.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function withSiteBuildLock<T>(fn: () => Promise<T>, waitMs = 600_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await mkdir(SITE_BUILD_LOCK);
      await writeFile(join(SITE_BUILD_LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await readFile(join(SITE_BUILD_LOCK, 'pid'), 'utf8').catch(() => '0'));
      const age = Date.now() - (await stat(SITE_BUILD_LOCK).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      // An unreadable lock older than any build could take is stale too.
      if ((owner > 0 && !alive(owner)) || (owner === 0 && age > 30_000)) {
        await rm(SITE_BUILD_LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the site build lock ${SITE_BUILD_LOCK}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(SITE_BUILD_LOCK, { recursive: true, force: true });
  }
}
