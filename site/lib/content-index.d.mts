export interface SitemapVisibility {
  draftSlugs: ReadonlySet<string>;
  publishedTags: ReadonlySet<string>;
  publishedCategories: ReadonlySet<string>;
}
export function recordSitemapVisibility(visibility: SitemapVisibility): void;
export function clearSitemapVisibility(): void;
export function sitemapFilter(): (page: string) => boolean;
