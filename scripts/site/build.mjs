// Builds the static site: `astro build` (site/ -> dist/), then the Pagefind search index into dist/pagefind/.
//   ASTRO_TELEMETRY_DISABLED=1 node_modules/.bin/node scripts/site/build.mjs
// Environment: SITE_URL, SITE_PREVIEW=1 (drafts, for branch/PR deploys), SITE_OUT_DIR (default dist),
// SITE_CACHE_DIR, SITE_LOG_LEVEL; see astro.config.mjs. Exits non-zero on any failure, including an empty search index.
//
// Astro runs in a child process (scripts/site/astro-build.mjs). A Node process keeps most of the memory it once
// used, so with Astro in this one Pagefind's indexer (~0.4 GB at 1000 recaps) came on top of Astro's ~1 GB;
// once the child has exited that memory is free.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pagefind from 'pagefind';

process.env.ASTRO_TELEMETRY_DISABLED = '1';
const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = resolve(root, process.env.SITE_OUT_DIR || 'dist');

function astroBuild() {
  return new Promise((resolvePromise, reject) => {
    // Vite's bundler (rolldown) and Astro's compiler are native modules using mimalloc, which by default keeps
    // freed memory committed for later: returning it at once (and committing arenas lazily) lowers the build's
    // peak by ~0.2 GB at 1000 recaps, at no measurable cost in time. A value set by the caller wins.
    const env = { MIMALLOC_PURGE_DELAY: '0', MIMALLOC_ARENA_EAGER_COMMIT: '0', ...process.env };
    const child = spawn(process.execPath, [fileURLToPath(new URL('./astro-build.mjs', import.meta.url))], { cwd: root, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolvePromise() : reject(new Error(`astro build failed (${signal ?? `exit code ${code}`})`))));
  });
}

const started = performance.now();
await astroBuild();
const built = performance.now();

try {
  const { index, errors } = await pagefind.createIndex({});
  if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
  // Only recap pages are indexed (their <article data-pagefind-body>). Pagefind would still read and parse every
  // page to find that out, the listing pages included (up to ~1 MB each at 1000 recaps), so it gets recaps/ only.
  const added = await index.addDirectory({ path: outDir, glob: 'recaps/**/*.html' });
  if (added.errors.length) throw new Error(`pagefind: ${added.errors.join('; ')}`);
  if (added.page_count === 0) throw new Error(`pagefind indexed no pages in ${outDir}`);
  const written = await index.writeFiles({ outputPath: resolve(outDir, 'pagefind') });
  if (written.errors.length) throw new Error(`pagefind: ${written.errors.join('; ')}`);
  const done = performance.now();
  console.log(
    `site built in ${outDir}: astro ${Math.round(built - started)} ms, pagefind ${Math.round(done - built)} ms (${added.page_count} pages indexed)` +
      (process.env.SITE_PREVIEW === '1' ? ' [preview: drafts included]' : ''),
  );
} finally {
  await pagefind.close();
}
