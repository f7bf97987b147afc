// Reads the fixture recaps the way the site does (front matter validated by the shared schema), for tests
// that need the expected values.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import matter from 'gray-matter';
import { RecapFrontmatter } from '../../../content-pipeline/schemas/recap.ts';
import { CONTENT_DIR } from './build.ts';

export { CONTENT_DIR };

/** Every `*.md` file under `dir`, recursively, sorted for a stable order. */
export function listRecapFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
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
export function slugFromPath(path: string): string {
  return basename(path, extname(path));
}

export interface FixtureRecap {
  slug: string;
  file: string;
  data: RecapFrontmatter;
  body: string;
}

export function loadRecaps(): FixtureRecap[] {
  return listRecapFiles(CONTENT_DIR).map((file: string) => {
    const { data, content } = matter(readFileSync(file, 'utf8'));
    return { slug: slugFromPath(file), file, data: RecapFrontmatter.parse(data), body: content };
  });
}
