// X-Idempotency-Key: replay, conflict, concurrency, release on failure and expiry, on the real D1 store.
// A test route counts how often its handler really runs.
import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signRequest, toRfc3339 } from '../../content-pipeline/index.ts';
import { createApp } from '../../worker/app.ts';
import { TEST_ACTIVE_KEY, TEST_SECOND_KEY } from '../support/keys.ts';
import { errorOf } from './support.ts';

const runs = new Map<string, number>();
let failuresLeft = 0;
const app = createApp();
app.post('/api/test/work', async (c) => {
  const name = (c.get('signed').body as { name: string }).name;
  runs.set(name, (runs.get(name) ?? 0) + 1);
  await scheduler.wait(20);
  if (failuresLeft > 0) {
    failuresLeft--;
    throw new Error('simulated crash');
  }
  return c.json({ name, run: runs.get(name), request_id: c.get('requestId') }, 201);
});

async function send(body: object, idempotencyKey: string | undefined, key = TEST_ACTIVE_KEY, path = '/api/test/work') {
  const text = JSON.stringify(body);
  const signed = await signRequest({
    method: 'POST',
    url: path,
    body: text,
    secret: key.secret,
    keyId: key.id,
    timestamp: toRfc3339(Date.now()),
    ...(idempotencyKey !== undefined && { idempotencyKey }),
  });
  return app.fetch(new Request(`http://worker.test${path}`, { method: 'POST', headers: signed.headers, body: text }), env, createExecutionContext());
}

beforeEach(() => {
  runs.clear();
  failuresLeft = 0;
});
afterEach(() => vi.useRealTimers());

describe('X-Idempotency-Key', () => {
  it('replays the first response, status and body, to a retry', async () => {
    const first = await send({ name: 'a' }, 'idem-a');
    const firstBody = await first.json();
    expect(first.status).toBe(201);
    const retry = await send({ name: 'a' }, 'idem-a');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await retry.json()).toEqual(firstBody);
    expect(runs.get('a')).toBe(1);
  });

  it('409 for the same key with a different body', async () => {
    expect((await send({ name: 'b' }, 'idem-b')).status).toBe(201);
    const other = await send({ name: 'b2' }, 'idem-b');
    expect(other.status).toBe(409);
    expect(await errorOf(other)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(runs.get('b2')).toBeUndefined();
  });

  it('runs concurrent duplicates once', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => send({ name: 'c' }, 'idem-c')));
    expect(runs.get('c')).toBe(1);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    for (const response of responses) {
      if (response.status === 409) {
        expect((await errorOf(response)).code).toBe('IDEMPOTENCY_IN_PROGRESS');
        expect(response.headers.get('Retry-After')).toBe('1');
      } else {
        expect(response.status).toBe(201);
      }
    }
  });

  it('releases the key when the first attempt fails on our side', async () => {
    failuresLeft = 1;
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const crashed = await send({ name: 'd' }, 'idem-d');
    quiet.mockRestore();
    expect(crashed.status).toBe(500);
    expect(await errorOf(crashed)).toMatchObject({ code: 'INTERNAL', message: 'Internal error' });
    const retry = await send({ name: 'd' }, 'idem-d');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('Idempotent-Replayed')).toBeNull();
    expect(runs.get('d')).toBe(2);
  });

  it('forgets a response after 24 h', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T00:00:00Z'));
    expect((await send({ name: 'e' }, 'idem-e')).status).toBe(201);
    vi.setSystemTime(new Date('2026-03-01T23:59:59Z'));
    expect((await send({ name: 'e' }, 'idem-e')).headers.get('Idempotent-Replayed')).toBe('true');
    vi.setSystemTime(new Date('2026-03-02T00:00:01Z'));
    const fresh = await send({ name: 'e' }, 'idem-e');
    expect(fresh.headers.get('Idempotent-Replayed')).toBeNull();
    expect(runs.get('e')).toBe(2);
  });

  it('keeps keys of different API keys apart', async () => {
    expect((await send({ name: 'f' }, 'idem-f', TEST_ACTIVE_KEY)).status).toBe(201);
    const other = await send({ name: 'f' }, 'idem-f', TEST_SECOND_KEY);
    expect(other.headers.get('Idempotent-Replayed')).toBeNull();
    expect(runs.get('f')).toBe(2);
  });

  it('is not applied without the header', async () => {
    await send({ name: 'g' }, undefined);
    await send({ name: 'g' }, undefined);
    expect(runs.get('g')).toBe(2);
  });
});
