// Property tests of HelixClient.listClips over real HTTP against a local fake Helix modelled on field-notes:
// seconds in started_at/ended_at ignored, results ordered by views, a result cap per query (pagination included),
// page size and opaque cursors. Property 1: completeness and uniqueness; property 2: robustness against cursor
// misbehaviour, 429/5xx and malformed clips.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelixClient, HttpError, memoryTokenCache, type HttpDeps } from '../../content-pipeline/index.ts';
import { helixClip } from '../support/clips.ts';

const MINUTE = 60_000;
const T0 = Date.parse('2026-01-05T00:00:00Z');
const BROADCASTER = '141981764';

type Misbehaviour = 'none' | 'repeat' | 'skip' | 'empty' | 'beyondCap' | 'stuck';
type Fault = { kind: 'ok' } | { kind: '429-retry-after'; seconds: number } | { kind: '429-reset-epoch'; seconds: number } | { kind: '429-reset-delta'; seconds: number } | { kind: '5xx'; status: number };

interface Model {
  clips: Array<Record<string, unknown> | unknown>;
  /** When set, the time each entry of `clips` was created (malformed bodies may have no usable created_at). */
  at?: number[];
  cap: number;
  maxPage: number;
  /** Chosen per clips request, cycling. */
  misbehaviours: Misbehaviour[];
  /** Answered, in order, before normal answers. */
  faults: Fault[];
}

let model: Model = { clips: [], cap: 1000, maxPage: 100, misbehaviours: ['none'], faults: [] };
let clipRequests = 0;
let allRequests = 0;
let server: Server;
let base = '';

const createdOf = (c: unknown) => Date.parse(String((c as { created_at?: unknown } | null)?.created_at));
const viewsOf = (c: unknown) => Number((c as { view_count?: unknown } | null)?.view_count ?? 0) || 0;
const idOf = (c: unknown) => String((c as { id?: unknown } | null)?.id ?? '');

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    allRequests++;
    const url = new URL(req.url ?? '/', 'http://fake');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/oauth2/token') return send(200, { access_token: 'tok', expires_in: 3600, token_type: 'bearer' });
    const fault = model.faults.shift();
    if (fault && fault.kind !== 'ok') {
      if (fault.kind === '5xx') return send(fault.status, { message: 'scripted' });
      const headers: Record<string, string> =
        fault.kind === '429-retry-after'
          ? { 'Retry-After': String(fault.seconds) }
          : fault.kind === '429-reset-epoch'
            ? { 'Ratelimit-Limit': '800', 'Ratelimit-Remaining': '0', 'Ratelimit-Reset': String(Math.ceil(Date.now() / 1000) + fault.seconds) }
            : { 'RateLimit-Reset': String(fault.seconds) };
      return send(429, { message: 'Too Many Requests' }, headers);
    }
    if (url.pathname !== '/helix/clips') return send(404, {});
    const behaviour = model.misbehaviours[clipRequests++ % model.misbehaviours.length]!;
    const minute = (iso: string | null) => (iso ? Math.floor(Date.parse(iso) / MINUTE) * MINUTE : Number.NaN);
    const from = minute(url.searchParams.get('started_at'));
    const to = minute(url.searchParams.get('ended_at'));
    const after = url.searchParams.get('after');
    const offset = after ? Number(Buffer.from(after.split('.')[0]!, 'base64url').toString()) : 0;
    const first = Math.min(model.maxPage, Number(url.searchParams.get('first') ?? 20));
    const all = model.clips
      .filter((c, i) => {
        const t = model.at ? model.at[i]! : createdOf(c);
        return t >= from && t < to;
      })
      .sort((a, b) => viewsOf(b) - viewsOf(a) || idOf(a).localeCompare(idOf(b)));
    const matching = behaviour === 'beyondCap' ? all : all.slice(0, model.cap);
    const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
    if (behaviour === 'empty') return send(200, { data: [], pagination: { cursor: cursor(offset) } });
    const page = matching.slice(offset, offset + first);
    const nextOffset = behaviour === 'skip' ? offset + 2 * first : offset + first;
    let next = nextOffset < matching.length ? cursor(nextOffset) : undefined;
    if (behaviour === 'repeat') next = after ?? cursor(0);
    // At the end of the results, the same page again under a new cursor (twitchdev/issues#1045: only a character of
    // the cursor changes). Mid-listing, a cursor that never advances would hide the rest from any client.
    if (behaviour === 'stuck' && page.length > 0 && next === undefined) next = Buffer.from(`${offset}`).toString('base64url') + '.' + clipRequests;
    if (behaviour === 'beyondCap' && next === undefined && page.length > 0) next = cursor(nextOffset);
    return send(200, { data: page, pagination: next ? { cursor: next } : {} });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const deps: HttpDeps = { fetch: (i, init) => fetch(i, init), sleep: async () => {}, now: () => Date.now(), random: () => 0.5 };
const client = (windowMs: number, resultCap: number) =>
  new HelixClient({ apiBase: base, authBase: base, clientId: 'id', clientSecret: 'secret', windowMs, resultCap }, memoryTokenCache(), deps);

const iso = (ms: number) => new Date(ms).toISOString();

/** A range, a window size, and clip times: uniform, clustered in a minute or second, and on edges. */
const scenario = fc
  .record({
    startOffset: fc.integer({ min: 0, max: 3 * 60 * MINUTE }),
    duration: fc.integer({ min: 1, max: 2 * 24 * 60 * MINUTE }),
    windowMs: fc.constantFrom(MINUTE, 2 * MINUTE, 7 * MINUTE, 60 * MINUTE, 90_500, 24 * 60 * MINUTE, 3 * 24 * 60 * MINUTE),
    cap: fc.integer({ min: 2, max: 12 }),
    maxPage: fc.integer({ min: 1, max: 5 }),
    picks: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('uniform' as const), u: fc.double({ min: -0.05, max: 1.05, noNaN: true }) }),
        fc.record({ kind: fc.constant('edge' as const), which: fc.constantFrom('start', 'end', 'end-1', 'start-1', 'startMinute', 'endMinute', 'endMinute-1'), n: fc.integer({ min: 1, max: 3 }) }),
        fc.record({ kind: fc.constant('minuteCluster' as const), u: fc.double({ min: 0, max: 1, noNaN: true }), n: fc.integer({ min: 1, max: 16 }) }),
        fc.record({ kind: fc.constant('secondCluster' as const), u: fc.double({ min: 0, max: 1, noNaN: true }), n: fc.integer({ min: 1, max: 16 }) }),
      ),
      { maxLength: 12 },
    ),
  })
  .map((s) => {
    const start = T0 + s.startOffset;
    const end = start + s.duration;
    const times: number[] = [];
    for (const p of s.picks) {
      if (p.kind === 'uniform') times.push(Math.floor(start + p.u * s.duration));
      else if (p.kind === 'edge') {
        const t = { start, end, 'end-1': end - 1, 'start-1': start - 1, startMinute: Math.floor(start / MINUTE) * MINUTE, endMinute: Math.floor(end / MINUTE) * MINUTE, 'endMinute-1': Math.floor(end / MINUTE) * MINUTE - 1 }[p.which];
        for (let i = 0; i < p.n; i++) times.push(t);
      } else if (p.kind === 'minuteCluster') {
        const m = Math.floor((start + p.u * s.duration) / MINUTE) * MINUTE;
        for (let i = 0; i < p.n; i++) times.push(m + ((i * 7919) % MINUTE));
      } else {
        const sec = Math.floor((start + p.u * s.duration) / 1000) * 1000;
        for (let i = 0; i < p.n; i++) times.push(sec + (i % 1000));
      }
    }
    const clips = times.map((t, i) => helixClip(`c${i}`, { created_at: iso(t), view_count: (i * 37) % 11 }));
    return { ...s, start, end, clips };
  });

describe('listClips property 1: completeness and uniqueness', () => {
  it('returns every clip in [start, end) exactly once, none outside; loses clips only in reported one-minute windows over the cap', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ start, end, windowMs, cap, maxPage, clips }) => {
        model = { clips, cap, maxPage, misbehaviours: ['none'], faults: [] };
        const listing = await client(windowMs, cap).listClips(BROADCASTER, start, end);
        const ids = listing.clips.map((c) => c.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(listing.invalid).toEqual([]);
        const inRange = clips.filter((c) => Date.parse(c.created_at) >= start && Date.parse(c.created_at) < end);
        for (const c of listing.clips) expect(Date.parse(c.created_at) >= start && Date.parse(c.created_at) < end).toBe(true);
        // Clips per minute, over the minute-widened range the client asks for.
        const perMinute = new Map<number, number>();
        for (const c of clips) {
          const m = Math.floor(Date.parse(c.created_at) / MINUTE) * MINUTE;
          if (m >= Math.floor(start / MINUTE) * MINUTE && m < Math.ceil(end / MINUTE) * MINUTE) perMinute.set(m, (perMinute.get(m) ?? 0) + 1);
        }
        const overfull = [...perMinute].filter(([, n]) => n > cap).map(([m]) => m);
        const truncated = listing.truncated.map((w) => Date.parse(w.from));
        for (const w of listing.truncated) expect(Date.parse(w.to) - Date.parse(w.from)).toBe(MINUTE);
        // Every minute over the cap is reported; a reported minute did reach the cap.
        for (const m of overfull) expect(truncated).toContain(m);
        for (const m of truncated) expect(perMinute.get(m) ?? 0).toBeGreaterThanOrEqual(cap);
        // Nothing is lost outside reported minutes.
        const returned = new Set(ids);
        for (const c of inRange) {
          if (!truncated.includes(Math.floor(Date.parse(c.created_at) / MINUTE) * MINUTE)) expect(returned.has(c.id), `${c.id} at ${c.created_at}`).toBe(true);
        }
        // Inside a reported minute the client keeps what Helix gave (cap clips of the minute, in range or not).
        for (const m of truncated) {
          const got = listing.clips.filter((c) => Math.floor(Date.parse(c.created_at) / MINUTE) * MINUTE === m).length;
          const inRangeThere = inRange.filter((c) => Math.floor(Date.parse(c.created_at) / MINUTE) * MINUTE === m).length;
          expect(got).toBeLessThanOrEqual(Math.min(cap, inRangeThere));
        }
      }),
      { numRuns: 150 },
    );
  });
});

/** Malformed clip bodies, each with the field its message must name (undefined: the whole clip). */
const malformedKinds: Array<[string, (id: string, createdAt: string) => unknown, string | undefined]> = [
  ['view_count', (id, at) => ({ ...helixClip(id, { created_at: at }), view_count: 'lots' }), 'view_count'],
  ['title', (id, at) => { const { title: _t, ...rest } = helixClip(id, { created_at: at }); return rest; }, 'title'],
  ['url', (id, at) => ({ ...helixClip(id, { created_at: at }), url: 'javascript:alert(1)' }), 'url'],
  ['created_at', (id) => ({ ...helixClip(id), created_at: 'yesterday' }), 'created_at'],
  ['thumbnail_url', (id, at) => ({ ...helixClip(id, { created_at: at }), thumbnail_url: null }), 'thumbnail_url'],
  ['duration', (id, at) => ({ ...helixClip(id, { created_at: at }), duration: -3 }), 'duration'],
  ['id', (_id, at) => ({ ...helixClip('x', { created_at: at }), id: 'has space!' }), 'id'],
  ['null', () => null, undefined],
  ['number', () => 42, undefined],
];

const robustScenario = fc.record({
  startMinute: fc.integer({ min: 0, max: 180 }),
  minutes: fc.integer({ min: 1, max: 240 }),
  windowMs: fc.constantFrom(MINUTE, 5 * MINUTE, 60 * MINUTE, 24 * 60 * MINUTE),
  cap: fc.integer({ min: 2, max: 10 }),
  maxPage: fc.integer({ min: 1, max: 4 }),
  good: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 20 }),
  bad: fc.array(fc.record({ u: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), kind: fc.integer({ min: 0, max: malformedKinds.length - 1 }) }), { maxLength: 5 }),
  misbehaviours: fc.array(fc.constantFrom<Misbehaviour>('none', 'none', 'repeat', 'skip', 'empty', 'beyondCap'), { minLength: 1, maxLength: 6 }),
  faults: fc.array(
    fc.oneof(
      fc.constant(null),
      fc.record({ kind: fc.constantFrom('429-retry-after' as const, '429-reset-epoch' as const, '429-reset-delta' as const), seconds: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ kind: fc.constant('5xx' as const), status: fc.constantFrom(500, 502, 503, 504) }),
    ),
    { maxLength: 12 },
  ),
});

/** Upper bound on the clip requests a sane client needs: windows it can be forced to query, times pages per window. */
function requestBound(n: number, cap: number, maxPage: number, minutes: number, windowMs: number) {
  const initial = Math.ceil((minutes * MINUTE) / Math.max(MINUTE, windowMs)) + 1;
  const depth = Math.ceil(Math.log2(Math.max(1, windowMs / MINUTE))) + 1;
  const windows = initial + 2 * Math.ceil(n / cap) * depth;
  const pagesPerWindow = Math.ceil((cap + 100) / maxPage) + 3;
  return windows * pagesPerWindow;
}

describe('listClips property 2: robustness', () => {
  it('ends, never crashes, stays within a request bound and keeps malformed clips apart with the failing field', async () => {
    await fc.assert(
      fc.asyncProperty(robustScenario, async (s) => {
        const start = T0 + s.startMinute * MINUTE;
        const end = start + s.minutes * MINUTE;
        const at: number[] = [];
        const clips: unknown[] = [];
        s.good.forEach((u, i) => {
          const t = start + Math.floor(u * (end - start));
          at.push(t);
          clips.push(helixClip(`g${i}`, { created_at: iso(t), view_count: i % 5 }));
        });
        const expectedInvalid: Array<{ id: string | undefined; field: string | undefined; at: number }> = [];
        s.bad.forEach(({ u, kind }, i) => {
          const t = start + Math.floor(u * (end - start));
          const [, make, field] = malformedKinds[kind]!;
          const body = make(`b${i}`, iso(t));
          at.push(t);
          clips.push(body);
          expectedInvalid.push({ id: typeof (body as { id?: unknown } | null)?.id === 'string' ? (body as { id: string }).id : undefined, field, at: t });
        });
        // At most two faults of a kind between successes: within the retry budget, so the listing must succeed.
        const faults: Fault[] = [];
        let run5xx = 0;
        let run429 = 0;
        for (const f of s.faults) {
          if (f === null) {
            run5xx = run429 = 0;
            faults.push({ kind: 'ok' });
            continue;
          }
          if (f.kind === '5xx' ? run5xx >= 2 : run429 >= 2) continue;
          if (f.kind === '5xx') run5xx++;
          else run429++;
          faults.push(f);
        }
        model = { clips, at, cap: s.cap, maxPage: s.maxPage, misbehaviours: s.misbehaviours, faults };
        clipRequests = 0;
        let listing;
        try {
          listing = await client(s.windowMs, s.cap).listClips(BROADCASTER, start, end);
        } catch (error) {
          // Faults are interleaved with successes so a request's retry budget is never exhausted.
          expect.unreachable(`listClips threw ${error instanceof HttpError ? 'HttpError' : 'a non-HTTP error'}: ${String(error)}`);
        }
        expect(clipRequests).toBeLessThanOrEqual(requestBound(clips.length, s.cap, s.maxPage, s.minutes, s.windowMs) + faults.length);
        const ids = listing.clips.map((c) => c.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const c of listing.clips) expect(c.id.startsWith('g')).toBe(true);
        // Every malformed clip with an id is reported at most once, with its failing field; none passes as good.
        for (const inv of listing.invalid) {
          const known = expectedInvalid.find((e) => e.id !== undefined && e.id === inv.clipId) ?? expectedInvalid.find((e) => e.id === undefined);
          expect(known, `unexpected invalid ${JSON.stringify(inv)}`).toBeDefined();
          if (known!.field) expect(inv.message).toContain(known!.field);
        }
        const invalidIds = listing.invalid.map((i) => i.clipId).filter((id) => id !== undefined);
        expect(new Set(invalidIds).size).toBe(invalidIds.length);
        // With a well-behaved Helix nothing is lost outside reported minutes: every malformed clip is reported.
        if (s.misbehaviours.every((m) => m === 'none')) {
          const truncated = new Set(listing.truncated.map((w) => Date.parse(w.from)));
          for (const e of expectedInvalid) if (e.id !== undefined && !truncated.has(Math.floor(e.at / MINUTE) * MINUTE)) expect(invalidIds).toContain(e.id);
        }
      }),
      { numRuns: 120 },
    );
  });
});

// Found the bug that repeats counted toward the cap (tests/unit/helix-listing-regressions.test.ts).
describe('listClips property 2b: a Helix that serves the same page again under a new cursor', () => {
  it('neither multiplies requests nor reports minutes as truncated that hold fewer clips than the cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          minutes: fc.integer({ min: 1, max: 30 }),
          windowMs: fc.constantFrom(MINUTE, 10 * MINUTE, 60 * MINUTE),
          // More than the clips: no window can reach the cap, so none may be reported.
          cap: fc.integer({ min: 7, max: 20 }),
          maxPage: fc.integer({ min: 1, max: 5 }),
          times: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 6 }),
          misbehaviours: fc.array(fc.constantFrom<Misbehaviour>('none', 'stuck'), { minLength: 1, maxLength: 4 }),
        }),
        async (s) => {
          const start = T0;
          const end = T0 + s.minutes * MINUTE;
          const clips = s.times.map((u, i) => helixClip(`s${i}`, { created_at: iso(start + Math.floor(u * (end - start))), view_count: i }));
          model = { clips, cap: s.cap, maxPage: s.maxPage, misbehaviours: s.misbehaviours, faults: [] };
          clipRequests = 0;
          const listing = await client(s.windowMs, s.cap).listClips(BROADCASTER, start, end);
          expect(listing.clips.map((c) => c.id).sort()).toEqual(clips.map((c) => c.id).sort());
          expect(listing.truncated).toEqual([]);
          expect(clipRequests).toBeLessThanOrEqual(requestBound(clips.length, s.cap, s.maxPage, s.minutes, s.windowMs));
        },
      ),
      { numRuns: 60 },
    );
  });
});
