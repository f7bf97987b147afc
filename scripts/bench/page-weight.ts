// Benchmark: what a reader downloads when opening a recap page, before touching anything. See scripts/bench/README.md.
//   node_modules/.bin/node scripts/bench/page-weight.ts
// prints the result as JSON on stdout (progress goes to stderr).
//
// - A production build of our site (scripts/site/build.mjs) from a temp content folder holding one recap made by
//   the real generator with exactly 10 clips, whose thumbnails point at this benchmark's server:
//   http://127.0.0.1:<port>/assets/thumbnails/<id>.jpg, a real JPEG (480x270, drawn and encoded by Chromium).
// - scripts/lib/static-server.ts on 127.0.0.1 serves the output like Cloudflare Pages (directory index, the
//   site's _headers, Content-Length) plus those thumbnails. Nothing is compressed, so transfer sizes are upper bounds.
// - Chromium (playwright-core), 1280x800, cache disabled, opens the recap page and waits for network idle;
//   nothing is clicked or scrolled. Every response is recorded through CDP (Network.*): bytes are
//   `encodedDataLength` from Network.loadingFinished, i.e. transfer size including response headers.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildRecap, recapLocation } from '../../content-pipeline/index.ts';
import { freePort } from '../lib/ports.ts';
import { serveStatic, type StaticServer } from '../lib/static-server.ts';
import { countPages } from '../lib/count-pages.ts';
import { approvedSources, buildOurSite, cloneSource } from './site-build.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const TWITCH_HOST = /(^|\.)(twitch\.tv|jtvnw\.net|ttvnw\.net|twitchcdn\.net|twitchsvc\.net)$/;
const VIEWPORT = { width: 1280, height: 800 };

export interface ByType {
  requests: number;
  bytes: number;
}

export interface PageWeightResult {
  page: string;
  clips: number;
  before_interaction: {
    bytes: number;
    requests: number;
    js_bytes: number;
    third_party_requests: number;
    by_type: Record<string, ByType>;
    /** Every host the page requested (including ours), for checks such as "nothing from Twitch". */
    hosts: string[];
  };
  our_js_bytes: number;
  total_html_css_js_bytes: number;
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);


// ---------------------------------------------------------------------------------------------------------------

/** A 480x270 JPEG (a gradient with a few shapes, quality 0.8), encoded by the browser's own canvas. */
async function makeThumbnail(context: BrowserContext): Promise<Buffer> {
  const page = await context.newPage();
  try {
    const dataUrl = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 480;
      canvas.height = 270;
      const ctx = canvas.getContext('2d')!;
      const g = ctx.createLinearGradient(0, 0, 480, 270);
      g.addColorStop(0, '#3b0764');
      g.addColorStop(1, '#0e7490');
      ctx.fillStyle = g;
      ctx.fillRect(0, 0, 480, 270);
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.font = 'bold 28px sans-serif';
      ctx.fillText('clip thumbnail', 24, 240);
      ctx.fillStyle = '#f59e0b';
      ctx.beginPath();
      ctx.arc(380, 90, 50, 0, Math.PI * 2);
      ctx.fill();
      return canvas.toDataURL('image/jpeg', 0.8);
    });
    return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  } finally {
    await page.close();
  }
}

/** One weekly recap of exactly 10 clips (the 10 best scored of the sample week, all approved), thumbnails on `origin`. */
async function writeTenClipRecap(contentDir: string, origin: string): Promise<{ slug: string; clips: number; firstClip: string }> {
  const all = await approvedSources();
  const best = [...all].sort((a, b) => (b.item.content_score ?? 0) - (a.item.content_score ?? 0)).slice(0, 10);
  const sources = best
    .sort((a, b) => a.item.clip_created_at.localeCompare(b.item.clip_created_at))
    .map((s) => cloneSource(s, { id: s.item.clip_id, thumbnailBase: `${origin}/assets/thumbnails` }));
  const range = { start: '2026-01-05T00:00:00.000Z', end: '2026-01-12T00:00:00.000Z' };
  const recap = await buildRecap({ contentType: 'weekly_summary', dateRange: range, sources, generatorVersion: '0.1.0' });
  const location = recapLocation('weekly_summary', range.start);
  const file = join(contentDir, location.path.replace('site/content/recaps/', ''));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, recap.markdown);
  return { slug: location.slug, clips: recap.frontmatter.clips.length, firstClip: recap.frontmatter.clips[0]!.id };
}

interface Response {
  url: string;
  type: string;
  bytes: number;
  status: number;
}

export async function benchPageWeight(options: { chromiumPath?: string } = {}): Promise<PageWeightResult> {
  const executablePath = options.chromiumPath ?? CHROMIUM;
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  const base = await mkdtemp(join(tmpdir(), 'clip-recap-bench-weight-'));
  // The thumbnails' URLs, written into the recap before the build, need the server's port before it starts.
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let server: StaticServer | undefined;
  let context: BrowserContext | undefined;
  try {
    const contentDir = join(base, 'content');
    const outDir = join(base, 'dist');
    const { slug, clips, firstClip } = await writeTenClipRecap(contentDir, origin);
    log(`building the site with one ${clips}-clip recap...`);
    await buildOurSite({ contentDir, outDir, cacheDir: join(base, 'cache'), siteUrl: origin });
    log(`built ${await countPages(outDir)} pages`);

    // A fresh profile in the temp folder, removed with it.
    context = await chromium.launchPersistentContext(join(base, 'profile'), { executablePath, headless: true, args: CHROMIUM_ARGS, viewport: VIEWPORT });
    const thumbnail = await makeThumbnail(context);
    if (thumbnail[0] !== 0xff || thumbnail[1] !== 0xd8) throw new Error('the thumbnail is not a JPEG');
    log(`thumbnails: a ${thumbnail.length}-byte 480x270 JPEG`);
    server = await serveStatic(outDir, port, {
      extra: (pathname) =>
        /^\/assets\/thumbnails\/[A-Za-z0-9_-]+\.jpg$/.test(pathname)
          ? { contentType: 'image/jpeg', body: thumbnail, headers: { 'Cache-Control': 'public, max-age=86400' } }
          : undefined,
    });
    const probe = await fetch(`${origin}/assets/thumbnails/${firstClip}.jpg`);
    if (probe.headers.get('content-type') !== 'image/jpeg' || (await probe.arrayBuffer()).byteLength !== thumbnail.length) throw new Error('the thumbnail server does not answer');

    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const pending = new Map<string, { url: string; type: string; status: number }>();
    const responses: Response[] = [];
    cdp.on('Network.requestWillBeSent', (e) => pending.set(e.requestId, { url: e.request.url, type: e.type ?? 'Other', status: 0 }));
    cdp.on('Network.responseReceived', (e) => {
      const r = pending.get(e.requestId);
      if (r) Object.assign(r, { type: e.type, status: e.response.status });
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = pending.get(e.requestId);
      if (r) responses.push({ ...r, bytes: e.encodedDataLength });
      pending.delete(e.requestId);
    });
    cdp.on('Network.loadingFailed', (e) => {
      const r = pending.get(e.requestId);
      if (r) responses.push({ ...r, type: e.type, bytes: 0 });
      pending.delete(e.requestId);
    });
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });

    const path = `/recaps/${slug}/`;
    await page.goto(origin + path, { waitUntil: 'networkidle' });
    // Requests still open at network idle (none expected) are counted with the bytes they have so far: none.
    for (const r of pending.values()) responses.push({ ...r, bytes: 0 });

    // Inline scripts that are JavaScript (JSON-LD and other data blocks are not), as UTF-8 bytes.
    const inlineJs = await page.evaluate(() =>
      [...document.querySelectorAll('script:not([src])')]
        .filter((s) => {
          const type = (s.getAttribute('type') ?? '').trim().toLowerCase();
          return type === '' || type === 'module' || type.includes('javascript');
        })
        .reduce((sum, s) => sum + new TextEncoder().encode(s.textContent ?? '').length, 0),
    );
    const images = await page.evaluate(() => [...document.images].map((img) => ({ top: Math.round(img.getBoundingClientRect().top), loaded: img.complete && img.naturalWidth > 0 })));
    log(`${images.filter((i) => i.loaded).length} of ${images.length} images loaded without scrolling (tops at ${images.map((i) => i.top).join(', ')} px; viewport ${VIEWPORT.height} px high, lazy loading)`);
    const pageFacades = await page.locator('.facade[data-clip]').count();
    if (pageFacades !== clips) throw new Error(`the page shows ${pageFacades} clip facades, the recap has ${clips}`);

    // External scripts: their body size (decoded), for "our JavaScript" (transfer sizes include headers).
    let externalJsBody = 0;
    for (const [, r] of responses.entries()) {
      if (r.type !== 'Script' || !r.url.startsWith(origin)) continue;
      externalJsBody += (await (await fetch(r.url)).arrayBuffer()).byteLength;
    }

    const counted = responses.filter((r) => !r.url.startsWith('data:'));
    const byType: Record<string, ByType> = {};
    for (const r of counted) {
      const t = (byType[r.type] ??= { requests: 0, bytes: 0 });
      t.requests++;
      t.bytes += r.bytes;
    }
    for (const r of counted) log(`  ${r.type.padEnd(10)} ${String(r.bytes).padStart(7)} B  ${r.status}  ${r.url}`);
    const hosts = [...new Set(counted.map((r) => new URL(r.url).hostname))].sort();
    const thirdParty = counted.filter((r) => !LOCAL_HOSTS.has(new URL(r.url).hostname));
    const twitch = counted.filter((r) => TWITCH_HOST.test(new URL(r.url).hostname));
    if (twitch.length) log(`WARNING: Twitch requested before interaction: ${twitch.map((r) => r.url).join(', ')}`);
    const sum = (types: string[]) => counted.filter((r) => types.includes(r.type)).reduce((s, r) => s + r.bytes, 0);

    return {
      page: path,
      clips,
      before_interaction: {
        bytes: counted.reduce((s, r) => s + r.bytes, 0),
        requests: counted.length,
        js_bytes: sum(['Script']) + inlineJs,
        third_party_requests: thirdParty.length,
        by_type: byType,
        hosts,
      },
      our_js_bytes: externalJsBody + inlineJs,
      total_html_css_js_bytes: sum(['Document', 'Stylesheet', 'Script']),
    };
  } finally {
    await context?.close();
    await server?.close();
    await rm(base, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchPageWeight(), null, 2));
}
