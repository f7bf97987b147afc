// Reads the fixture recaps the way the site does (front matter validated by the shared schema), for tests
// that need the expected values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { RecapFrontmatter } from '../../../content-pipeline/schemas/recap.ts';
import { listRecapFiles, slugFromPath } from '../../../site/lib/content-index.mjs';
import { CONTENT_DIR } from './build.ts';

export { CONTENT_DIR };

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
