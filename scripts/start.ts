// `npm start`: the whole pipeline offline on the bundled sample week. Starts the sandbox (fake Twitch, GitHub,
// transcription, Discord over real HTTP) and the real worker on local workerd, drives it through the signed API
// (GitHub backfill and webhooks, clip ingest, the queue stages, scoring, recap generation), commits each recap on
// its own branch of a real local git repository standing in for the blog repo and merges it as a reviewer would,
// builds the site from the merged recaps and serves it. State and output live in .demo/ (git-ignored).
//   npm start [-- --no-serve] [--port 8787] [--site-port 4321] [--fresh] [--state .demo]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { hasReached, type ContentGenerationResponse, type ContentItem } from '../content-pipeline/index.ts';
import { BROADCASTER, CLIPS, GITHUB_EVENTS, WEEK } from '../sample-data/index.ts';
import { ApiClient } from './lib/api-client.ts';
import { parseCli, portFlag } from './lib/cli-args.ts';
import { DemoError, openDemoState, type DemoState } from './lib/demo-state.ts';
import { localSigningKey, ROOT } from './lib/dev-vars.ts';
import { isPortFree } from './lib/ports.ts';
import { countPages } from './lib/count-pages.ts';
import { Progress } from './lib/progress.ts';
import { serveStatic } from './lib/static-server.ts';
import { startWorker, WorkerStartError, type RunningWorker } from './lib/worker-process.ts';
import { GitCommandError, isMerged, LocalGitPublisher, mergeBranch, uncommittedChanges } from './publish/local-git.ts';
import { SANDBOX_CREDENTIALS, startSandbox, type Sandbox } from './sandbox/index.ts';

const USAGE = 'usage: npm start [-- --no-serve] [--port 8787] [--site-port 4321] [--fresh] [--state .demo]';
const { values } = parseCli(USAGE, {
  options: {
    'no-serve': { type: 'boolean', default: false },
    port: { type: 'string' },
    'site-port': { type: 'string', default: '4321' },
    fresh: { type: 'boolean', default: false },
    state: { type: 'string', default: join(ROOT, '.demo') },
  },
});
const DEMO = resolve(values.state!);
const BLOG = join(DEMO, 'blog');
const SITE_OUT = join(DEMO, 'site');
const DEFAULT_WORKER_PORT = 8787;
const portGiven = values.port === undefined ? undefined : portFlag(USAGE, 'port', values.port);
const sitePort = portFlag(USAGE, 'site-port', values['site-port']);
const serve = !values['no-serve'];
const progress = new Progress();
const DAY = 86_400_000;
const IDENTITY = { name: 'clip-recap demo', email: 'demo@clip-recap.invalid' };

function git(args: string[], cwd = BLOG): string {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  if (run.status !== 0) throw new DemoError(`git ${args.join(' ')} failed: ${run.stderr.trim()}`);
  return run.stdout.trim();
}

/** The stand-in blog repository: a real git repo with the content folder, on `main`. */
function ensureBlogRepo(): void {
  if (existsSync(join(BLOG, '.git'))) return;
  mkdirSync(join(BLOG, 'site', 'content', 'recaps'), { recursive: true });
  git(['init', '-q', '-b', 'main']);
  spawnSync('sh', ['-c', 'printf "Recaps published by clip-recap.\\n" > site/content/recaps/README.md'], { cwd: BLOG });
  git(['add', '.']);
  git(['-c', `user.name=${IDENTITY.name}`, '-c', `user.email=${IDENTITY.email}`, 'commit', '-q', '-m', 'Blog repository']);
}

async function waitForItems(api: ApiClient, expected: number): Promise<ContentItem[]> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { body } = await api.request<{ content_items: ContentItem[] }>('GET', `/api/content-items?start=${WEEK.start}&end=${WEEK.end}&limit=100`);
    const items = body.content_items;
    const settled = items.filter((i) => i.processing_status === 'failed' || hasReached(i, 'ready_for_content'));
    progress.bar('pipeline', settled.length, expected);
    if (items.length >= expected && settled.length === items.length) return items;
    if (Date.now() > deadline) {
      const stuck = items.filter((i) => !settled.includes(i)).map((i) => `${i.clip_id} (${i.processing_status}${i.status_reason ? `: ${i.status_reason}` : ''})`);
      throw new DemoError(`items did not settle within 120 s: ${stuck.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function deliverWebhooks(worker: RunningWorker): Promise<number> {
  // A push and a merged pull request, which backfill already stored (the same ids: no duplicates), and a release,
  // which backfill cannot see, as GitHub would send them.
  const commit = GITHUB_EVENTS.find((e) => e.type === 'push' && e.files)!;
  const pr = GITHUB_EVENTS.find((e) => e.type === 'pull_request' && e.action === 'merged')!;
  const release = GITHUB_EVENTS.find((e) => e.type === 'release')!;
  const deliveries = [
    ['release', { action: 'published', repository: { full_name: release.repo }, sender: { login: release.actor }, release: { id: Number(release.id.split(':')[2]), name: release.title, tag_name: 'v0.2.0', body: release.message, html_url: release.url, author: { login: release.actor }, created_at: release.occurred_at, published_at: release.occurred_at } }],
    ['push', { ref: `refs/heads/${commit.branch ?? 'main'}`, repository: { full_name: commit.repo }, sender: { login: commit.actor }, commits: [{ id: commit.sha, message: commit.message, timestamp: commit.occurred_at, url: commit.url, author: { username: commit.actor }, added: [], modified: commit.files, removed: [] }] }],
    ['pull_request', { action: 'closed', repository: { full_name: pr.repo }, sender: { login: pr.actor }, pull_request: { number: pr.number, title: pr.title, html_url: pr.url, user: { login: pr.actor }, head: { ref: pr.branch ?? 'feature' }, merged: true, merged_at: pr.occurred_at, created_at: new Date(Date.parse(pr.occurred_at) - DAY).toISOString(), closed_at: pr.occurred_at } }],
  ] as const;
  for (const [event, payload] of deliveries) {
    const body = JSON.stringify(payload);
    const response = await fetch(`${worker.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': event, 'X-GitHub-Delivery': `demo-${event}-${pr.number}-${release.id.split(':')[2]}`, 'X-Hub-Signature-256': await sign(SANDBOX_CREDENTIALS.githubWebhookSecret, body) },
      body,
    });
    if (!response.ok) throw new DemoError(`webhook ${event} answered ${response.status}: ${await response.text()}`);
  }
  return deliveries.length;
}

interface Published {
  path: string;
  outcome: string;
  /** Whether this run merged its branch into main. */
  merged: boolean;
}

async function publishRecaps(api: ApiClient): Promise<Published[]> {
  const publisher = new LocalGitPublisher({ repoDir: BLOG, baseBranch: 'main', author: IDENTITY });
  const requests: Array<{ content_type: 'daily_recap' | 'weekly_summary'; date_range: { start: string; end: string } }> = [];
  for (let t = Date.parse(WEEK.start); t < Date.parse(WEEK.end); t += DAY) {
    requests.push({ content_type: 'daily_recap', date_range: { start: new Date(t).toISOString(), end: new Date(t + DAY).toISOString() } });
  }
  requests.push({ content_type: 'weekly_summary', date_range: WEEK });
  // All recap jobs go to the queue at once (the consumer takes them in one batch), then land in order.
  const jobs = await Promise.all(requests.map(async (request) => (await api.request<{ job_id: string }>('POST', '/api/recaps/publish', { ...request, dry_run: true })).body.job_id));
  let finishedCount = 0;
  progress.bar('publish', 0, jobs.length);
  const finished = await Promise.all(
    jobs.map(async (jobId) => {
      const job = await api.waitForJob(jobId);
      progress.bar('publish', ++finishedCount, jobs.length);
      return job;
    }),
  );
  const published: Published[] = [];
  for (const job of finished) {
    const results = job.results as { outcome: string; branch?: string; path?: string; title?: string; markdown?: string; pr_body?: string };
    if (results.outcome === 'skipped' || !results.markdown || !results.path || !results.branch) continue;
    const result = await publisher.publish({ branch: results.branch, title: results.title ?? results.path, body: results.pr_body ?? '', files: [{ path: results.path, content: results.markdown }] });
    // A reviewer merges the branch. Not only when this run committed: a run stopped between a commit and its merge
    // leaves a branch whose recap is "unchanged" next time, and it must still reach main.
    const merged = !isMerged(BLOG, results.branch, 'main');
    if (merged) mergeBranch(BLOG, results.branch, 'main', { identity: IDENTITY });
    published.push({ path: results.path, outcome: result.outcome, merged });
  }
  return published;
}

/** The site build while it runs, so that an interrupted demo stops it too. */
let siteBuild: ChildProcess | undefined;

function buildSite(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = (siteBuild = spawn(process.execPath, [join(ROOT, 'scripts/site/build.mjs')], {
      cwd: ROOT,
      env: {
        ...process.env,
        ASTRO_TELEMETRY_DISABLED: '1',
        SITE_URL: `http://127.0.0.1:${sitePort}`,
        SITE_CONTENT_DIR: join(BLOG, 'site', 'content', 'recaps'),
        SITE_OUT_DIR: SITE_OUT,
        SITE_CACHE_DIR: join(DEMO, 'site-cache'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      siteBuild = undefined;
      if (code === 0) resolve(out);
      else reject(new DemoError(`site build failed:\n${out}`));
    });
  });
}

const FRESH_COMMAND = `npm start -- --fresh${DEMO === resolve(ROOT, '.demo') ? '' : ` --state ${DEMO}`}`;

/** What stops the running parts; set once they run. */
let stopRunning: (() => Promise<void>) | undefined;
/** Ends serving (Ctrl+C then is the normal end); set while serving. */
let stopServing: (() => void) | undefined;
let state: DemoState | undefined;
let interrupted = false;

// Ctrl+C before the site is served (or a SIGTERM) stops the worker and the sandbox too: the worker runs in its own
// process group, which the terminal's Ctrl+C does not reach, and would hold its port for the next run.
function onSignal(signal: NodeJS.Signals): void {
  if (stopServing) return stopServing();
  if (interrupted) return;
  interrupted = true;
  progress.fail(progress.stage ?? 'demo', `interrupted (${signal}); stopping the worker and the sandbox`);
  siteBuild?.kill('SIGTERM');
  void (stopRunning?.() ?? Promise.resolve()).catch(() => undefined).finally(() => {
    state?.release();
    process.exit(130);
  });
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('exit', () => state?.release());

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`clip-recap offline demo — state and output in ${DEMO}\n`);
  state = openDemoState({ dir: DEMO, fresh: values.fresh!, port: portGiven, defaultPort: DEFAULT_WORKER_PORT, protect: [ROOT], freshCommand: FRESH_COMMAND });
  const workerPort = state.port;
  if (workerPort === sitePort) throw new DemoError(`--port and --site-port are both ${sitePort}: the worker and the site need a port each.`);
  for (const [port, what] of [[workerPort, '--port'], [sitePort, '--site-port']] as const) {
    if (!(await isPortFree(port))) throw new DemoError(`Port ${port} on 127.0.0.1 is in use (another \`npm start\` or \`npm run dev\`?). Stop it, or pick another with ${what} <n>.`);
  }
  // The publish stage commits and merges in the blog repository: edits there would stop it late, after every
  // other stage had run.
  const edited = existsSync(join(BLOG, '.git')) ? uncommittedChanges(BLOG) : '';
  if (edited) {
    throw new DemoError(`The blog repository ${BLOG} has uncommitted changes:\n${edited}\n  Commit or discard them (git -C ${BLOG} status), or start over with \`${FRESH_COMMAND}\`.`);
  }

  progress.start('sandbox');
  const sandbox: Sandbox = await startSandbox();
  progress.done('sandbox', 'fake Twitch, GitHub, transcription and Discord on 127.0.0.1');
  let worker: RunningWorker | undefined;
  // Set as soon as wrangler runs (the migrations, then the worker), so an interrupted start stops it too: a SIGTERM
  // reaches only this process, and the worker's runtime has a process group of its own that Ctrl+C does not reach.
  let stopWorker: (() => Promise<void>) | undefined;
  const shutdown = (stopRunning = async () => {
    await stopWorker?.();
    await sandbox.stop();
  });
  try {
    progress.start('worker');
    progress.ticking('worker');
    worker = await startWorker({ onSpawn: (stop) => (stopWorker = stop), port: workerPort, persistTo: join(DEMO, 'wrangler-state'), logFile: join(DEMO, 'worker.log'), resetHint: `run \`${FRESH_COMMAND}\` (it deletes ${DEMO} and starts over).`, vars: { ...sandbox.workerVars, PUBLIC_BASE_URL: `http://127.0.0.1:${workerPort}` } });
    state.recordPort();
    progress.done('worker', `${worker.url} (workerd with local D1, R2, Queues)`);
    const api = new ApiClient(worker.url, localSigningKey(undefined));

    progress.start('github');
    const backfill = await api.request<{ job_id: string }>('POST', '/api/github/backfill', { date_range: WEEK });
    const backfilled = (await api.waitForJob(backfill.body.job_id)).results as { events: number; repos: unknown[] };
    const webhooks = await deliverWebhooks(worker);
    progress.done('github', `backfill: ${backfilled.events} events from ${backfilled.repos.length} repos; ${webhooks} signed webhooks`);

    progress.start('ingest');
    const ingest = await api.request<{ job_id: string }>('POST', '/api/clips/ingest', { broadcaster_login: BROADCASTER.login, date_range: WEEK });
    const ingested = (await api.waitForJob(ingest.body.job_id)).results as { clips_found: number; created: number; refreshed: number; unchanged: number };
    progress.done('ingest', `${ingested.clips_found} clips (${ingested.created} new, ${ingested.refreshed} refreshed, ${ingested.unchanged} unchanged)`);

    progress.start('pipeline');
    const items = await waitForItems(api, CLIPS.length);
    const failed = items.filter((i) => i.processing_status === 'failed');
    const matched = items.filter((i) => (i.github_confidence ?? 0) > 0).length;
    progress.done('pipeline', `${items.length - failed.length} ready, ${failed.length} failed${failed.length ? ` (${failed.map((i) => i.error?.code).join(', ')})` : ''}; ${matched} matched to GitHub`);

    progress.start('scoring');
    const generated = (await api.request<ContentGenerationResponse>('POST', '/api/content/generate', { date_range: WEEK, content_type: 'weekly_summary', sort_by: 'content_score', limit: 100 })).body;
    const scored = (generated.content_items ?? []).filter((i) => i.content_score !== undefined).length;
    const decisions = Object.entries(
      (generated.content_items ?? []).reduce<Record<string, number>>((acc, i) => ((acc[i.content_decision ?? 'unscored'] = (acc[i.content_decision ?? 'unscored'] ?? 0) + 1), acc), {}),
    ).map(([k, v]) => `${v} ${k}`);
    progress.done('scoring', `mean score ${generated.content_score ?? '–'}; ${decisions.join(', ')}`);

    progress.start('publish');
    ensureBlogRepo();
    const published = await publishRecaps(api);
    const committed = published.filter((p) => p.outcome !== 'unchanged').length;
    const merges = published.filter((p) => p.merged).length;
    progress.done('publish', `${published.length} recaps: ${committed} committed, ${merges} merged, ${published.length - committed} unchanged`);

    progress.start('site');
    progress.ticking('site');
    const log = await buildSite();
    const searchable = /search index: (\d+) recaps/.exec(log)?.[1] ?? '?';
    const pages = await countPages(SITE_OUT);
    progress.done('site', `built ${pages} pages; ${searchable} recaps in the search index`);
    state.markCompleted();

    const total = (performance.now() - started) / 1000;
    console.log(
      `\nDone in ${total.toFixed(1)} s: ${items.length} clips (${failed.length} failed), ${backfilled.events} GitHub events backfilled and ${webhooks} webhooks, ` +
        `${matched} clips matched, ${scored} scored (mean ${generated.content_score ?? '–'}), ${published.length} recap files (${committed} written), ${pages} pages.`,
    );
    console.log(`  worker API   ${serve ? `${worker.url}  (GET /health, GET /openapi.json; sign with npm run sign)` : `stopped with --no-serve (\`npm run dev\` serves the worker)`}`);
    console.log(`  worker log   ${worker.logFile}  (wrangler's output and the worker's JSON log lines)`);
    console.log(`  blog repo    ${BLOG}  (git log --oneline --graph)`);
    console.log(`  site         ${SITE_OUT}`);
    if (!serve) {
      await shutdown();
      return;
    }
    const site = await serveStatic(SITE_OUT, sitePort).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') throw error;
      throw new DemoError(`Port ${sitePort} on 127.0.0.1 was taken while the demo ran; the site is built in ${SITE_OUT}. Run again with --site-port <n> (nothing else changes).`);
    });
    console.log(`  blog         ${site.origin}/  — serving until Ctrl+C`);
    await new Promise<void>((resolve) => (stopServing = resolve));
    await site.close();
    await shutdown();
  } catch (error) {
    await shutdown().catch(() => undefined);
    throw error;
  }
}

try {
  await main();
} catch (error) {
  if (interrupted) await new Promise(() => undefined); // onSignal is stopping everything and exits 130
  if (error instanceof DemoError || error instanceof WorkerStartError || error instanceof GitCommandError || (error instanceof Error && error.name === 'ApiError')) {
    // The stage that was running, so "✗ worker" points at wrangler and "✗ publish" at git.
    const hint = error instanceof GitCommandError ? `\n  The blog repository ${BLOG} is the demo's own: put it back with \`git -C ${BLOG} status\`, or start over with \`${FRESH_COMMAND}\`.` : '';
    progress.fail(progress.stage ?? 'demo', `${error.message}${hint}`);
    process.exit(1);
  }
  throw error;
}
