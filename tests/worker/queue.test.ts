// The queue consumer acks or retries each message on its own, with exponential backoff, and drops unreadable ones.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../../worker/index.ts';
import { DEAD_LETTER_QUEUE, messageHandlers, retryDelaySeconds } from '../../worker/queue/consumer.ts';

afterEach(() => {
  delete messageHandlers['test.ok'];
  delete messageHandlers['test.fail'];
  vi.restoreAllMocks();
});

describe('queue consumer', () => {
  it('acks handled messages, retries failed ones with backoff, drops unreadable ones', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const handled: unknown[] = [];
    messageHandlers['test.ok'] = async (body) => void handled.push(body);
    messageHandlers['test.fail'] = async () => {
      throw new Error('stage failed');
    };
    const batch = createMessageBatch<unknown>('clip-recap-jobs', [
      { id: 'ok', timestamp: new Date(), attempts: 1, body: { type: 'test.ok', n: 1 } },
      { id: 'fail', timestamp: new Date(), attempts: 3, body: { type: 'test.fail' } },
      { id: 'unknown', timestamp: new Date(), attempts: 1, body: { type: 'no.such.type' } },
      { id: 'garbage', timestamp: new Date(), attempts: 1, body: 'not an object' },
    ]);
    // The test harness records which messages were retried but not the delay asked for: watch the call itself.
    const retry = vi.spyOn(batch.messages[1]!, 'retry');
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(handled).toEqual([{ type: 'test.ok', n: 1 }]);
    expect(result.explicitAcks.sort()).toEqual(['garbage', 'ok', 'unknown']);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['fail']);
    expect(retry).toHaveBeenCalledWith({ delaySeconds: 8 });
  });

  it('acks dead letters after recording them, without running the stage again', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    let ran = 0;
    messageHandlers['test.ok'] = async () => void ran++;
    const batch = createMessageBatch(DEAD_LETTER_QUEUE, [{ id: 'dead', timestamp: new Date(), attempts: 6, body: { type: 'test.ok' } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['dead']);
    expect(ran).toBe(0);
  });

  it('backs off exponentially up to 15 minutes', () => {
    expect([1, 2, 3, 10, 20].map(retryDelaySeconds)).toEqual([2, 4, 8, 900, 900]);
  });
});
