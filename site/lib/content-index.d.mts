export function listRecapFiles(dir: string): string[];
export function slugFromPath(path: string): string;
export function sitemapFilter(contentDir: string): (page: string) => boolean;
