// Property tests of the HMAC scheme inside workerd: whatever signRequest signs, the worker verifies (or refuses
// with a clear 4xx that the docs call for); never a 500.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exports } from 'cloudflare:workers';
import { canonicalQuery, MalformedQueryError, signRequest, toRfc3339 } from '../../content-pipeline/index.ts';
import { TEST_ACTIVE_KEY } from '../support/keys.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const stats: Record<string, number> = {};
const bump = (k: string) => void (stats[k] = (stats[k] ?? 0) + 1);
beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(NOW));
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  process.stderr.write(`stats ${JSON.stringify(stats)}\n`);
});

const AUTH_CODES = new Set([
  'MISSING_HEADER',
  'INVALID_HEADER',
  'INVALID_TIMESTAMP',
  'CLOCK_SKEW',
  'INVALID_API_KEY',
  'INVALID_SIGNATURE',
  'NONCE_REUSED',
]);

const hex = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
const pctByte = fc.tuple(hex, hex).map(([a, b]) => `%${a}${b}`);
const asciiChar = fc.constantFrom(...'abcXYZ019-._~!$&\'()*+,;=:@ "<>^`{|}%/?[]\\'.split(''));
const unicodeChar = fc.constantFrom('é', 'ü', '日', '本', '😀', '\u00a0', '\u200b', 'ß', 'İ');
const segmentPiece = fc.oneof(
  fc.constantFrom('a', 'b', 'api', 'jobs', 'x', 'A'),
  pctByte,
  fc.constantFrom('%2e', '%2E', '%2F', '%7e', '%7E', '~', '%41', '%20', ' ', '%25', '%E6%97%A5', '%e6%97%a5'),
  unicodeChar,
);
const segment = fc.oneof(
  { weight: 6, arbitrary: fc.array(segmentPiece, { minLength: 1, maxLength: 3 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '..', '%2e', '%2e%2e', '.%2E') },
);
const pathArb = fc
  .array(segment, { maxLength: 4 })
  .chain((segs) => fc.boolean().map((trailing) => `/api/auth/verify${segs.length ? '/' + segs.join('/') : ''}${trailing ? '/' : ''}`));

const qPiece = fc.oneof(
  fc.constantFrom('a', 'b', 'c', 'A', 'k1', 'k2', ''),
  pctByte,
  fc.constantFrom('+', '%20', ' ', '%2B', '%26', '%3D', '%3d', '=', '%7e', '~', '%E2%82%AC', '%e2%82%ac', '€'),
  unicodeChar,
  asciiChar.filter((c) => c !== '#' && c !== '&'),
);
const qToken = fc.array(qPiece, { maxLength: 3 }).map((p) => p.join(''));
const qPair = fc.oneof(
  fc.tuple(qToken, qToken).map(([n, v]) => `${n}=${v}`),
  qToken,
);
const queryArb = fc.oneof(
  fc.constant(''),
  fc.array(qPair, { maxLength: 4 }).map((ps) => `?${ps.join('&')}`),
);

const bodyArb = fc.oneof(
  fc.constant(undefined),
  fc.constant(''),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => JSON.stringify({ s })),
  fc.uint8Array({ maxLength: 32 }),
);

const methodArb = fc.constantFrom('HEAD', 'head', 'OPTIONS', 'GET', 'get', 'POST', 'post', 'Post', 'PUT', 'put', 'PATCH', 'patch', 'DELETE', 'delete');

let seq = 0;

async function send(method: string, url: string, body: string | Uint8Array | undefined) {
  const canSendBody = !['GET', 'HEAD'].includes(method.toUpperCase());
  const b = canSendBody ? body : undefined;
  let signed;
  try {
    signed = await signRequest({
      method,
      url,
      secret: TEST_ACTIVE_KEY.secret,
      keyId: TEST_ACTIVE_KEY.id,
      nonce: `p${++seq}x${Math.random().toString(36).slice(2)}`,
      timestamp: toRfc3339(Date.now()),
      ...(b !== undefined && { body: b }),
    });
  } catch (error) {
    if (error instanceof MalformedQueryError) return (bump('clientRefused'), { clientRefused: true as const });
    throw error;
  }
  const response = await exports.default.fetch(
    new Request(new URL(url, 'http://worker.test'), { method, headers: signed.headers, body: b ?? null }),
  );
  const text = await response.text();
  bump(`${response.status}`);
  return { clientRefused: false as const, status: response.status, text, signed };
}

describe('round trip: signRequest → worker', () => {
  it('a signed request is never refused by authentication and never answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(methodArb, pathArb, queryArb, bodyArb, async (method, path, query, body) => {
        const url = `${path}${query}`;
        const r = await send(method, url, body);
        if (r.clientRefused) {
          // the client refused to sign a malformed query: the server must refuse it with 400 INVALID_QUERY too
          return;
        }
        expect(r.status, `${method} ${url} -> ${r.text}`).toBeLessThan(500);
        if (method.toUpperCase() === 'HEAD') {
          expect(r.status, `${method} ${url}`).not.toBe(401);
        } else if (r.status >= 400) {
          const code = JSON.parse(r.text).error.code;
          expect(AUTH_CODES.has(code), `${method} ${url} body=${String(body)} -> ${r.text}\n${r.signed.canonical}`).toBe(false);
        }
      }),
      { numRuns: 400, seed: 1 },
    );
  });

  it('canonical query: anything signRequest accepts, the server accepts (URL as received)', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, async (query) => {
        const r = await send('GET', `/api/auth/verify${query}`, undefined);
        if (r.clientRefused) {
          // what the client refuses to sign, the server refuses with 400 INVALID_QUERY whatever the signature
          const signed = await signRequest({ method: 'GET', url: '/api/auth/verify', secret: TEST_ACTIVE_KEY.secret, nonce: `q${++seq}` });
          const response = await exports.default.fetch(`http://worker.test/api/auth/verify${query}`, { headers: signed.headers });
          const text = await response.text();
          expect([response.status, JSON.parse(text).error.code], `${query} -> ${text}`).toEqual([400, 'INVALID_QUERY']);
          return;
        }
        expect(r.status, `${query} -> ${r.text}`).toBe(200);
        expect(JSON.parse(r.text).canonical_query).toBe(canonicalQuery(new URL(`http://x/api${query}`).search));
      }),
      { numRuns: 300, seed: 2 },
    );
  });
});

describe('no two different requests share a canonical query', () => {
  // The routes read the query through URLSearchParams (last value wins). Two queries with the same canonical form
  // must mean the same parameters.
  it('canonicalQuery(q1) === canonicalQuery(q2) implies the same URLSearchParams object', () => {
    const variants = (q: string) =>
      fc.constantFrom(
        q,
        q.replace(/\+/g, '%20'),
        q.replace(/%20/g, '+'),
        q.replace(/%[0-9a-f]{2}/gi, (m) => m.toLowerCase()),
        q.replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase()),
        q.split('&').reverse().join('&'),
        q.replace(/%26/gi, '&'),
        q.replace(/%3d/gi, '='),
        q.replace(/=/g, '%3D'),
        q.replace(/&/g, '%26'),
        `${q}&`,
        `&${q}`,
        q.replace(/=$/g, ''),
      );
    fc.assert(
      fc.property(
        queryArb.chain((q) => fc.tuple(fc.constant(q), variants(q))),
        ([q1, q2]) => {
          let c1: string, c2: string;
          try {
            c1 = canonicalQuery(new URL(`http://x/${q1}`).search);
            c2 = canonicalQuery(new URL(`http://x/${q2}`).search);
          } catch {
            return;
          }
          if (c1 !== c2) return;
          const p1 = Object.fromEntries(new URL(`http://x/${q1}`).searchParams);
          const p2 = Object.fromEntries(new URL(`http://x/${q2}`).searchParams);
          expect(p2, `${q1} vs ${q2}`).toEqual(p1);
        },
      ),
      { numRuns: 800, seed: 3 },
    );
  });
});

describe('header parsing: answers exactly as docs/api.md orders the checks, never 5xx', () => {
  const ws = fc.constantFrom('', ' ', '\t', '  ');
  const casing = (name: string) =>
    fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((up) =>
      name
        .split('')
        .map((ch, i) => (up[i] ? ch.toUpperCase() : ch.toLowerCase()))
        .join(''),
    );
  const junk = fc.oneof(
    fc.constant(null),
    fc.constant(''),
    fc.string({ maxLength: 70 }),
    fc.stringMatching(/^[0-9a-fA-F]{63,65}$/),
    fc.constantFrom('2026-01-01T12:00:00', '2026-01-01T12:00:60Z', '2026-02-29T12:00:00Z', '2026-01-01T12:05:01Z', 'a b', 'x'.repeat(129), 'ok_key-1'),
  );
  const NONCE = /^[A-Za-z0-9_-]{1,128}$/;
  const KEY_ID = /^[A-Za-z0-9._:-]{1,64}$/;
  const IDEM = /^[\x21-\x7e]{1,255}$/;

  it('matches the reference', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          sig: fc.option(junk, { freq: 2 }),
          ts: fc.option(junk, { freq: 2 }),
          nonce: fc.option(junk, { freq: 2 }),
          keyId: fc.option(junk, { freq: 2 }),
          idem: fc.option(junk, { freq: 2 }),
        }),
        fc.tuple(casing('X-Signature'), casing('X-Timestamp'), casing('X-Nonce'), casing('X-Key-Id'), casing('X-Idempotency-Key')),
        fc.tuple(ws, ws),
        fc.constantFrom('2026-01-01T12:00:00Z', '2026-01-01t12:00:00.5z', '2026-01-01T13:04:59.999+01:00', '2026-01-01T06:55:00-05:05'),
        async (over, names, [pre, post], timestamp) => {
          const nonce = `h${++seq}`;
          const signed = await signRequest({ method: 'GET', url: '/api/auth/verify', secret: TEST_ACTIVE_KEY.secret, keyId: TEST_ACTIVE_KEY.id, timestamp, nonce });
          const base: Record<string, string | null> = {
            sig: signed.signature,
            ts: timestamp,
            nonce,
            keyId: TEST_ACTIVE_KEY.id,
            idem: null,
          };
          const values = { ...base, ...Object.fromEntries(Object.entries(over).filter(([, v]) => v !== null).map(([k, v]) => [k, v === null ? null : v])) } as Record<string, string | null>;
          const headers = new Headers();
          const keys = ['sig', 'ts', 'nonce', 'keyId', 'idem'];
          for (let i = 0; i < keys.length; i++) {
            const v = values[keys[i]!];
            if (v === null || v === undefined) continue;
            try {
              headers.set(names[i]!, `${pre}${v}${post}`);
            } catch {
              values[keys[i]!] = null; // not a legal header value
            }
          }
          const got = (k: string) => {
            const i = keys.indexOf(k);
            return headers.get(names[i]!);
          };
          // reference
          let expected: [number, string];
          const sig = got('sig'), ts = got('ts'), n = got('nonce'), kid = got('keyId'), idem = got('idem');
          const ref = ts === null ? null : parseRef(ts);
          if (sig === null || sig === '' ) expected = [400, 'MISSING_HEADER'];
          else if (ts === null || ts === '') expected = [400, 'MISSING_HEADER'];
          else if (n === null || n === '') expected = [400, 'MISSING_HEADER'];
          else if (!/^[0-9a-fA-F]{64}$/.test(sig)) expected = [400, 'INVALID_HEADER'];
          else if (!NONCE.test(n)) expected = [400, 'INVALID_HEADER'];
          else if (kid !== null && !KEY_ID.test(kid)) expected = [400, 'INVALID_HEADER'];
          else if (idem !== null && !IDEM.test(idem)) expected = [400, 'INVALID_HEADER'];
          else if (ref === null) expected = [400, 'INVALID_TIMESTAMP'];
          else if (Math.abs(NOW - ref) > 300_000) expected = [401, 'CLOCK_SKEW'];
          else if (kid !== null && kid !== TEST_ACTIVE_KEY.id && !['test-second', 'test-rotated'].includes(kid)) expected = [401, 'INVALID_API_KEY'];
          else if (sig.toLowerCase() === signed.signature && ts === timestamp && n === nonce && (kid === null || kid === TEST_ACTIVE_KEY.id)) expected = [200, 'ok'];
          else expected = [401, 'INVALID_SIGNATURE'];
          const response = await exports.default.fetch(new Request('http://worker.test/api/auth/verify', { headers }));
          const text = await response.text();
          const code = response.status === 200 ? 'ok' : JSON.parse(text).error?.code;
          expect([response.status, code], JSON.stringify([...headers])).toEqual(expected);
        },
      ),
      { numRuns: 500, seed: 4 },
    );
  });
});

function parseRef(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(v);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as number[];
  const dim = new Date(Date.UTC(2000 + (y! % 400), mo!, 0)).getUTCDate();
  if (y! < 100 || mo! < 1 || mo! > 12 || d! < 1 || d! > dim || h! > 23 || mi! > 59 || s! > 59) return null;
  let off = 0;
  if (!/^[Zz]$/.test(m[8]!)) {
    const oh = Number(m[8]!.slice(1, 3)), om = Number(m[8]!.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    off = (m[8]![0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = m[7] ? Number(m[7].slice(1, 4).padEnd(3, '0')) : 0;
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms) - off * 60_000;
}
