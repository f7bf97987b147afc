// Benchmark: how long, and how much memory, our site build takes for N recaps, next to a bare Astro blog
// built from the same Markdown. See scripts/bench/README.md.
//   node_modules/.bin/node scripts/bench/site-build.ts [--recaps 1000] [--rounds 5]
// prints the result as JSON on stdout (progress goes to stderr).
//
// - Content: N daily recaps written by the real generator (content-pipeline buildRecap, validated by the recap
//   schema) from the sample week's sources, each with 10 clips, one per day (distinct dates and slugs), with
//   rotated clip sets, per-recap clip ids and varied view counts, so the bodies differ.
// - OURS: scripts/site/build.mjs (astro build, search index included: exactly what deploys), SITE_CONTENT_DIR on the temp
//   content, SITE_OUT_DIR and SITE_CACHE_DIR in fresh temp directories every round (cold builds).
// - BARE: a generated minimal Astro project in a temp directory (node_modules is a symlink to this repository's,
//   so it is the same astro; checked at every build): a content collection with the same N bodies and front
//   matter stripped to title and date (schema z.object({ title, date })), one layout, an index listing every post,
//   one page per post, no integrations, Astro's default Markdown processor, built with the programmatic build().
// - Measurement: each build runs as a child of scripts/bench/measure-child.mjs, which reports wall time and the
//   peak summed RSS of the build's whole process tree (polled from /proc every 20 ms; that includes helper
//   binaries such as esbuild, which process.resourceUsage().maxRSS would miss). Same runner, same Node, same
//   NODE_ENV for both. Each round builds both, the order alternating from round to round (5 rounds unless
//   --rounds, at least 2); the median of each and every round's ratio are reported.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRecap, recapLocation, type RecapSource } from '../../content-pipeline/index.ts';
import { sampleSources } from '../../tests/support/recap-sources.ts';
import { countPages } from '../lib/count-pages.ts';
import { buildBare, writeBareProject } from './bare-astro.ts';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MEASURE = join(ROOT, 'scripts/bench/measure-child.mjs');
/** The project's Node (24): the same binary runs every build, whatever Node runs this script. */
export const NODE = existsSync(join(ROOT, 'node_modules/.bin/node')) ? join(ROOT, 'node_modules/.bin/node') : process.execPath;

export interface BuildFigures {
  seconds: number;
  peak_rss_mb: number;
  pages: number;
}

export interface SiteBuildResult {
  recaps: number;
  ours: BuildFigures;
  bare: BuildFigures;
  ratio_time: number;
  ratio_memory: number;
  /** ours / bare time of each round (the two builds of a round run back to back). */
  round_ratios: number[];
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

// ---------------------------------------------------------------------------------------------------------------
// Building our site without racing the site tests: concurrent Astro builds of this project share its generated
// .astro/ folder, so builds take the same lock directory (and protocol) as tests/site/helpers/build.ts.

import { withSiteBuildLock } from '../site/build-lock.ts';

export { withSiteBuildLock };

// ---------------------------------------------------------------------------------------------------------------
// Running a build as a measured child.

/** The environment for a build child: ours, minus test-runner variables that would leak into Vite's mode. */
export function buildEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'TEST' && k !== 'MODE') env[k] = v;
  }
  return { ...env, NODE_ENV: 'production', ASTRO_TELEMETRY_DISABLED: '1', ...extra };
}

export interface Measurement {
  seconds: number;
  peak_rss_kb: number;
  root_hwm_kb: number;
  log: string;
}

/** Runs `node <args>` under measure-child.mjs; rejects with the build's output when it fails. */
export async function runMeasured(args: string[], { cwd, env, label }: { cwd: string; env: NodeJS.ProcessEnv; label: string }): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'clip-recap-bench-measure-'));
  const outFile = join(dir, 'measure.json');
  try {
    const output = await new Promise<string>((resolvePromise, reject) => {
      const child = spawn(NODE, [MEASURE, '--out', outFile, '--', NODE, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${label} exited with ${code}:\n${out}`))));
    });
    const m = JSON.parse(await readFile(outFile, 'utf8')) as { seconds: number; peak_rss_kb: number; root_hwm_kb: number };
    return { seconds: m.seconds, peak_rss_kb: m.peak_rss_kb, root_hwm_kb: m.root_hwm_kb, log: output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Builds our site (scripts/site/build.mjs), production unless `preview`, measured. */
export async function buildOurSite(opts: { contentDir: string; outDir: string; cacheDir: string; siteUrl: string; preview?: boolean }): Promise<Measurement> {
  const env = buildEnv({
    SITE_URL: opts.siteUrl,
    SITE_OUT_DIR: opts.outDir,
    SITE_CONTENT_DIR: opts.contentDir,
    SITE_CACHE_DIR: opts.cacheDir,
    SITE_PREVIEW: opts.preview ? '1' : '',
  });
  return withSiteBuildLock(() => runMeasured([join(ROOT, 'scripts/site/build.mjs')], { cwd: ROOT, env, label: 'our site build' }));
}

// ---------------------------------------------------------------------------------------------------------------
// Recaps.

/** The sample week's 12 sources, every one approved, in clip order. */
export async function approvedSources(): Promise<RecapSource[]> {
  return (await sampleSources()).map((s) => ({ ...s, item: { ...s.item, content_decision: 'approved' as const } }));
}

/** A copy of a source as another clip: new id (and URLs), thumbnail under `thumbnailBase`, given time and views. */
export function cloneSource(src: RecapSource, { id, createdAt, views, duration, thumbnailBase }: { id: string; createdAt?: string; views?: number; duration?: number; thumbnailBase: string }): RecapSource {
  const item = {
    ...src.item,
    clip_id: id,
    clip_url: `https://clips.twitch.tv/${id}`,
    clip_embed_url: `https://clips.twitch.tv/embed?clip=${id}`,
    clip_thumbnail_url: `${thumbnailBase}/${id}.jpg`,
    ...(createdAt !== undefined && { clip_created_at: createdAt, content_ready_at: createdAt, updated_at: createdAt }),
    ...(views !== undefined && { clip_view_count: views }),
    ...(duration !== undefined && { clip_duration: duration }),
  };
  return { ...src, item, context: src.context && { ...src.context, clip_id: id } };
}

export interface GeneratedRecap {
  /** Path relative to the content folder (year/slug.md). */
  path: string;
  slug: string;
  title: string;
  date: string;
  body: string;
  markdown: string;
}

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.parse('2023-01-02T00:00:00.000Z');

/**
 * Writes `count` daily recaps of 10 clips each into `contentDir` (year folders, as the publisher does): recap i
 * covers FIRST_DAY + i days and takes 10 of the 12 sample sources, rotated by i, as clips `<sample id>-<i>`.
 */
export async function writeRecaps(contentDir: string, count: number, { thumbnailBase = 'https://recap.example.workers.dev/assets/thumbnails' } = {}): Promise<GeneratedRecap[]> {
  const sources = await approvedSources();
  const out: GeneratedRecap[] = [];
  for (let i = 0; i < count; i++) {
    const start = new Date(FIRST_DAY + i * DAY_MS).toISOString();
    const end = new Date(FIRST_DAY + (i + 1) * DAY_MS).toISOString();
    const clips: RecapSource[] = [];
    for (let k = 0; k < 10; k++) {
      const src = sources[(i + k) % sources.length]!;
      clips.push(
        cloneSource(src, {
          id: `${src.item.clip_id}-${i + 1}`,
          // 13:00 UTC onwards, 25 minutes apart: in order, inside the day.
          createdAt: new Date(FIRST_DAY + i * DAY_MS + 13 * 3_600_000 + k * 25 * 60_000).toISOString(),
          views: src.item.clip_view_count + ((i * 7919 + k * 104_729) % 997),
          duration: Math.round((src.item.clip_duration + (i % 9)) * 10) / 10,
          thumbnailBase,
        }),
      );
    }
    const recap = await buildRecap({ contentType: 'daily_recap', dateRange: { start, end }, sources: clips, generatorVersion: '0.1.0' });
    const location = recapLocation('daily_recap', start);
    const path = location.path.replace('site/content/recaps/', '');
    const file = join(contentDir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, recap.markdown);
    out.push({ path, slug: location.slug, title: recap.frontmatter.title, date: recap.frontmatter.date, body: recap.body, markdown: recap.markdown });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Flushes what earlier steps wrote (and the deletes of the previous output) before a build is timed, so that I/O
 * is not written back in the middle of the next build. It does not remove all drift: in a full `npm run bench` both
 * builds still slow down round after round (ours 4.5, 5.3, 5.8 s; bare 3.3, 3.6, 4.1 s), which points at the shared
 * VM's CPU rather than the disk; ours and bare alternate, so both see the same conditions.
 */
function settleDisk(): void {
  spawnSync('sync', { stdio: 'ignore' });
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function benchSiteBuild(options: { recaps?: number; rounds?: number } = {}): Promise<SiteBuildResult> {
  const count = options.recaps ?? 1000;
  // Five rounds, the order inside a round alternating (ours first, then bare first, ...): builds slow down one after
  // another on this VM, and a fixed order charged that drift to whichever build ran second.
  const rounds = Math.max(2, options.rounds ?? 5);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--recaps must be a positive integer, got ${count}`);
  const base = await mkdtemp(join(tmpdir(), 'clip-recap-bench-build-'));
  try {
    const contentDir = join(base, 'content');
    const bareDir = join(base, 'bare');
    log(`writing ${count} recaps (10 clips each) with buildRecap...`);
    const recaps = await writeRecaps(contentDir, count);
    await writeBareProject(bareDir, recaps);

    const ours: { seconds: number; rss: number; pages: number }[] = [];
    const bare: { seconds: number; rss: number; pages: number }[] = [];
    const runOurs = async (r: number) => {
      const oursOut = join(base, `ours-${r}`);
      settleDisk();
      const o = await buildOurSite({ contentDir, outDir: join(oursOut, 'dist'), cacheDir: join(oursOut, 'cache'), siteUrl: 'https://bench.example.test' });
      ours.push({ seconds: o.seconds, rss: o.peak_rss_kb, pages: await countPages(join(oursOut, 'dist')) });
      const astro = /astro (\d+) ms/.exec(o.log);
      log(
        `round ${r}/${rounds} ours: ${o.seconds.toFixed(1)} s${astro ? ` (astro build ${astro[1]} ms)` : ''}, ` +
          `peak tree RSS ${(o.peak_rss_kb / 1024).toFixed(0)} MB (main process VmHWM ${(o.root_hwm_kb / 1024).toFixed(0)} MB), ${ours.at(-1)!.pages} pages`,
      );
      await rm(oursOut, { recursive: true, force: true });
    };
    const runBare = async (r: number) => {
      // Inside the project: the prerender chunks in the output import packages through its node_modules.
      const bareOut = join(bareDir, `out-${r}`);
      settleDisk();
      const b = await buildBare(bareDir, join(bareOut, 'dist'), join(bareOut, 'cache'));
      bare.push({ seconds: b.seconds, rss: b.peak_rss_kb, pages: await countPages(join(bareOut, 'dist')) });
      log(`round ${r}/${rounds} bare: ${b.seconds.toFixed(1)} s, peak tree RSS ${(b.peak_rss_kb / 1024).toFixed(0)} MB (main process VmHWM ${(b.root_hwm_kb / 1024).toFixed(0)} MB), ${bare.at(-1)!.pages} pages`);
      await rm(bareOut, { recursive: true, force: true });
    };
    for (let r = 1; r <= rounds; r++) {
      if (r % 2) (await runOurs(r), await runBare(r));
      else (await runBare(r), await runOurs(r));
    }

    const figures = (runs: typeof ours): BuildFigures => ({
      seconds: round(median(runs.map((x) => x.seconds))),
      peak_rss_mb: round(median(runs.map((x) => x.rss)) / 1024, 1),
      pages: runs[0]!.pages,
    });
    const o = figures(ours);
    const b = figures(bare);
    return {
      recaps: count,
      ours: o,
      bare: b,
      ratio_time: round(o.seconds / b.seconds),
      ratio_memory: round(o.peak_rss_mb / b.peak_rss_mb),
      round_ratios: ours.map((x, i) => round(x.seconds / bare[i]!.seconds)),
    };
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

function intArg(argv: readonly string[], name: string): number | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer`);
  return n;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const result = await benchSiteBuild({ recaps: intArg(argv, '--recaps'), rounds: intArg(argv, '--rounds') });
  console.log(JSON.stringify(result, null, 2));
}
