// The Helix client over real HTTP against the local fake Twitch: tokens, 401 refresh, pagination, windows and the
// result cap, 429 with Ratelimit-Reset, bounded 5xx retries, malformed clips kept apart.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HelixClient, HttpError, memoryTokenCache, splitWindows, type HttpDeps } from '../../content-pipeline/index.ts';
import { FakeHelix } from '../../scripts/sandbox/fake-helix.ts';
import { helixClip } from '../support/clips.ts';

const DAY = 86_400_000;
const START = Date.parse('2026-01-05T00:00:00Z');
const clips = Array.from({ length: 250 }, (_, i) =>
  helixClip(`clip${String(i).padStart(3, '0')}`, {
    created_at: new Date(START + i * 10 * 60_000).toISOString().replace('.000Z', 'Z'),
    view_count: 1000 - i,
  }),
);

const helix = new FakeHelix({ users: [{ id: '141981764', login: 'twitchdev', display_name: 'TwitchDev' }], clips });
let sleeps: number[] = [];
const deps: HttpDeps = {
  fetch: (input, init) => fetch(input, init),
  sleep: async (ms) => void sleeps.push(ms),
  now: () => Date.now(),
  random: () => 0.5,
};
const client = (windowMs = DAY) =>
  new HelixClient(
    { apiBase: helix.baseUrl, authBase: helix.baseUrl, clientId: 'fake-client-id', clientSecret: 'fake-client-secret', windowMs },
    memoryTokenCache(),
    deps,
  );

beforeAll(async () => {
  await helix.start();
});
afterAll(() => helix.stop());
beforeEach(() => {
  sleeps = [];
  helix.log.length = 0;
  helix.faults.length = 0;
});

describe('HelixClient', () => {
  it('resolves logins with one token', async () => {
    const c = client();
    expect(await c.usersByLogin(['TwitchDev', 'nobody'])).toEqual(new Map([['twitchdev', '141981764']]));
    await c.usersByLogin(['twitchdev']);
    expect(helix.log.filter((e) => e.path === '/oauth2/token')).toHaveLength(1);
  });

  it('lists every clip of a range across windows and pages, once each', async () => {
    const listing = await client(DAY).listClips('141981764', START, START + 2 * DAY);
    expect(listing.clips.map((c) => c.id).sort()).toEqual(clips.map((c) => c.id).sort());
    expect(listing.invalid).toEqual([]);
    expect(listing.windows).toBe(2);
    const pages = helix.log.filter((e) => e.path === '/helix/clips');
    expect(pages.some((p) => p.query.after !== undefined)).toBe(true);
    expect(pages.every((p) => p.query.first?.[0] === '100' && /:\d\d:00Z$/.test(p.query.started_at![0]!))).toBe(true);
  });

  it('halves a window that reaches the result cap instead of losing clips', async () => {
    const capped = new FakeHelix({ users: [], clips, resultCap: 100 });
    await capped.start();
    try {
      const c = new HelixClient(
        { apiBase: capped.baseUrl, authBase: capped.baseUrl, clientId: 'fake-client-id', clientSecret: 'fake-client-secret', windowMs: 2 * DAY, resultCap: 100 },
        memoryTokenCache(),
        deps,
      );
      const listing = await c.listClips('141981764', START, START + 2 * DAY);
      expect(listing.clips).toHaveLength(250);
      expect(listing.windows).toBeGreaterThan(3);
    } finally {
      await capped.stop();
    }
  });

  it('only returns clips inside the range', async () => {
    const listing = await client().listClips('141981764', START + 60 * 60_000, START + 120 * 60_000);
    expect(listing.clips.map((c) => c.id)).toEqual(['clip006', 'clip007', 'clip008', 'clip009', 'clip010', 'clip011']);
  });

  it('waits for Ratelimit-Reset on 429, then goes on', async () => {
    helix.faults.push({ status: 429, resetInSeconds: 30 });
    const listing = await client().listClips('141981764', START, START + 60 * 60_000);
    expect(listing.clips).toHaveLength(6);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(28_000);
    expect(sleeps[0]).toBeLessThanOrEqual(31_100);
  });

  it('refuses to wait for a rate-limit reset past its budget', async () => {
    helix.faults.push({ status: 429, resetInSeconds: 3600 });
    await expect(client().listClips('141981764', START, START + DAY)).rejects.toThrow(/rate limited/);
  });

  it('gives up on 429s that keep coming, whatever reset they announce', async () => {
    // A reset already past (a clock skewed against Twitch's) asks for ~0.1 s each time: bounded, not for ever.
    helix.faults.push(...Array.from({ length: 6 }, () => ({ status: 429 as const, resetInSeconds: -5 })));
    const error = await client().listClips('141981764', START, START + DAY).catch((e) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toMatch(/still rate limited by .* after 6 attempts/);
    expect(sleeps).toHaveLength(5);
  });

  it('retries 5xx with growing jittered backoff, and gives up after the bound', async () => {
    helix.faults.push({ status: 503 }, { status: 500 });
    expect((await client().listClips('141981764', START, START + 60 * 60_000)).clips).toHaveLength(6);
    expect(sleeps).toEqual([125, 250]);

    sleeps = [];
    helix.faults.push(...Array.from({ length: 5 }, () => ({ status: 502 as const })));
    const error = await client().listClips('141981764', START, START + DAY).catch((e) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toMatch(/failed after 5 attempts \(HTTP 502\)/);
    expect(sleeps).toEqual([125, 250, 500, 1000]);
  });

  it('gets a new token when the old one stops working', async () => {
    const c = client();
    await c.usersByLogin(['twitchdev']);
    const issued = helix.tokensIssued;
    helix.expireTokens();
    expect(await c.usersByLogin(['twitchdev'])).toEqual(new Map([['twitchdev', '141981764']]));
    expect(helix.tokensIssued).toBe(issued + 1);
    expect(helix.log.map((e) => e.status)).toContain(401);
  });

  it('says which credentials are wrong', async () => {
    const c = new HelixClient({ apiBase: helix.baseUrl, authBase: helix.baseUrl, clientId: 'fake-client-id', clientSecret: 'wrong' }, memoryTokenCache(), deps);
    await expect(c.usersByLogin(['twitchdev'])).rejects.toThrow(/TWITCH_CLIENT_SECRET/);
  });

  it('keeps malformed clips apart with the failing field, and goes on', async () => {
    const bad = new FakeHelix({
      clips: [
        helixClip('good1', { created_at: '2026-01-05T01:00:00Z' }),
        { ...helixClip('broken', { created_at: '2026-01-05T01:01:00Z' }), view_count: 'lots' },
        { id: 'no-fields', broadcaster_id: '141981764', created_at: '2026-01-05T01:02:00Z' },
        helixClip('good2', { created_at: '2026-01-05T01:03:00Z' }),
      ],
    });
    await bad.start();
    try {
      const c = new HelixClient({ apiBase: bad.baseUrl, authBase: bad.baseUrl, clientId: 'fake-client-id', clientSecret: 'fake-client-secret' }, memoryTokenCache(), deps);
      const listing = await c.listClips('141981764', START, START + DAY);
      expect(listing.clips.map((c) => c.id).sort()).toEqual(['good1', 'good2']);
      expect(listing.invalid.map((i) => i.clipId).sort()).toEqual(['broken', 'no-fields']);
      expect(listing.invalid.find((i) => i.clipId === 'broken')!.message).toContain('view_count');
    } finally {
      await bad.stop();
    }
  });
});

describe('splitWindows', () => {
  it('covers the range in minute-aligned windows', () => {
    expect(splitWindows(90_000, 400_000, 120_000)).toEqual([
      [60_000, 180_000],
      [180_000, 300_000],
      [300_000, 420_000],
    ]);
  });
});

describe('a Helix that gives the same cursor back', () => {
  it('stops paging a window at a cursor it has seen, instead of fetching the same page for ever', async () => {
    const five = Array.from({ length: 5 }, (_, i) => helixClip(`loop${i}`, { created_at: '2026-01-05T00:10:00Z' }));
    let pages = 0;
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (req.url?.startsWith('/oauth2/token')) return res.end(JSON.stringify({ access_token: 't', expires_in: 3600 }));
      pages++;
      res.end(JSON.stringify({ data: five, pagination: { cursor: 'SAME' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const looping = new HelixClient({ apiBase: base, authBase: base, clientId: 'x', clientSecret: 'y', windowMs: 3_600_000 }, memoryTokenCache(), deps);
      const listing = await looping.listClips('1', START, START + 3_600_000);
      expect(listing.clips.map((c) => c.id)).toEqual(five.map((c) => c.id));
      expect(pages).toBe(2);
    } finally {
      server.close();
    }
  });
});

describe('a minute with more clips than Helix returns for one query', () => {
  const crowded = Array.from({ length: 5 }, (_, i) => helixClip(`crowd${i}`, { created_at: `2026-01-05T00:00:${String(10 + i)}Z`, view_count: 100 - i }));
  const small = new FakeHelix({ clips: crowded, resultCap: 3 });
  beforeAll(() => small.start());
  afterAll(() => small.stop());

  it('is reported as truncated, not passed off as the whole minute', async () => {
    const capped = new HelixClient({ apiBase: small.baseUrl, authBase: small.baseUrl, clientId: 'fake-client-id', clientSecret: 'fake-client-secret', resultCap: 3 }, memoryTokenCache(), deps);
    const listing = await capped.listClips('141981764', START, START + DAY);
    expect(listing.clips).toHaveLength(3);
    expect(listing.truncated).toEqual([{ from: '2026-01-05T00:00:00.000Z', to: '2026-01-05T00:01:00.000Z' }]);
  });
});
