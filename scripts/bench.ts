// `npm run bench`: every figure the README quotes, measured side by side in one run, written to
// bench/results.json and printed as tables.
//   0. the offline demo end to end (pipeline + site build), from a fresh state;
//   1. signed ack: signed async generate vs unsigned /health, concurrency 10 and 50, same worker, same run;
//   2. index lookup: sync generate queries over 100,000 seeded items, latency and D1 rows read;
//   3. site build: 1,000 generated recaps, ours vs a bare Astro blog with the same bodies, time and peak memory;
//   4. page weight: a recap with 10 clips before interaction (bytes, requests, JavaScript, third parties).
//   npm run bench [-- --quick] [--only demo,api,build,page]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchApi } from './bench/api.ts';
import { benchPageWeight } from './bench/page-weight.ts';
import { benchSiteBuild } from './bench/site-build.ts';
import { parseCli, usageError } from './lib/cli-args.ts';
import { ROOT } from './lib/dev-vars.ts';
import { freePort } from './lib/ports.ts';

const USAGE = 'usage: npm run bench [-- --quick] [--only demo,api,build,page]';
const { values } = parseCli(USAGE, { options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const GROUPS = ['demo', 'api', 'build', 'page'];
const only = new Set((values.only ?? GROUPS.join(',')).split(','));
const unknown = [...only].filter((group) => !GROUPS.includes(group));
if (unknown.length) usageError(USAGE, `--only takes groups from ${GROUPS.join(', ')} (got ${unknown.join(', ')}).`);
const quick = values.quick!;

async function benchDemo(): Promise<Record<string, unknown>> {
  const state = mkdtempSync(join(tmpdir(), 'clip-recap-bench-demo-'));
  try {
    // One worker port for both runs: the first run's recaps link their thumbnails to it.
    const port = await freePort();
    const run = async () => {
      const started = performance.now();
      const child = spawnSync(process.execPath, ['scripts/start.ts', '--no-serve', '--state', state, '--port', String(port), '--site-port', String(await freePort())], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, FORCE_COLOR: '0' },
      });
      if (child.status !== 0) throw new Error(`demo failed:\n${child.stdout}${child.stderr}`);
      const stages = Object.fromEntries([...child.stdout.matchAll(/✓ (\S+)\s.*?(\d+\.\d) s$/gm)].map((m) => [m[1], Number(m[2])]));
      return { seconds: Math.round((performance.now() - started) / 100) / 10, stages };
    };
    const fresh = await run();
    const second = await run();
    return { fresh_run: fresh, second_run_idempotent: second };
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

function table(title: string, rows: Array<Record<string, unknown>>): void {
  console.log(`\n${title}`);
  console.table(rows);
}

const results: Record<string, unknown> = {
  measured_at: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model, memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version },
};

if (only.has('demo')) {
  console.log('0. offline demo (npm start -- --no-serve), fresh state then a second run…');
  results.demo = await benchDemo();
  const demo = results.demo as { fresh_run: { seconds: number; stages: Record<string, number> }; second_run_idempotent: { seconds: number } };
  table('0. offline demo', [{ run: 'fresh', seconds: demo.fresh_run.seconds, ...demo.fresh_run.stages }, { run: 'second (idempotent)', seconds: demo.second_run_idempotent.seconds }]);
}

if (only.has('api')) {
  const items = quick ? 20_000 : 100_000;
  console.log(`\n1-2. worker API: seeding ${items} items, then load (${quick ? 3 : 5} s per measurement)…`);
  const api = await benchApi({ items, seconds: quick ? 3 : 5 });
  results.signed_ack = api.signed_ack;
  results.index_lookup = { items, queries: api.index_lookup };
  table(
    '1. signed ack (async POST /api/content/generate) vs unsigned GET /health',
    Object.entries(api.signed_ack).flatMap(([c, v]) => {
      const r = v as { signed_generate_async: Record<string, number>; unsigned_health: Record<string, number>; throughput_ratio: number };
      return [
        { concurrency: c, endpoint: 'signed generate (async)', ...r.signed_generate_async, ratio: r.throughput_ratio },
        { concurrency: c, endpoint: 'unsigned /health', ...r.unsigned_health },
      ];
    }),
  );
  table(`2. index lookup over ${items} items (sync generate, limit 20), each next to an unsigned GET /health, one at a time`, Object.entries(api.index_lookup).map(([query, v]) => ({ query, ...(v as object) })));
  results.dev_proxy = api.dev_proxy;
  table("for reference: GET /health one at a time, the worker as measured above vs through wrangler dev's proxy", Object.entries(api.dev_proxy).map(([served, v]) => ({ served, ...(v as object) })));
}

if (only.has('build')) {
  const recaps = quick ? 200 : 1000;
  console.log(`\n3. site build with ${recaps} recaps vs a bare Astro blog…`);
  const build = await benchSiteBuild({ recaps });
  results.site_build = build;
  table(`3. site build, ${recaps} recaps`, [
    { site: 'clip-recap (Astro, search index included)', ...build.ours },
    { site: 'bare Astro blog', ...build.bare },
    { site: 'ratio ours/bare', seconds: build.ratio_time, peak_rss_mb: build.ratio_memory },
  ]);
  console.log(`ours/bare time, round by round: ${build.round_ratios.join(', ')}`);
}

if (only.has('page')) {
  console.log('\n4. page weight of a recap with 10 clips…');
  const page = await benchPageWeight();
  results.page_weight = page;
  table('4. page weight before interaction', [{ clips: page.clips, ...page.before_interaction, by_type: undefined, our_js_bytes: page.our_js_bytes }]);
}

mkdirSync(join(ROOT, 'bench'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('\nWritten to bench/results.json');
