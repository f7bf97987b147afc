// Sending stage messages: batched (Queues take up to 100 per sendBatch), each validated before it leaves.
import { QueueMessage } from '../../content-pipeline/index.ts';

/** Sends messages; `delaySeconds` (at most 12 h, the Queues limit) holds them back, e.g. until earlier stages ran. */
export async function enqueue(queue: Queue, messages: QueueMessage[], delaySeconds?: number): Promise<void> {
  for (let i = 0; i < messages.length; i += 100) {
    const batch = messages.slice(i, i + 100).map((m) => ({
      body: QueueMessage.parse(m),
      contentType: 'json' as const,
      ...(delaySeconds !== undefined && { delaySeconds: Math.min(43_200, Math.max(0, Math.round(delaySeconds))) }),
    }));
    await queue.sendBatch(batch);
  }
}
