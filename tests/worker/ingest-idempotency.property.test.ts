// Property 3: the clip_ingest job over a real HelixClient (its fetch answered in-process by a small Helix model,
// since workerd cannot host a server) and the local D1/R2: a second run over the same data creates and changes
// nothing; a clip whose title or view count changed is refreshed, the others are unchanged.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HelixClient, memoryTokenCache, type HelixClip } from '../../content-pipeline/index.ts';
import { parseEnv } from '../../worker/env.ts';
import { runClipIngest, type ClipIngestResults } from '../../worker/jobs/clip-ingest.ts';
import { createServices } from '../../worker/services.ts';
import { helixClip } from '../support/clips.ts';

fc.configureGlobal({ seed: 20_261_124 });
const BROADCASTER_ID = '141981764';
const RANGE = { start: '2026-04-01T00:00:00Z', end: '2026-04-02T00:00:00Z' };
let run = 0;

function helixFor(clips: () => HelixClip[]) {
  const fakeFetch = (async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
    if (url.pathname === '/oauth2/token') return json({ access_token: 't', expires_in: 3600 });
    const from = Math.floor(Date.parse(url.searchParams.get('started_at')!) / 60_000) * 60_000;
    const to = Math.floor(Date.parse(url.searchParams.get('ended_at')!) / 60_000) * 60_000;
    const offset = Number(url.searchParams.get('after') ?? 0);
    const matching = clips().filter((c) => Date.parse(c.created_at) >= from && Date.parse(c.created_at) < to).sort((a, b) => b.view_count - a.view_count);
    const page = matching.slice(offset, offset + 3);
    return json({ data: page, pagination: offset + 3 < matching.length ? { cursor: String(offset + 3) } : {} });
  }) as typeof fetch;
  return new HelixClient(
    { apiBase: 'http://helix.test', authBase: 'http://helix.test', clientId: 'id', clientSecret: 's', windowMs: 6 * 3_600_000 },
    memoryTokenCache(),
    { fetch: fakeFetch, sleep: async () => {}, now: () => Date.now(), random: () => 0.5 },
  );
}

async function ingest(clips: () => HelixClip[]): Promise<ClipIngestResults> {
  const services = createServices(parseEnv(env as never));
  const jobsQueue = { send: async () => {}, sendBatch: async () => {} };
  return runClipIngest({ job: {} as never, request: { broadcaster_id: BROADCASTER_ID, date_range: RANGE }, services: { ...services, helix: helixFor(clips), jobsQueue } as never, progress: async () => {} });
}

const rows = async (prefix: string) =>
  (await env.DB.prepare("SELECT content_item_id, version, item_json FROM content_items WHERE item_json LIKE ? ORDER BY 1").bind(`%"clip_id":"${prefix}%`).all()).results;

describe('clip ingest idempotency', () => {
  it('creates nothing on a re-run and refreshes exactly the clips whose title or view count changed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
            second: fc.integer({ min: 0, max: 59 }),
            views: fc.nat(1000),
            title: fc.string({ maxLength: 30 }),
            change: fc.constantFrom('none', 'none', 'views', 'title', 'both', 'whitespace'),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (specs) => {
          const prefix = `p${++run}x`;
          const clips = specs.map((s, i) =>
            helixClip(`${prefix}${i}`, { broadcaster_id: BROADCASTER_ID, title: s.title, view_count: s.views, created_at: new Date(Date.parse(RANGE.start) + s.minute * 60_000 + s.second * 1000).toISOString() }),
          );
          const first = await ingest(() => clips);
          expect(first).toMatchObject({ clips_found: clips.length, created: clips.length, refreshed: 0, unchanged: 0 });
          const before = await rows(prefix);
          expect(before).toHaveLength(clips.length);
          const again = await ingest(() => clips);
          expect(again).toMatchObject({ clips_found: clips.length, created: 0, refreshed: 0, unchanged: clips.length });
          expect(await rows(prefix)).toEqual(before);

          const changed = clips.map((c, i) => {
            const s = specs[i]!;
            if (s.change === 'views') return { ...c, view_count: c.view_count + 1 };
            if (s.change === 'title') return { ...c, title: `${c.title}!` };
            if (s.change === 'both') return { ...c, title: `new ${c.title}`, view_count: c.view_count + 5 };
            if (s.change === 'whitespace') return { ...c, title: `  ${c.title}\n` };
            return c;
          });
          const expectRefreshed = specs.filter((s) => s.change === 'views' || s.change === 'title' || s.change === 'both').length;
          const third = await ingest(() => changed);
          expect(third).toMatchObject({ created: 0, refreshed: expectRefreshed, unchanged: clips.length - expectRefreshed });
          const after = new Map((await rows(prefix)).map((r) => [r.content_item_id, r]));
          for (const r of before) {
            const now = after.get(r.content_item_id)!;
            const item = JSON.parse(String(now.item_json));
            const spec = specs[Number(String(item.clip_id).slice(prefix.length))]!;
            if (spec.change === 'none' || spec.change === 'whitespace') expect(now).toEqual(r);
            else expect({ title: item.clip_title, views: item.clip_view_count }).toEqual({ title: changed[Number(String(item.clip_id).slice(prefix.length))]!.title.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 500), views: changed[Number(String(item.clip_id).slice(prefix.length))]!.view_count });
          }
          const fourth = await ingest(() => changed);
          expect(fourth).toMatchObject({ created: 0, refreshed: 0, unchanged: clips.length });
        },
      ),
      { numRuns: 25 },
    );
  });
});
