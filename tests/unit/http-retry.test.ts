// fetchWithRetry over real HTTP against a local server: how long a 429 is waited out (Retry-After, Helix's epoch
// Ratelimit-Reset, the IETF RateLimit headers' seconds), and a service that never answers.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHttpDeps, fetchWithRetry, HttpError, rateLimitWaitMs, type HttpDeps } from '../../content-pipeline/http/retry.ts';

type Handler = (res: ServerResponse) => void;
let handler: Handler = (res) => res.end('ok');
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    handler(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const headers = (h: Record<string, string>) => new Headers(h);
const NOW = Date.parse('2026-01-05T12:00:00Z');

describe('rateLimitWaitMs', () => {
  it('takes Retry-After first, in seconds (whole or not) or as an HTTP date', () => {
    expect(rateLimitWaitMs(headers({ 'Retry-After': '2', 'Ratelimit-Reset': String(NOW / 1000 + 60) }), NOW)).toBe(2_000);
    expect(rateLimitWaitMs(headers({ 'Retry-After': '0.5' }), NOW)).toBe(500);
    expect(rateLimitWaitMs(headers({ 'Retry-After': new Date(NOW + 3_000).toUTCString() }), NOW)).toBe(3_000);
    // Two headers joined ("5, 5") are neither: not read as a date in 2001 (a wait of 0), but as no answer (a second).
    expect(rateLimitWaitMs(new Headers([['Retry-After', '5'], ['Retry-After', '5']]), NOW)).toBe(1_000);
  });

  it('reads Ratelimit-Reset as an epoch second (Helix) or as seconds to wait (IETF RateLimit headers)', () => {
    expect(rateLimitWaitMs(headers({ 'Ratelimit-Reset': String(NOW / 1000 + 7) }), NOW)).toBe(7_100);
    expect(rateLimitWaitMs(headers({ 'RateLimit-Reset': '2' }), NOW)).toBe(2_000);
    expect(rateLimitWaitMs(headers({}), NOW)).toBe(1_000);
  });
});

describe('fetchWithRetry', () => {
  it('waits as long as a gateway asks (RateLimit-Reset: 1, Retry-After: 1), then gets its answer', async () => {
    const until = Date.now() + 1_000;
    handler = (res) => {
      if (Date.now() < until) res.writeHead(429, { 'RateLimit-Limit': '10', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '1', 'Retry-After': '1' }).end();
      else res.end('done');
    };
    const sleeps: number[] = [];
    const deps: HttpDeps = { ...defaultHttpDeps(), sleep: (ms) => (sleeps.push(ms), new Promise((resolve) => setTimeout(resolve, ms))) };
    const response = await fetchWithRetry(() => new Request(`${base}/x`), deps);
    expect(await response.text()).toBe('done');
    expect(sleeps[0]).toBe(1_000);
  });

  it('gives up on a service that never answers, attempt by attempt, instead of waiting for ever', async () => {
    handler = () => {}; // accepts the request, never answers
    const deps: HttpDeps = { ...defaultHttpDeps(), sleep: async () => {} };
    const error = await fetchWithRetry(() => new Request(`${base}/silent`), deps, { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1, maxRateLimitWaitMs: 1, timeoutMs: 200 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect((error as Error).message).toMatch(/failed after 2 attempts \(network error: no answer within 0.2 s\)/);
  });

  it('does not limit a body that is slow to arrive once the answer has started', async () => {
    handler = (res) => {
      res.writeHead(200);
      res.write('first ');
      setTimeout(() => res.end('second'), 400);
    };
    const response = await fetchWithRetry(() => new Request(`${base}/slow`), defaultHttpDeps(), { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRateLimitWaitMs: 1, timeoutMs: 200 });
    expect(await response.text()).toBe('first second');
  });
});
