// Build-config side view of the recap files, read straight from disk with gray-matter.
// astro.config.mjs needs to know which URLs belong to drafts before any page is rendered (the sitemap
// integration filters by URL only), so this reads just the `draft` and `tags`/`category` fields.
// Pages never use this: they go through site/lib/recaps.ts, which reads the validated content collection.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import matter from 'gray-matter';

/** Every `*.md` file under `dir`, recursively, sorted for a stable order. */
export function listRecapFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && extname(entry.name) === '.md') out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** The slug of a recap file: its file name without the extension (`2026/2026-01-05-daily-recap.md` -> `2026-01-05-daily-recap`). */
export function slugFromPath(path) {
  return basename(path, extname(path));
}

/**
 * Which URL paths a sitemap must never list: every draft's page, and tag/category pages that exist only
 * because of drafts (in a preview build). Returns a predicate over absolute page URLs.
 */
export function sitemapFilter(contentDir) {
  const draftSlugs = new Set();
  const publishedTags = new Set();
  const publishedCategories = new Set();
  for (const file of listRecapFiles(contentDir)) {
    const { data } = matter(readFileSync(file, 'utf8'));
    if (data.draft === true) {
      draftSlugs.add(slugFromPath(file));
      continue;
    }
    for (const tag of Array.isArray(data.tags) ? data.tags : []) publishedTags.add(String(tag));
    if (typeof data.category === 'string') publishedCategories.add(data.category);
  }
  return (page) => {
    const path = new URL(page).pathname;
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'recaps' && parts.length === 2 && draftSlugs.has(parts[1])) return false;
    if (parts[0] === 'tags' && parts.length === 2 && !publishedTags.has(parts[1])) return false;
    if (parts[0] === 'categories' && parts.length === 2 && !publishedCategories.has(parts[1])) return false;
    // Search results are not content.
    if (parts[0] === 'search' && parts.length === 1) return false;
    return true;
  };
}
