// What the sitemap must leave out, taken from the same validated collection the pages are built from.
// The sitemap integration (astro.config.mjs) only sees page URLs after the build, so site/lib/recaps.ts records,
// every time pages load the recaps, which slugs are drafts and which tags/categories published recaps use
// (sitemapVisibility() in site/lib/listing.ts, with the drafts rule isVisible()). Pages are prerendered in the
// build's own process, so the record is shared through a global; the filter refuses to run without one rather
// than let a draft through.
const KEY = Symbol.for('clip-recap.site.sitemap-visibility');

/**
 * @param {{ draftSlugs: ReadonlySet<string>; publishedTags: ReadonlySet<string>; publishedCategories: ReadonlySet<string> }} visibility
 */
export function recordSitemapVisibility(visibility) {
  globalThis[KEY] = visibility;
}

/** Forgets the record (tests). */
export function clearSitemapVisibility() {
  delete globalThis[KEY];
}

/**
 * Which URL paths a sitemap must never list: every draft's page, tag/category pages that exist only because of
 * drafts (in a preview build), and the search page. Returns a predicate over absolute page URLs.
 */
export function sitemapFilter() {
  return (page) => {
    const visibility = globalThis[KEY];
    if (!visibility) {
      throw new Error('sitemap filter: no recap visibility was recorded during the build (site/lib/recaps.ts publishedRecaps())');
    }
    const { draftSlugs, publishedTags, publishedCategories } = visibility;
    const path = new URL(page).pathname;
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'recaps' && parts.length === 2 && draftSlugs.has(parts[1])) return false;
    // A tag or category page and its further pages (/tags/x/page/2/).
    if (parts[0] === 'tags' && parts.length >= 2 && !publishedTags.has(parts[1])) return false;
    if (parts[0] === 'categories' && parts.length >= 2 && !publishedCategories.has(parts[1])) return false;
    // Search results are not content.
    if (parts[0] === 'search' && parts.length === 1) return false;
    return true;
  };
}
