// Sätteri mdast plugin that keeps the content store lean (astro.config.mjs, after safeMarkdown).
//
// Astro renders each recap body with the entry's front matter as the Markdown "frontmatter", which plugins may
// extend and render() returns as `remarkPluginFrontmatter`; the store keeps what the processor hands back. That
// was a second copy of every recap's front matter (~15 KB of ~22 KB per entry) next to the validated `data`,
// never read. This plugin hands back only what the site needs from the body: its word count, for the reading
// time (`body_words`, site/lib/recaps.ts minutesToRead). With it, the store does not keep the body itself either
// (site/content.config.ts, retainBody: false).
import { countWords } from './words.mjs';

/** @type {import('satteri').MdastPluginDefinition} */
export const bodyWordCount = {
  name: 'body-word-count',
  before(_root, ctx) {
    if (ctx.data.astro) ctx.data.astro.frontmatter = { body_words: countWords(ctx.source) };
  },
};

export default bodyWordCount;
