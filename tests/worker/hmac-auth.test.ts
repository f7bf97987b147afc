// The HMAC scheme end to end through the worker's fetch handler, with the real D1 nonce store.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exports } from 'cloudflare:workers';
import { signRequest, toRfc3339 } from '../../content-pipeline/index.ts';
import { TEST_ACTIVE_KEY, TEST_ROTATED_KEY, TEST_SECOND_KEY } from '../support/keys.ts';
import { errorOf, signedFetch } from './support.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const at = (ms: number) => vi.setSystemTime(new Date(ms));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(NOW);
});
afterEach(() => vi.useRealTimers());

describe('accepted requests', () => {
  it('accepts a signed GET and a signed POST with a JSON body', async () => {
    const get = await signedFetch('GET', '/api/auth/verify?b=2&a=1');
    expect(get.status).toBe(200);
    expect(await get.json()).toMatchObject({ ok: true, key_id: 'test-active', canonical_query: 'a=1&b=2' });

    const post = await signedFetch('POST', '/api/auth/verify', { body: '{"hello":"world"}' });
    expect(post.status).toBe(200);
    expect(await post.json()).toMatchObject({
      key_id: 'test-active',
      body_sha256: '93a23971a914e5eacbf0a8d25154cda309c3c1c72fbb9914d47c60f3cb681588',
    });
  });

  it('accepts uppercase hex signatures and offset timestamps', async () => {
    const signed = await signRequest({
      method: 'GET',
      url: '/api/auth/verify',
      secret: TEST_ACTIVE_KEY.secret,
      timestamp: '2026-01-01T13:00:00.250+01:00',
    });
    const headers = { ...signed.headers, 'X-Signature': signed.signature.toUpperCase() };
    expect(signed.signature).not.toBe(signed.signature.toUpperCase());
    const response = await exports.default.fetch('http://worker.test/api/auth/verify', { headers });
    expect(response.status).toBe(200);
  });

  it('tries every valid key when X-Key-Id is absent', async () => {
    const response = await signedFetch('GET', '/api/auth/verify', { key: TEST_SECOND_KEY, sendKeyId: false });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ key_id: 'test-second' });
  });

  it('verifies the query whatever order the parameters are sent in', async () => {
    // Signed as ?a=1&b=x+y, sent as ?b=x%20y&a=1: the same canonical query.
    const signed = await signRequest({ method: 'GET', url: '/api/auth/verify?a=1&b=x+y', secret: TEST_ACTIVE_KEY.secret });
    const response = await exports.default.fetch('http://worker.test/api/auth/verify?b=x%20y&a=1', { headers: signed.headers });
    expect(response.status).toBe(200);
  });
});

describe('rejections', () => {
  it.each(['X-Signature', 'X-Timestamp', 'X-Nonce'])('400 naming a missing %s', async (header) => {
    const response = await signedFetch('GET', '/api/auth/verify', { headers: { [header]: null } });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('MISSING_HEADER');
    expect(error.message).toContain(header);
  });

  it.each([
    ['X-Signature', 'zz'],
    ['X-Nonce', 'no spaces allowed'],
    ['X-Key-Id', 'bad id!'],
    ['X-Idempotency-Key', 'tab\tinside'],
  ])('400 for a malformed %s', async (header, value) => {
    const response = await signedFetch('POST', '/api/auth/verify', { headers: { [header]: value } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details).toEqual({ header });
  });

  it('400 for an unparseable timestamp', async () => {
    const response = await signedFetch('GET', '/api/auth/verify', { timestamp: '2026-01-01 12:00:00' });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('INVALID_TIMESTAMP');
  });

  it('skew: ±300 s accepted, ±301 s refused with "Clock skew too large"', async () => {
    for (const offset of [300_000, -300_000]) {
      const response = await signedFetch('GET', '/api/auth/verify', { timestamp: toRfc3339(NOW + offset) });
      expect(response.status, `offset ${offset}`).toBe(200);
    }
    for (const offset of [301_000, -301_000]) {
      const response = await signedFetch('GET', '/api/auth/verify', { timestamp: toRfc3339(NOW + offset) });
      expect(response.status, `offset ${offset}`).toBe(401);
      expect(await errorOf(response)).toMatchObject({ code: 'CLOCK_SKEW', message: 'Clock skew too large' });
    }
  });

  it('401 Invalid API key for an unknown X-Key-Id', async () => {
    const response = await signedFetch('GET', '/api/auth/verify', { key: { id: 'nobody', secret: 'x'.repeat(32) } });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'INVALID_API_KEY', message: 'Invalid API key' });
  });

  it('401 Invalid signature when X-Key-Id names another key than the one that signed', async () => {
    const response = await signedFetch('GET', '/api/auth/verify', {
      key: TEST_ACTIVE_KEY,
      headers: { 'X-Key-Id': TEST_SECOND_KEY.id },
    });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'INVALID_SIGNATURE', message: 'Invalid signature' });
  });

  it('401 Invalid signature for a tampered body, path or query', async () => {
    const signed = await signRequest({ method: 'POST', url: '/api/auth/verify?a=1', body: '{"n":1}', secret: TEST_ACTIVE_KEY.secret });
    for (const [url, body] of [
      ['http://worker.test/api/auth/verify?a=1', '{"n":2}'],
      ['http://worker.test/api/auth/verify?a=2', '{"n":1}'],
      ['http://worker.test/api/jobs/cleanup?a=1', '{"n":1}'],
    ] as const) {
      const response = await exports.default.fetch(url, { method: 'POST', headers: signed.headers, body });
      expect(response.status, url).toBe(401);
      expect((await errorOf(response)).code).toBe('INVALID_SIGNATURE');
    }
  });

  it('400 for a query that is not valid percent-encoding', async () => {
    const signed = await signRequest({ method: 'GET', url: '/api/auth/verify', secret: TEST_ACTIVE_KEY.secret });
    const response = await exports.default.fetch('http://worker.test/api/auth/verify?q=%zz', { headers: signed.headers });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('INVALID_QUERY');
  });

  it('400 for a parameter given twice, whatever the order it was signed in, and the nonce stays unused', async () => {
    // Both orders would canonicalise alike, but the router reads the last value: reordering would change the meaning.
    const signed = await signRequest({ method: 'GET', url: '/api/jobs?limit=1', secret: TEST_ACTIVE_KEY.secret, keyId: TEST_ACTIVE_KEY.id });
    const response = await exports.default.fetch('http://worker.test/api/jobs?limit=4&limit=1', { headers: signed.headers });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('INVALID_QUERY');
    expect(error.message).toContain('"limit" is given more than once');
    const retry = await exports.default.fetch('http://worker.test/api/jobs?limit=1', { headers: signed.headers });
    expect(retry.status).toBe(200);
  });
});

describe('key rotation', () => {
  const graceEnd = Date.parse(TEST_ROTATED_KEY.rotated_at) + 24 * 3_600_000;

  it('keeps a rotated key until rotated_at + 24 h', async () => {
    at(graceEnd - 1000);
    expect((await signedFetch('GET', '/api/auth/verify', { key: TEST_ROTATED_KEY })).status).toBe(200);
    expect((await signedFetch('GET', '/api/auth/verify', { key: TEST_ROTATED_KEY, sendKeyId: false })).status).toBe(200);

    at(graceEnd + 1000);
    const named = await signedFetch('GET', '/api/auth/verify', { key: TEST_ROTATED_KEY });
    expect(named.status).toBe(401);
    expect((await errorOf(named)).code).toBe('INVALID_API_KEY');
    const unnamed = await signedFetch('GET', '/api/auth/verify', { key: TEST_ROTATED_KEY, sendKeyId: false });
    expect(unnamed.status).toBe(401);
    expect((await errorOf(unnamed)).code).toBe('INVALID_SIGNATURE');
    // The replacement keeps working.
    expect((await signedFetch('GET', '/api/auth/verify', { key: TEST_ACTIVE_KEY })).status).toBe(200);
  });
});

describe('nonces', () => {
  it('refuses a replay inside the window', async () => {
    const first = await signedFetch('GET', '/api/auth/verify', { nonce: 'replay-inside' });
    expect(first.status).toBe(200);
    at(NOW + 120_000);
    const replay = await signedFetch('GET', '/api/auth/verify', { nonce: 'replay-inside', timestamp: toRfc3339(NOW) });
    expect(replay.status).toBe(401);
    expect(await errorOf(replay)).toMatchObject({ code: 'NONCE_REUSED', message: 'Nonce already used' });
  });

  it('refuses a future-dated request replayed after the first window', async () => {
    const timestamp = toRfc3339(NOW + 300_000);
    expect((await signedFetch('GET', '/api/auth/verify', { nonce: 'future-dated', timestamp })).status).toBe(200);
    // 599 s and 600 s later the timestamp still passes the skew check: the nonce must still be held.
    for (const later of [599_000, 600_000]) {
      at(NOW + later);
      const replay = await signedFetch('GET', '/api/auth/verify', { nonce: 'future-dated', timestamp });
      expect(replay.status, `+${later}`).toBe(401);
      expect((await errorOf(replay)).code).toBe('NONCE_REUSED');
    }
    at(NOW + 601_000);
    const late = await signedFetch('GET', '/api/auth/verify', { nonce: 'future-dated', timestamp });
    expect((await errorOf(late)).code).toBe('CLOCK_SKEW');
  });

  it('lets exactly one of 20 concurrent identical requests through', async () => {
    const signed = await signRequest({ method: 'POST', url: '/api/auth/verify', body: '{"race":true}', secret: TEST_ACTIVE_KEY.secret });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        exports.default.fetch('http://worker.test/api/auth/verify', { method: 'POST', headers: signed.headers, body: '{"race":true}' }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(19);
    const codes = await Promise.all(responses.filter((r) => r.status === 401).map(async (r) => (await errorOf(r)).code));
    expect(new Set(codes)).toEqual(new Set(['NONCE_REUSED']));
  });

  it('does not burn the nonce of a request with a bad signature', async () => {
    const bad = await signedFetch('GET', '/api/auth/verify', {
      nonce: 'kept-after-bad-signature',
      headers: { 'X-Signature': '0'.repeat(64) },
    });
    expect(bad.status).toBe(401);
    expect((await errorOf(bad)).code).toBe('INVALID_SIGNATURE');
    const good = await signedFetch('GET', '/api/auth/verify', { nonce: 'kept-after-bad-signature' });
    expect(good.status).toBe(200);
  });

  it('is global, not per key', async () => {
    expect((await signedFetch('GET', '/api/auth/verify', { nonce: 'shared-nonce', key: TEST_ACTIVE_KEY })).status).toBe(200);
    const other = await signedFetch('GET', '/api/auth/verify', { nonce: 'shared-nonce', key: TEST_SECOND_KEY });
    expect((await errorOf(other)).code).toBe('NONCE_REUSED');
  });
});

describe('bodies', () => {
  it('415 for a body that is not application/json', async () => {
    const response = await signedFetch('POST', '/api/auth/verify', { body: 'a=1', headers: { 'Content-Type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect((await errorOf(response)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts application/json with a charset parameter', async () => {
    const response = await signedFetch('POST', '/api/auth/verify', {
      body: '{}',
      headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
    });
    expect(response.status).toBe(200);
  });

  it('413 for a body over 1 MiB, 200 at exactly 1 MiB', async () => {
    const exact = `"${'a'.repeat(1024 * 1024 - 2)}"`;
    expect((await signedFetch('POST', '/api/auth/verify', { body: exact })).status).toBe(200);
    const over = `"${'a'.repeat(1024 * 1024 - 1)}"`;
    const response = await signedFetch('POST', '/api/auth/verify', { body: over });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('takes an empty body streamed without Content-Length as no body, and judges a non-empty one as usual', async () => {
    const empty = () => new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
    const signed = await signRequest({ method: 'POST', url: '/api/auth/verify', secret: TEST_ACTIVE_KEY.secret, keyId: TEST_ACTIVE_KEY.id });
    const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'content-type'));
    const response = await exports.default.fetch('http://worker.test/api/auth/verify', { method: 'POST', headers, body: empty() });
    expect(response.status).toBe(200);
    const text = await signRequest({ method: 'POST', url: '/api/auth/verify', body: 'a=1', secret: TEST_ACTIVE_KEY.secret, keyId: TEST_ACTIVE_KEY.id });
    const streamedText = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new TextEncoder().encode('a=1')), c.close()) });
    const refused = await exports.default.fetch('http://worker.test/api/auth/verify', { method: 'POST', headers: { ...text.headers, 'Content-Type': 'text/plain' }, body: streamedText });
    expect(refused.status).toBe(415);
  });

  it('413 from a streamed body without Content-Length', async () => {
    const signed = await signRequest({ method: 'POST', url: '/api/auth/verify', body: '{}', secret: TEST_ACTIVE_KEY.secret });
    const chunk = new TextEncoder().encode('a'.repeat(256 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await exports.default.fetch('http://worker.test/api/auth/verify', {
      method: 'POST',
      headers: signed.headers,
      body: stream,
    });
    expect(response.status).toBe(413);
  });

  it('400 for invalid JSON, after authentication', async () => {
    const response = await signedFetch('POST', '/api/auth/verify', { body: '{"unterminated": ' });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('INVALID_JSON');
  });
});

describe('robustness', () => {
  it('never answers 500 to malformed auth input', async () => {
    const junk = ['', ' ', '\u007f', 'null', '{}', '../../etc/passwd', 'a'.repeat(5000), '%00', '2026-01-01T12:00:00Z'];
    let count = 0;
    for (const signature of junk) {
      for (const timestamp of junk) {
        for (const nonce of junk.slice(0, 4)) {
          const headers = new Headers();
          for (const [name, value] of [['X-Signature', signature], ['X-Timestamp', timestamp], ['X-Nonce', nonce], ['X-Key-Id', nonce]]) {
            try {
              headers.set(name!, value!);
            } catch {
              // not a legal header value: the client could not send it either
            }
          }
          const response = await exports.default.fetch('http://worker.test/api/auth/verify?x=%', { headers });
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          await errorOf(response);
          count++;
        }
      }
    }
    expect(count).toBe(junk.length * junk.length * 4);
  });

  it('answers unknown signed routes with the error shape, unsigned ones with 400', async () => {
    const signed = await signedFetch('GET', '/api/nowhere');
    expect(signed.status).toBe(404);
    expect((await errorOf(signed)).code).toBe('NOT_FOUND');
    expect((await exports.default.fetch('http://worker.test/api/nowhere')).status).toBe(400);
  });
});

describe('auth log', () => {
  it('writes one JSON line per attempt without secrets or signatures', async () => {
    const lines: string[] = [];
    const capture = (line: unknown) => void lines.push(String(line));
    const info = vi.spyOn(console, 'log').mockImplementation(capture);
    const warn = vi.spyOn(console, 'warn').mockImplementation(capture);
    try {
      const ok = await signedFetch('GET', '/api/auth/verify', { headers: { 'X-Request-Id': 'req-ok' } });
      const bad = await signedFetch('GET', '/api/auth/verify', {
        headers: { 'X-Request-Id': 'req-bad', 'X-Signature': 'f'.repeat(64) },
      });
      expect([ok.status, bad.status]).toEqual([200, 401]);
    } finally {
      info.mockRestore();
      warn.mockRestore();
    }
    const auth = lines.map((l) => JSON.parse(l)).filter((l) => l.event === 'auth');
    expect(auth).toEqual([
      expect.objectContaining({ outcome: 'accepted', reason: 'ok', key_id: 'test-active', method: 'GET', path: '/api/auth/verify', request_id: 'req-ok' }),
      expect.objectContaining({ outcome: 'rejected', reason: 'invalid_signature', key_id: 'test-active', request_id: 'req-bad' }),
    ]);
    const text = lines.join('\n');
    expect(text).not.toContain(TEST_ACTIVE_KEY.secret);
    expect(text).not.toContain('f'.repeat(64));
  });
});
