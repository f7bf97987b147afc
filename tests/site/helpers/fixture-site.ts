// What the site build tests share: the fixture recaps they build (tests/fixtures/recaps), the slugs they single
// out, and readers of a build's output.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sortNewestFirst } from '../../../site/lib/listing.ts';
import type { SiteBuild } from './build.ts';
import { loadRecaps, type FixtureRecap } from './content.ts';
import { parseHtml } from './html.ts';

export const recaps = loadRecaps();
export const published = sortNewestFirst(recaps.filter((r) => !r.data.draft).map((r) => ({ ...r, id: r.slug })));
export const drafts = recaps.filter((r) => r.data.draft);
export const bySlug = (slug: string): FixtureRecap => {
  const r = recaps.find((x) => x.slug === slug);
  if (!r) throw new Error(`fixture ${slug} missing`);
  return r;
};
export const HOSTILE = '2026-01-08-daily-recap';
export const DAILY = '2026-01-05-daily-recap';
export const DRAFT = '2026-01-16-daily-recap';

export const read = (b: SiteBuild, path: string) => readFileSync(join(b.outDir, path), 'utf8');
export const has = (b: SiteBuild, path: string) => existsSync(join(b.outDir, path));
export const page = (b: SiteBuild, path: string) => parseHtml(read(b, path));
export const recapPath = (slug: string) => `recaps/${slug}/index.html`;

export function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html'))
    .map((f) => join(dir, f));
}
