// The benchmark's load generator against a local HTTP server: it sends what it is given, counts answers of the
// wrong status as errors, keeps its sockets open between requests, and computes percentiles by rank.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latencyStats, load, LoadClient } from '../../scripts/bench/load.ts';

let server: Server;
let origin = '';
const sockets = new Set<unknown>();
const received: Array<{ method: string; url: string; signature: string | undefined; body: string }> = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    sockets.add(request.socket);
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ method: request.method!, url: request.url!, signature: request.headers['x-signature'] as string | undefined, body });
      const status = request.url === '/teapot' ? 418 : 200;
      response.writeHead(status, { 'Content-Type': 'application/json', 'X-D1-Rows-Read': 'page=20, count=2' });
      response.end(JSON.stringify({ echoed: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('LoadClient', () => {
  it('sends method, path, headers and body, and reads status, headers and body', async () => {
    const client = new LoadClient(origin);
    const answer = await client.send({ method: 'POST', path: '/api/x?a=1', headers: { 'X-Signature': 'abc', 'Content-Type': 'application/json' }, body: '{"k":1}' });
    client.close();
    expect(answer.status).toBe(200);
    expect(answer.headers['x-d1-rows-read']).toBe('page=20, count=2');
    expect(JSON.parse(answer.body)).toEqual({ echoed: '{"k":1}' });
    expect(received.at(-1)).toEqual({ method: 'POST', url: '/api/x?a=1', signature: 'abc', body: '{"k":1}' });
  });

  it('keeps its sockets open: requests one at a time go over one connection', async () => {
    sockets.clear();
    const client = new LoadClient(origin, 1);
    for (let i = 0; i < 20; i++) expect((await client.send({ method: 'GET', path: '/health' })).status).toBe(200);
    client.close();
    expect(sockets.size).toBe(1);
  });

  it('rejects when nothing listens', async () => {
    const client = new LoadClient('http://127.0.0.1:1');
    await expect(client.send({ method: 'GET', path: '/' })).rejects.toThrow();
    client.close();
  });
});

describe('load', () => {
  it('counts answers of the expected status as requests and the others, or failures, as errors', async () => {
    const client = new LoadClient(origin);
    let n = 0;
    const stats = await load(client, () => ({ method: 'GET', path: n++ % 4 === 3 ? '/teapot' : '/health' }), 3, 0.3, 200);
    client.close();
    expect(stats.requests).toBeGreaterThan(10);
    // Every fourth request asked for the teapot, and every request made was waited for.
    expect(stats.errors).toBe(Math.floor(n / 4));
    expect(stats.requests + stats.errors).toBe(n);
    expect(stats.rps).toBeCloseTo(stats.requests / 0.3, 0);
  });

  it('latencyStats takes percentiles by rank', () => {
    const latencies = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100 ms, unsorted
    expect(latencyStats(latencies, 2, 4)).toEqual({ requests: 100, errors: 2, rps: 25, p50_ms: 51, p95_ms: 96, p99_ms: 100 });
    expect(latencyStats([], 0, 1)).toMatchObject({ requests: 0, p50_ms: 0, p95_ms: 0 });
  });
});
