// Sätteri mdast plugin that keeps the content store lean (astro.config.mjs, after safeMarkdown).
//
// Astro renders each recap body with the entry's front matter as the Markdown "frontmatter" (for plugins that
// add fields to it, exposed as `remarkPluginFrontmatter` by render()). The processor hands that object back, so
// the content store kept a second copy of every recap's front matter (~15 KB of ~22 KB per entry) next to the
// validated `data`: a quarter more to serialize, bundle, load and hold, for a value the site never reads. This
// plugin gives the processor an empty object instead; `data` is unchanged, `remarkPluginFrontmatter` is `{}`.
/** @type {import('satteri').MdastPluginDefinition} */
export const noFrontmatterEcho = {
  name: 'no-frontmatter-echo',
  before(_root, ctx) {
    if (ctx.data.astro) ctx.data.astro.frontmatter = {};
  },
};

export default noFrontmatterEcho;
