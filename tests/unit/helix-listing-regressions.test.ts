// Regressions found by tests/unit/helix-listing.property.test.ts, each minimal, over real HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HelixClient, memoryTokenCache, type HttpDeps } from '../../content-pipeline/index.ts';
import { FakeHelix } from '../../scripts/sandbox/fake-helix.ts';
import { helixClip } from '../support/clips.ts';

const START = Date.parse('2026-01-05T00:00:00Z');
const MINUTE = 60_000;
const deps: HttpDeps = { fetch: (i, init) => fetch(i, init), sleep: async () => {}, now: () => Date.now(), random: () => 0.5 };
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe('a Helix that serves the same page again under a cursor that changes (twitchdev/issues#1045)', () => {
  it('does not count the repeats toward the result cap: one clip, one minute, a few requests and nothing truncated', async () => {
    const only = helixClip('only1', { created_at: '2026-01-05T00:00:10Z' });
    let pages = 0;
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (req.url?.startsWith('/oauth2/token')) return res.end(JSON.stringify({ access_token: 't', expires_in: 3600 }));
      pages++;
      // The same one-clip page each time; only the cursor changes.
      res.end(JSON.stringify({ data: [only], pagination: { cursor: `eyJiIjpudWxsfQ${pages}` } }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new HelixClient({ apiBase: base, authBase: base, clientId: 'x', clientSecret: 'y' }, memoryTokenCache(), deps);

    const listing = await client.listClips('141981764', START, START + MINUTE);

    expect(listing.clips.map((c) => c.id)).toEqual(['only1']);
    // Actual: 1,100 pages of the same clip, and the minute reported as truncated though it holds one clip.
    expect.soft(listing.truncated).toEqual([]);
    expect.soft(pages).toBeLessThanOrEqual(5);
  });
});

describe('a malformed clip created outside the requested range', () => {
  it('is not reported, just as a well-formed clip at that time is not returned', async () => {
    const helix = new FakeHelix({
      clips: [
        helixClip('good-before', { created_at: '2026-01-05T00:00:10Z' }),
        { ...helixClip('bad-before', { created_at: '2026-01-05T00:00:20Z' }), view_count: 'lots' },
        helixClip('good-inside', { created_at: '2026-01-05T00:00:40Z' }),
      ],
    });
    await helix.start();
    try {
      const client = new HelixClient({ apiBase: helix.baseUrl, authBase: helix.baseUrl, clientId: 'fake-client-id', clientSecret: 'fake-client-secret' }, memoryTokenCache(), deps);
      // [00:00:30, 00:10:00): both *-before clips are outside it.
      const listing = await client.listClips('141981764', START + 30_000, START + 10 * MINUTE);
      expect(listing.clips.map((c) => c.id)).toEqual(['good-inside']);
      // Actual: [{ clipId: 'bad-before', ... }]; the ingest job then stores a failed item for it.
      expect(listing.invalid.map((i) => i.clipId)).toEqual([]);
    } finally {
      await helix.stop();
    }
  });
});
