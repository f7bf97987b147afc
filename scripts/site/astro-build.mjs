// `astro build` (site/ -> dist/), run by scripts/site/build.mjs in a child process of its own: when it exits, the
// memory Astro held (~1 GB at 1000 recaps) is returned before Pagefind indexes the pages. Run on its own it is a
// plain `astro build` without the search index.
import { build } from 'astro';
import { fileURLToPath } from 'node:url';

process.env.ASTRO_TELEMETRY_DISABLED = '1';
await build({ root: fileURLToPath(new URL('../..', import.meta.url)), logLevel: process.env.SITE_LOG_LEVEL || 'warn' });
