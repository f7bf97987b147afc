// The queue consumer: validates each message, dispatches it by type, and acks or retries it on its own, so one bad
// message never holds up its batch. Retries back off exponentially; after max_retries the queue moves the message
// to the dead-letter queue, whose consumer records the failure. Stage handlers register here as they are built.
import { z } from 'zod';
import { describeError, log } from '../log.ts';
import type { Services } from '../services.ts';

export const DEAD_LETTER_QUEUE = 'clip-recap-jobs-dlq';

/** Every message names its type; the handler validates the rest of its own shape. */
const Envelope = z.object({ type: z.string().min(1) }).loose();

export type MessageHandler = (body: unknown, services: Services) => Promise<void>;

/** Handlers by message type; must be idempotent, since delivery is at least once. */
export const messageHandlers: Record<string, MessageHandler> = {};

export function retryDelaySeconds(attempts: number): number {
  return Math.min(2 ** attempts, 15 * 60);
}

export async function consumeBatch(batch: MessageBatch, services: Services): Promise<void> {
  const deadLetters = batch.queue === DEAD_LETTER_QUEUE;
  for (const message of batch.messages) {
    const envelope = Envelope.safeParse(message.body);
    const handler = envelope.success ? messageHandlers[envelope.data.type] : undefined;
    if (!envelope.success || !handler) {
      // Retrying a message nobody can read only delays the ones behind it.
      log('error', 'queue_message_rejected', {
        queue: batch.queue,
        message_id: message.id,
        reason: envelope.success ? `unknown type ${envelope.data.type}` : 'not an object with a string "type"',
      });
      message.ack();
      continue;
    }
    if (deadLetters) {
      log('error', 'queue_dead_letter', { queue: batch.queue, message_id: message.id, type: envelope.data.type });
      message.ack();
      continue;
    }
    try {
      await handler(message.body, services);
      message.ack();
    } catch (error) {
      const delaySeconds = retryDelaySeconds(message.attempts);
      log('warn', 'queue_message_retry', {
        queue: batch.queue,
        message_id: message.id,
        type: envelope.data.type,
        attempts: message.attempts,
        delay_seconds: delaySeconds,
        ...describeError(error),
      });
      message.retry({ delaySeconds });
    }
  }
}
