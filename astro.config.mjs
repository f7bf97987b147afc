// The public blog: a fully static Astro site built from site/ into dist/ (see docs/site.md).
//
// No adapter, on purpose. Every page is prerendered, so the output is plain files that
// `wrangler pages deploy dist` uploads as they are. @astrojs/cloudflare would add nothing and breaks the
// Worker that shares this repository: it reads the root wrangler.toml (which belongs to the Worker,
// main = worker/index.ts), fails on the Worker's compatibility_date, copies the Worker's bindings into the
// site, and writes .wrangler/deploy/config.json, which redirects the Worker's own `wrangler deploy` to the
// static site.
//
// Environment:
//   SITE_URL        absolute origin used for canonical URLs, RSS and the sitemap (default http://127.0.0.1:4321)
//   SITE_PREVIEW=1  preview build (branch/PR deploys): drafts are built, marked and kept out of RSS and sitemap
//   SITE_OUT_DIR    output directory (default ./dist); tests build into temporary directories
//   SITE_CACHE_DIR  Vite/content-layer cache directory (default ./node_modules/.astro); tests isolate theirs
//   SITE_CONTENT_DIR recaps folder (default ./site/content/recaps); tests use tests/fixtures/recaps
import { satteri } from '@astrojs/markdown-satteri';
import sitemap from '@astrojs/sitemap';
import { defineConfig } from 'astro/config';
import { sitemapFilter } from './site/lib/content-index.mjs';
import { bodyWordCount } from './site/lib/markdown-store.mjs';
import { safeMarkdown } from './site/lib/safe-markdown.mjs';

export default defineConfig({
  site: process.env.SITE_URL || 'http://127.0.0.1:4321',
  srcDir: './site',
  publicDir: './site/public',
  outDir: process.env.SITE_OUT_DIR || './dist',
  cacheDir: process.env.SITE_CACHE_DIR || './node_modules/.astro',
  output: 'static',
  // Pages are rendered 4 at a time: each one waits ~1 ms on its mkdir and write, time the next can use.
  build: { format: 'directory', concurrency: 4 },
  markdown: {
    // Recap bodies are generated from untrusted text: raw HTML in them is shown as text, unsafe links dropped
    // (site/lib/safe-markdown.mjs). Sätteri is Astro 7's default processor (Rust); the plugin runs on its mdast.
    // bodyWordCount keeps the content store lean: the body's word count instead of a copy of the front matter.
    // No smart punctuation: bodies quote commit and clip titles, where `--dry-run` and "quotes" mean what they say.
    processor: satteri({ mdastPlugins: [safeMarkdown, bodyWordCount], features: { smartPunctuation: false } }),
  },
  integrations: [
    // Drafts never reach the sitemap, even in preview builds where their pages exist: the filter uses what
    // site/lib/recaps.ts recorded from the content collection while the pages were built.
    sitemap({ filter: sitemapFilter() }),
  ],
});
