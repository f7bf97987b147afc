// Sending stage messages: batched (Queues take up to 100 per sendBatch), each validated before it leaves.
import { QueueMessage } from '../../content-pipeline/index.ts';

export async function enqueue(queue: Queue, messages: QueueMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 100) {
    const batch = messages.slice(i, i + 100).map((m) => ({ body: QueueMessage.parse(m), contentType: 'json' as const }));
    await queue.sendBatch(batch);
  }
}
