// The `recaps` collection: every Markdown file under site/content/recaps/ (by year: 2026/…; SITE_CONTENT_DIR
// points elsewhere, e.g. the test fixtures or the offline demo's blog clone), validated with the shared front-matter
// schema the publisher also writes with. A file that fails it fails the build.
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { RecapFrontmatter } from '../content-pipeline/schemas/recap.ts';
import { withFastFrontmatter } from './lib/front-matter.ts';

const seen = new Map<string, string>();

const recaps = defineCollection({
  // Astro's glob loader; front matter of the shape the publisher writes is read without js-yaml, with the same
  // result (site/lib/front-matter.ts), other files as before.
  loader: withFastFrontmatter(glob({
    pattern: '**/[0-9]*.md',
    base: process.env.SITE_CONTENT_DIR || './site/content/recaps',
    // Pages use the rendered HTML and the body's word count (site/lib/markdown-store.mjs), never the raw body.
    retainBody: false,
    // The slug is the file name without its extension, whatever year folder it sits in.
    generateId: ({ entry }) => {
      const id = entry.replace(/^.*\//, '').replace(/\.md$/, '');
      const other = seen.get(id);
      if (other !== undefined && other !== entry) {
        throw new Error(`recap slug "${id}" is used by both ${other} and ${entry}: file names must be unique`);
      }
      seen.set(id, entry);
      return id;
    },
  })),
  schema: RecapFrontmatter,
});

export const collections = { recaps };
