// The bare Astro blog the site-build benchmark compares against: a minimal project with the same Markdown bodies
// (front matter cut to title and date), one layout, an index and a page per post, no integrations, built with the
// same astro installed in this repository (checked at every build).
import { realpathSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { dump } from 'js-yaml';
import { buildEnv, ROOT, runMeasured, type GeneratedRecap, type Measurement } from './site-build.ts';


const BARE_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'bare-astro-blog', private: true, type: 'module' }, null, 2) + '\n',
  'astro.config.mjs': `import { defineConfig } from 'astro/config';
export default defineConfig({
  site: 'https://bare.example.test',
  output: 'static',
  build: { format: 'directory' },
  outDir: process.env.BARE_OUT_DIR || './dist',
  // Never the default (./node_modules/.astro): node_modules is a symlink to the benchmarked repository's.
  cacheDir: process.env.BARE_CACHE_DIR || './.cache',
  // Likewise Vite's own cache (default node_modules/.vite): where a standalone project would keep it.
  vite: { cacheDir: './.vite' },
});
`,
  'build.mjs': `// Same shape as scripts/site/build.mjs: Astro's programmatic build(), nothing else.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
process.env.ASTRO_TELEMETRY_DISABLED = '1';
const root = fileURLToPath(new URL('.', import.meta.url));
console.log('bare-astro-entry ' + realpathSync(fileURLToPath(import.meta.resolve('astro'))));
const { build } = await import('astro');
await build({ root, logLevel: 'warn' });
`,
  'src/content.config.ts': `import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

const posts = defineCollection({
  loader: glob({ pattern: '**/*.md', base: './content/posts' }),
  schema: z.object({ title: z.string(), date: z.coerce.date() }),
});

export const collections = { posts };
`,
  'src/layouts/Layout.astro': `---
interface Props { title: string }
const { title } = Astro.props;
---
<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>{title}</title>
  </head>
  <body>
    <header><a href="/">Bare blog</a></header>
    <main><slot /></main>
  </body>
</html>
`,
  'src/pages/index.astro': `---
import { getCollection } from 'astro:content';
import Layout from '../layouts/Layout.astro';
const posts = (await getCollection('posts')).sort((a, b) => b.data.date.valueOf() - a.data.date.valueOf());
---
<Layout title="Bare blog">
  <h1>Posts</h1>
  <ul>
    {posts.map((post) => (
      <li><a href={\`/posts/\${post.id}/\`}>{post.data.title}</a> <time datetime={post.data.date.toISOString()}>{post.data.date.toISOString().slice(0, 10)}</time></li>
    ))}
  </ul>
</Layout>
`,
  'src/pages/posts/[id].astro': `---
import { getCollection, render } from 'astro:content';
import Layout from '../../layouts/Layout.astro';
export async function getStaticPaths() {
  const posts = await getCollection('posts');
  return posts.map((post) => ({ params: { id: post.id }, props: { post } }));
}
const { post } = Astro.props;
const { Content } = await render(post);
---
<Layout title={post.data.title}>
  <article>
    <h1>{post.data.title}</h1>
    <time datetime={post.data.date.toISOString()}>{post.data.date.toISOString().slice(0, 10)}</time>
    <Content />
  </article>
</Layout>
`,
};

/** Writes the bare project into `dir`, with the recaps' bodies as posts (front matter: title and date only). */
export async function writeBareProject(dir: string, recaps: readonly GeneratedRecap[]): Promise<void> {
  for (const [path, text] of Object.entries(BARE_FILES)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const posts = join(dir, 'content/posts');
  await mkdir(posts, { recursive: true });
  for (const r of recaps) await writeFile(join(posts, `${r.slug}.md`), `---\n${dump({ title: r.title, date: r.date })}---\n${r.body.endsWith('\n') ? r.body : `${r.body}\n`}`);
}

export async function buildBare(dir: string, outDir: string, cacheDir: string): Promise<Measurement> {
  const m = await runMeasured([join(dir, 'build.mjs')], { cwd: dir, env: buildEnv({ BARE_OUT_DIR: outDir, BARE_CACHE_DIR: cacheDir }), label: 'bare Astro build' });
  // Same astro as ours: the one installed in this repository.
  const entry = /^bare-astro-entry (.+)$/m.exec(m.log)?.[1];
  const ourAstro = realpathSync(join(ROOT, 'node_modules/astro'));
  if (!entry || !entry.startsWith(ourAstro + '/')) throw new Error(`the bare blog did not use ${ourAstro} (it used ${entry ?? 'an unknown astro'})`);
  return m;
}

