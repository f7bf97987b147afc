// Batches sent side by side share one D1 round trip, each caller gets its own results, and one failing caller
// fails alone. Real local D1 underneath; the spy only counts calls and lets them through.
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesceBatches } from '../../worker/storage/coalesced-batches.ts';

const NONCE_ROWS = (nonce: string) => env.DB.prepare('SELECT COUNT(*) AS n FROM auth_nonces WHERE nonce = ?').bind(nonce).first<{ n: number }>();
const insertNonce = (db: D1Database, nonce: string) =>
  db.prepare('INSERT INTO auth_nonces (nonce, key_id, expires_at) VALUES (?1, ?2, ?3)').bind(nonce, 'test-key', Date.now() + 60_000);

describe('coalesceBatches', () => {
  beforeEach(async () => {
    await env.DB.prepare('DELETE FROM auth_nonces').run();
  });
  afterEach(() => vi.restoreAllMocks());

  it('sends the batches of callers running side by side as one D1 batch, in order, each with its own results', async () => {
    const calls = vi.spyOn(env.DB, 'batch');
    const db = coalesceBatches(env.DB);
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map(async (n) => {
        const results = await db.batch([db.prepare('SELECT ?1 AS n').bind(n), insertNonce(db, `side-${n}`), db.prepare('SELECT ?1 * 10 AS n').bind(n)]);
        return results.map((r) => (r.results[0] as { n: number } | undefined)?.n ?? r.meta.changes);
      }),
    );
    expect(answers).toEqual([1, 2, 3, 4, 5].map((n) => [n, 1, n * 10]));
    expect(calls).toHaveBeenCalledTimes(1);
    expect(calls.mock.calls[0]![0]).toHaveLength(15);
    for (const n of [1, 2, 3, 4, 5]) expect((await NONCE_ROWS(`side-${n}`))!.n).toBe(1);
  });

  it('fails only the caller whose statements fail; the others are written', async () => {
    const db = coalesceBatches(env.DB);
    await insertNonce(env.DB, 'taken').run();
    const calls = vi.spyOn(env.DB, 'batch');
    const outcomes = await Promise.allSettled(['first', 'taken', 'third'].map((nonce) => db.batch([insertNonce(db, nonce), db.prepare('SELECT 1 AS one')])));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE|constraint/i);
    // The merged batch rolled back, then each caller ran on its own.
    expect(calls).toHaveBeenCalledTimes(4);
    expect((await NONCE_ROWS('first'))!.n).toBe(1);
    expect((await NONCE_ROWS('third'))!.n).toBe(1);
    expect((await NONCE_ROWS('taken'))!.n).toBe(1);
  });

  it('settles every caller when the database call itself fails, thrown or rejected', async () => {
    const db = coalesceBatches(env.DB);
    const select = (n: number) => db.prepare('SELECT ?1 AS n').bind(n);
    // A reply lost after the merged call: each caller reruns on its own and gets its answer.
    const lost = vi.spyOn(env.DB, 'batch').mockRejectedValueOnce(new Error('network connection lost'));
    const rerun = await Promise.all([1, 2, 3].map((n) => db.batch([select(n)])));
    expect(rerun.map(([r]) => r!.results)).toEqual([[{ n: 1 }], [{ n: 2 }], [{ n: 3 }]]);
    expect(lost).toHaveBeenCalledTimes(4);
    lost.mockRestore();
    // A binding that throws instead of rejecting: every caller gets the error, none is left waiting.
    vi.spyOn(env.DB, 'batch').mockImplementation(() => {
      throw new Error('D1 binding gone');
    });
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => db.batch([select(n)])));
    expect(outcomes.map((o) => o.status === 'rejected' && String(o.reason))).toEqual(Array(3).fill('Error: D1 binding gone'));
    expect((await Promise.allSettled([db.batch([select(4)])]))[0]!.status).toBe('rejected');
  });

  it('keeps batches sent one after another apart, and leaves every other method to the database', async () => {
    const calls = vi.spyOn(env.DB, 'batch');
    const db = coalesceBatches(env.DB);
    for (const n of [1, 2, 3]) expect((await db.batch([db.prepare('SELECT ?1 AS n').bind(n)]))[0]!.results).toEqual([{ n }]);
    expect(calls).toHaveBeenCalledTimes(3);
    expect(await db.prepare('SELECT 7 AS n').first('n')).toBe(7);
    expect(calls).toHaveBeenCalledTimes(3);
  });
});
