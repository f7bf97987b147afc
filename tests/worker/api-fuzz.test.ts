// Property: no signed route answers 5xx, whatever the request shape; every error has the documented shape, and a
// VALIDATION_FAILED names the offending field(s).
import { env, exports } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentItemFromClip, MalformedQueryError, toRfc3339, transition } from '../../content-pipeline/index.ts';
import { ContentItemStore } from '../../worker/storage/content-items.ts';
import { helixClip } from '../support/clips.ts';
import { BASE, signedFetch } from './support.ts';

const T0 = Date.parse('2041-03-01T00:00:00Z');
const ids: string[] = [];

beforeAll(async () => {
  const store = new ContentItemStore(env.DB, env.BUCKET);
  for (let i = 0; i < 12; i++) {
    const now = new Date().toISOString();
    let item = await contentItemFromClip(
      helixClip(`fuzz-${i}`, { created_at: new Date(T0 + i * 5_400_000).toISOString(), view_count: i % 4, duration: 5 + (i % 3) }),
      now,
    );
    if (i % 2) item = transition(item, 'queued', now);
    item = { ...item, ...(i % 3 === 0 && { content_score: i * 7, content_category: 'gaming' as const }) };
    await store.insert(item);
    ids.push(item.content_item_id);
  }
});

// ---------- value generators ----------
const nasty = fc.constantFrom(
  '', ' ', '0', '-1', '-0', '1e309', '-1e309', 'NaN', 'Infinity', '-Infinity', '1.5', '0x10', '1e2', '9007199254740993',
  '99999999999999999999999', 'null', 'true', '[]', '{}', '\u0000', '\u202e', '\ud800', '😀', 'a,b', ',', ',,', 'asc', 'desc',
  'created_at', 'view_count', 'duration', 'content_score', 'queued', 'failed', 'gaming', 'development,gaming', 'pending, queued',
  '2041-03-01T00:00:00Z', '2041-03-02T00:00:00Z', '2041-03-01T00:00:00+14:00', '2041-02-30T00:00:00Z', '2041-03-01T24:00:00Z',
  '2041-03-01T23:59:60Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '0000-01-01T00:00:00+01:00', '9999-12-31T23:59:59-01:00',
  '2041-03-01', '2041-03-01T00:00Z', '2041-03-01T00:00:00.123456789Z', '2041-03-01t00:00:00z', '1970-01-01T00:00:00Z',
  'x'.repeat(401), 'y'.repeat(5000), '01ARZ3NDEKTSV4RRFFQ69G5FAV', '7ZZZZZZZZZZZZZZZZZZZZZZZZZ', 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ',
  'streamdev/clip-recap', 'a/b/c', '../..', '%', '%zz', '+', 'transcript', 'next', 'prev', 'sync', 'async', 'daily_recap',
  'weekly_recap', 'topic_focus', 'twitch', 'WyJjcmVhdGVkX2F0IiwiZGVzYyIsIjIwNDEtMDMtMDFUMDA6MDA6MDAuMDAwWiIsIngiXQ',
);
const anyString = fc.oneof(nasty, fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.base64String({ maxLength: 80 }));
const anyNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 1, 100, 101, 1e308, -1e308, 0.5, 2 ** 53, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 1e21),
);
const scalar = fc.oneof(anyString, anyNumber, fc.boolean(), fc.constant(null));
const anyJson = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.oneof(anyString, fc.constantFrom('start', 'end')), tie('v'), { maxKeys: 3 })),
})).v;

// ---------- routes ----------
const LIST_FIELDS = ['start', 'end', 'broadcaster', 'status', 'category', 'min_views', 'min_duration', 'max_duration', 'min_score', 'sort_by', 'sort_order', 'limit', 'cursor'];
const ODD_FIELDS = ['extra', 'Start', ''];
const JOB_FIELDS = ['limit', 'status', 'cursor', 'direction', 'page'];
const GEN_FIELDS = ['page', 'limit', 'sort_by', 'sort_order', 'date_range', 'filters', 'content_type', 'repository', 'mode', 'idempotency_key'];
const FILTER_FIELDS = ['min_views', 'min_duration', 'max_duration', 'categories', 'min_confidence', 'platform', 'processing_status', 'color'];
const INGEST_FIELDS = ['broadcaster_login', 'broadcaster_id', 'date_range', 'x'];
const BACKFILL_FIELDS = ['repos', 'date_range', 'x'];
const PUBLISH_FIELDS = ['content_type', 'date_range', 'repository', 'topic', 'dry_run', 'x'];

function safeEncode(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?'));
  }
}

const dateRange = fc.oneof(
  fc.record({ start: anyString, end: anyString }),
  fc.constant({ start: '2041-03-01T00:00:00Z', end: '2041-03-02T00:00:00Z' }),
  fc.constant({ start: '2041-03-02T00:00:00Z', end: '2041-03-01T00:00:00Z' }),
  fc.constant({ start: '2041-03-01T00:00:00Z', end: '2041-03-01T00:00:00Z' }),
  fc.constant({ start: '0000-01-01T00:00:00Z', end: '9999-12-31T23:59:59Z' }),
  fc.constant({ start: '2041-03-01T00:00:00Z', end: '2041-04-15T00:00:00Z', extra: 1 }),
  anyJson,
);

const LIST_BASE = { start: '2041-03-01T00:00:00Z', end: '2041-03-02T00:00:00Z' };
const GEN_BASE = { date_range: { start: '2041-03-01T00:00:00Z', end: '2041-03-02T00:00:00Z' }, content_type: 'daily_recap' };

const cursorOf = (parts: unknown) => btoa(unescape(encodeURIComponent(JSON.stringify(parts)))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const goodDate = fc.oneof(
  fc.integer({ min: Date.parse('2041-02-27T00:00:00Z'), max: Date.parse('2041-03-04T00:00:00Z') }).map((ms) => new Date(ms).toISOString()),
  fc.constantFrom('2041-03-01T00:00:00Z', '2041-03-02T00:00:00+02:00', '2041-03-01T12:30:00.5-05:30', '2041-02-01T00:00:00Z', '2041-04-01T00:00:00Z', '2041-03-01T00:00Z'),
);
const csvOf = (values: string[]) => fc.subarray(values, { minLength: 1 }).map((a) => a.join(','));
const cursorArb = fc.oneof(
  fc.tuple(fc.constantFrom('created_at', 'view_count', 'duration', 'content_score', 'x'), fc.constantFrom('asc', 'desc', 'up'), fc.oneof(goodDate, anyNumber, anyString, fc.constant(null)), fc.oneof(fc.constantFrom(...['01ARZ3NDEKTSV4RRFFQ69G5FAV', '']), anyString)).map(cursorOf),
  anyJson.map(cursorOf),
  fc.base64String({ maxLength: 60 }),
  anyString,
);
const GOOD_QUERY: Record<string, fc.Arbitrary<string>> = {
  start: goodDate,
  end: goodDate,
  broadcaster: fc.constantFrom('TwitchDev', 'twitchdev', 'nobody'),
  status: csvOf(['pending', 'queued', 'audio_ready', 'failed']),
  category: csvOf(['gaming', 'development', 'other']),
  min_views: fc.nat(5).map(String),
  min_duration: fc.double({ min: 0, max: 10, noNaN: true }).map(String),
  max_duration: fc.double({ min: 0, max: 10, noNaN: true }).map(String),
  min_score: fc.nat(100).map(String),
  sort_by: fc.constantFrom('created_at', 'view_count', 'duration', 'content_score'),
  sort_order: fc.constantFrom('asc', 'desc'),
  limit: fc.integer({ min: 1, max: 100 }).map(String),
  cursor: cursorArb,
  direction: fc.constantFrom('next', 'prev'),
  include: fc.constant('transcript'),
};
const fieldValue = (k: string) => fc.oneof({ weight: 6, arbitrary: GOOD_QUERY[k] ?? anyString }, { weight: 3, arbitrary: anyString });

/** A query string: each of the route's fields omitted, valid or nasty; sometimes a duplicate or a malformed part. */
function queryArb(fields: string[], base: Record<string, string>) {
  return fc
    .record({
      picks: fc.tuple(...fields.map((k) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: GOOD_QUERY[k] ?? anyString }).map((v) => [k, v] as const))),
      mutations: fc.array(fc.tuple(fc.constantFrom(...fields), fc.oneof(anyString, fc.constant(undefined))), { maxLength: 2 }),
      keepBase: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      dup: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...fields), anyString) }),
      raw: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '&&', '=', 'a=%E0%A4%A', '%00=1', 'start', '&') }),
    })
    .map(({ picks, mutations, keepBase, dup, raw }) => {
      const map = new Map<string, string>(keepBase ? Object.entries(base) : []);
      for (const [k, v] of picks) if (v !== undefined) map.set(k, v);
      for (const [k, v] of mutations) v === undefined ? map.delete(k) : map.set(k, v);
      const parts = [...map].map(([k, v]) => `${encodeURIComponent(k)}=${safeEncode(v)}`);
      if (dup) parts.push(`${encodeURIComponent(dup[0])}=${safeEncode(dup[1])}`);
      if (raw) parts.push(raw);
      return parts.join('&');
    });
}

const goodRange = fc.oneof(
  fc.tuple(goodDate, goodDate).map(([start, end]) => ({ start, end })),
  fc.constant({ start: '2041-03-01T00:00:00Z', end: '2041-03-02T00:00:00Z' }),
  fc.constant({ start: '2041-02-15T00:00:00Z', end: '2041-03-15T00:00:00Z' }),
);
const GOOD_BODY: Record<string, fc.Arbitrary<unknown>> = {
  page: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom(1e6, 2 ** 31, Number.MAX_SAFE_INTEGER, 2 ** 53 / 100)),
  limit: fc.integer({ min: 1, max: 100 }),
  sort_by: fc.constantFrom('created_at', 'view_count', 'duration', 'content_score'),
  sort_order: fc.constantFrom('asc', 'desc'),
  date_range: goodRange,
  filters: fc.record(
    {
      min_views: fc.nat(10),
      min_duration: fc.double({ min: 0, max: 10, noNaN: true }),
      max_duration: fc.double({ min: 0, max: 1e300, noNaN: true }),
      categories: fc.subarray(['gaming', 'development', 'other'], { minLength: 1 }),
      min_confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      platform: fc.constantFrom('twitch', 'youtube', 'unknown'),
      processing_status: fc.subarray(['pending', 'queued', 'failed'], { minLength: 1 }),
    },
    { requiredKeys: [] },
  ),
  content_type: fc.constantFrom('daily_recap', 'weekly_recap', 'topic_focus'),
  repository: fc.constantFrom('streamdev/clip-recap', 'StreamDev/Clip-Recap', 'a/b'),
  mode: fc.constantFrom('sync', 'async'),
  idempotency_key: fc.string({ minLength: 1, maxLength: 20 }).map((k) => k.replace(/[^\x21-\x7e]/g, 'k')),
  broadcaster_login: fc.constantFrom('nobody', 'twitchdev'),
  broadcaster_id: fc.constantFrom('141981764', '1'),
  repos: fc.subarray(['streamdev/clip-recap', 'streamdev/payments-api'], { minLength: 1 }),
  topic: fc.constantFrom('Cursor pagination', '!!!', 'x'),
  dry_run: fc.constant(true),
};

function bodyArb(fields: string[], base: Record<string, unknown>) {
  const bad = (k: string): fc.Arbitrary<unknown> => {
    if (k === 'date_range') return dateRange;
    if (k === 'filters') return fc.oneof(fc.dictionary(fc.constantFrom(...FILTER_FIELDS), fc.oneof(anyJson, fc.array(anyString, { maxLength: 3 })), { maxKeys: 4 }), anyJson);
    if (k === 'repos') return fc.oneof(fc.array(anyString, { maxLength: 25 }), anyJson);
    return anyJson;
  };
  const value = (k: string) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: GOOD_BODY[k] ?? bad(k) });
  const mutation = fc.constantFrom(...fields).chain((k) => fc.oneof(bad(k), fc.constant(undefined)).map((v) => [k, v] as const));
  return fc.oneof(
    { weight: 8, arbitrary: fc.record({ keepBase: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), picks: fc.tuple(...fields.map((k) => value(k).map((v) => [k, v] as const))), mutations: fc.array(mutation, { maxLength: 2 }) }).map(({ keepBase, picks, mutations }) => {
      const out: Record<string, unknown> = keepBase ? { ...base } : {};
      for (const [k, v] of picks) if (v !== undefined) out[k] = v;
      for (const [k, v] of mutations) if (v === undefined) delete out[k]; else out[k] = v;
      return JSON.stringify(out);
    }) },
    { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '[1,', '"\\ud800"', '{"page":1e400}', '\u00ff', '{"a":1,"a":2}', 'nul', ' ', '{"date_range":null}') },
  );
}

type Req = { method: string; path: string; body?: string };
const requestArb = (): fc.Arbitrary<Req> => fc.oneof(
  queryArb([...LIST_FIELDS, ...ODD_FIELDS.slice(0, 1)], LIST_BASE).map((q) => ({ method: 'GET', path: `/api/content-items?${q}` })),
  queryArb(JOB_FIELDS, {}).map((q) => ({ method: 'GET', path: `/api/jobs?${q}` })),
  fc.tuple(fc.oneof(fc.constantFrom(...ids.length ? ids : ['x']), anyString), queryArb(['include', 'x'], {})).map(([id, q]) => ({ method: 'GET', path: `/api/content-items/${safeEncode(id)}?${q}` })),
  anyString.map((id) => ({ method: 'GET', path: `/api/jobs/${safeEncode(id)}/status` })),
  fc.constant({ method: 'GET', path: '/api/jobs/stats' }),
  anyString.map((id) => ({ method: 'POST', path: `/api/content-items/${safeEncode(id)}/retry` })),
  bodyArb(GEN_FIELDS, GEN_BASE).map((body) => ({ method: 'POST', path: '/api/content/generate', body })),
  bodyArb(GEN_FIELDS, { ...GEN_BASE, mode: 'async' }).map((body) => ({ method: 'POST', path: '/api/content/generate', body })),
  bodyArb(INGEST_FIELDS, { broadcaster_login: 'nobody', date_range: GEN_BASE.date_range }).map((body) => ({ method: 'POST', path: '/api/clips/ingest', body })),
  bodyArb(BACKFILL_FIELDS, { date_range: GEN_BASE.date_range }).map((body) => ({ method: 'POST', path: '/api/github/backfill', body })),
  bodyArb(PUBLISH_FIELDS, { content_type: 'daily_recap', date_range: GEN_BASE.date_range, dry_run: true }).map((body) => ({ method: 'POST', path: '/api/recaps/publish', body })),
  bodyArb(['a'], {}).map((body) => ({ method: 'POST', path: '/api/auth/verify', body })),
);

/** Other methods, with and without a body (bodyless methods must refuse a body as a documented 400). */
const otherMethodsArb = (): fc.Arbitrary<Req> =>
  fc.record({ method: fc.constantFrom('DELETE', 'OPTIONS', 'PUT', 'PATCH'), path: fc.constantFrom('/api/jobs', '/api/auth/verify', '/api/content/generate', '/api/content-items'), body: fc.option(fc.constantFrom('{}', '{"a":1}', '[]'), { nil: undefined }) })
    .map(({ body, ...r }) => (body === undefined ? r : { ...r, body }));

/** Signed when the signing client can sign it; a malformed query is sent with a dummy signature (check 8 refuses it). */
async function fuzzFetch(req: Req): Promise<Response> {
  try {
    return await signedFetch(req.method, req.path, req.body !== undefined ? { body: req.body } : {});
  } catch (error) {
    if (!(error instanceof MalformedQueryError)) throw error;
    const headers = new Headers({ 'X-Signature': 'a'.repeat(64), 'X-Timestamp': toRfc3339(Date.now()), 'X-Nonce': `n${Date.now()}${Math.random()}`.replace('.', '') });
    if (req.body) headers.set('Content-Type', 'application/json');
    return exports.default.fetch(new Request(new URL(req.path, BASE), { method: req.method, headers, body: req.body || null }));
  }
}

export async function checkAnswer(req: Req): Promise<void> {
  const response = await fuzzFetch(req);
  const text = await response.text();
  const tallyKey = `${req.method} ${req.path.split('?')[0]!.replace(/\/api\/(content-items|jobs)\/[^/]+/, '/api/$1/:id')} ${response.status} ${response.status >= 400 ? JSON.parse(text).error?.code : ''}`;
  tally.set(tallyKey, (tally.get(tallyKey) ?? 0) + 1);
  const where = `${req.method} ${req.path} ${(req.body ?? '').slice(0, 300)}${(req.body?.length ?? 0) > 300 ? `… (${req.body!.length} chars)` : ''} -> ${response.status} ${text.slice(0, 400)}`;
  expect(response.status, where).toBeLessThan(500);
  if (response.status >= 400) {
    const body = JSON.parse(text);
    expect(typeof body.request_id, where).toBe('string');
    expect(typeof body.error?.code, where).toBe('string');
    expect(typeof body.error?.message, where).toBe('string');
    expect(Number.isNaN(Date.parse(body.error?.occurred_at)), where).toBe(false);
    if (body.error.code === 'VALIDATION_FAILED') {
      const fields = body.error.details?.fields;
      expect(Array.isArray(fields) && fields.length > 0, where).toBe(true);
      for (const f of fields) expect(typeof f.field === 'string' && typeof f.message === 'string', where).toBe(true);
    }
  }
}

const tally = new Map<string, number>();

describe('no 5xx for any request shape on signed routes', () => {
  it('random requests answer 2xx or a documented 4xx', async () => {
    await fc.assert(fc.asyncProperty(requestArb(), checkAnswer), { numRuns: 800, seed: 42 });
    // console.log('TALLY', JSON.stringify([...tally].sort(), null, 1));
  }, 240_000);

  it('schema-valid requests with huge values (under the 1 MiB body limit) answer 2xx or a documented 4xx', async () => {
    const huge = fc.constantFrom(130_000, 300_000, 700_000);
    const hugeBody = fc.oneof(
      fc.tuple(huge, fc.constantFrom('sync', 'async')).map(([n, mode]) => ({ ...GEN_BASE, mode, repository: `${'a'.repeat(n)}/b` })),
      fc.tuple(huge, fc.constantFrom('sync', 'async')).map(([n, mode]) => ({ ...GEN_BASE, mode, filters: { categories: Array.from({ length: Math.floor(n / 14) }, () => 'development') } })),
      fc.tuple(huge, fc.constantFrom('sync', 'async')).map(([n, mode]) => ({ ...GEN_BASE, mode, filters: { processing_status: Array.from({ length: Math.floor(n / 10) }, () => 'queued') } })),
      huge.map((n) => ({ content_type: 'daily_recap', date_range: GEN_BASE.date_range, dry_run: true, repository: `${'a'.repeat(n)}/b` })),
      huge.map((n) => ({ date_range: GEN_BASE.date_range, repos: [`${'a'.repeat(n)}/b`] })),
    );
    const path = (b: Record<string, unknown>) => ('repos' in b ? '/api/github/backfill' : 'dry_run' in b ? '/api/recaps/publish' : '/api/content/generate');
    await fc.assert(fc.asyncProperty(hugeBody, (b) => checkAnswer({ method: 'POST', path: path(b), body: JSON.stringify(b) }).catch((e) => { throw new Error(String(e).slice(0, 600)); })), { numRuns: 30, seed: 42 });
  }, 60_000);

  it('other methods, with and without a body, answer a documented 4xx', async () => {
    await fc.assert(fc.asyncProperty(otherMethodsArb(), checkAnswer), { numRuns: 60, seed: 42 });
  }, 60_000);
});
