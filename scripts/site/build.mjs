// Builds the static site: `astro build` (site/ -> dist/), search index included (dist/search-index/, written with
// the pages by site/pages/search-index/[file].json.ts).
//   ASTRO_TELEMETRY_DISABLED=1 node_modules/.bin/node scripts/site/build.mjs
// Environment: SITE_URL, SITE_PREVIEW=1 (drafts, for branch/PR deploys), SITE_OUT_DIR (default dist),
// SITE_CACHE_DIR, SITE_LOG_LEVEL; see astro.config.mjs. Exits non-zero on any failure, including a search index
// that does not hold exactly the recap pages built.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.ASTRO_TELEMETRY_DISABLED = '1';
// Vite's bundler (rolldown) and Astro's compiler are native modules using mimalloc, which by default keeps freed
// memory committed for later: returning it at once (and committing arenas lazily) lowers the build's peak by
// ~0.2 GB at 1000 recaps, at no measurable cost in time. mimalloc reads these when those modules load, which is
// after this line (astro is imported below). A value set by the caller wins.
process.env.MIMALLOC_PURGE_DELAY ??= '0';
process.env.MIMALLOC_ARENA_EAGER_COMMIT ??= '0';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = resolve(root, process.env.SITE_OUT_DIR || 'dist');

const started = performance.now();
const { build } = await import('astro');
await build({ root, logLevel: process.env.SITE_LOG_LEVEL || 'warn' });
const built = performance.now();

// The index is one of the site's pages; check that it covers exactly the recap pages of this build.
const manifest = JSON.parse(await readFile(join(outDir, 'search-index/manifest.json'), 'utf8'));
const recapPages = (await readdir(join(outDir, 'recaps'), { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).length;
if (manifest.docs !== recapPages) throw new Error(`the search index holds ${manifest.docs} recaps, but ${recapPages} recap pages were built`);
console.log(
  `site built in ${outDir}: astro ${Math.round(built - started)} ms (search index: ${manifest.docs} recaps, ${manifest.shards.length} term files)` +
    (process.env.SITE_PREVIEW === '1' ? ' [preview: drafts included]' : ''),
);
// Astro's "collection is empty" warnings do not say where the recaps were looked for, nor where else they are.
if (manifest.docs === 0) {
  const contentDir = process.env.SITE_CONTENT_DIR || 'site/content/recaps';
  // The collection's own pattern (site/content.config.ts): recap files start with their date.
  const files = (await readdir(resolve(root, contentDir), { recursive: true }).catch(() => [])).filter((f) => /(^|\/)[0-9][^/]*\.md$/.test(f)).length;
  console.log(
    files > 0
      ? `no published recap in ${contentDir}: its ${files} recap file(s) are drafts, built only in preview builds (SITE_PREVIEW=1).`
      : `no recaps in ${contentDir}` +
          (process.env.SITE_CONTENT_DIR ? '.' : ': the blog\'s recaps arrive there through the recap pull requests.') +
          " To build the demo's (after `npm start`): SITE_CONTENT_DIR=.demo/blog/site/content/recaps npm run site:build",
  );
}
