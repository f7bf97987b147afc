// The queue consumer: validates each message, dispatches it by type, and acks or retries it on its own, so one bad
// message never holds up its batch. Retries back off exponentially; after max_retries the queue moves the message
// to the dead-letter queue, whose consumer records the failure on the job or item.
import { QueueMessage } from '../../content-pipeline/index.ts';
import { isReadOnlyJobMessage, RetryLaterError, runJobMessage } from '../jobs/runner.ts';
import '../jobs/content-generation.ts';
import '../jobs/recap-publish.ts';
import '../jobs/clip-ingest.ts';
import '../jobs/github-backfill.ts';
import { describeError, log } from '../log.ts';
import { runAudioStage } from '../pipeline/audio-stage.ts';
import { runEnhanceStage } from '../pipeline/enhance-stage.ts';
import { runScoreStage } from '../pipeline/score-stage.ts';
import { recordDeadLetter } from '../pipeline/dead-letters.ts';
import { runRematchStage } from '../pipeline/rematch.ts';
import { runTranscribeStage } from '../pipeline/transcribe-stage.ts';
import type { Services } from '../services.ts';

export const DEAD_LETTER_QUEUE = 'clip-recap-jobs-dlq';

export type MessageHandler = (body: never, services: Services) => Promise<void>;

/** Handlers by message type; each must be idempotent, since delivery is at least once. */
export const messageHandlers: Record<string, MessageHandler> = {
  'job.run': runJobMessage,
  'clip.audio': runAudioStage,
  'clip.transcribe': runTranscribeStage,
  'clip.enhance': runEnhanceStage,
  'clip.score': runScoreStage,
  'clip.rematch': runRematchStage,
};

export function retryDelaySeconds(attempts: number): number {
  return Math.min(2 ** attempts, 15 * 60);
}

function typeOf(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null && typeof (body as { type?: unknown }).type === 'string'
    ? (body as { type: string }).type
    : undefined;
}

const KNOWN_TYPES = new Set<string>(QueueMessage.options.map((option) => option.shape.type.value));

/** The job or item a message is about, for the batch's log line. */
function subjectOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { job_id, content_item_id } = body as { job_id?: unknown; content_item_id?: unknown };
  return typeof job_id === 'string' ? job_id : typeof content_item_id === 'string' ? content_item_id : undefined;
}

export async function consumeBatch(batch: MessageBatch, services: Services): Promise<void> {
  const deadLetters = batch.queue === DEAD_LETTER_QUEUE;
  // One line per batch for what went well (failures keep a line each): a line per message would double the log
  // volume of the async API, whose acknowledgement logs its auth line already.
  const done: Array<{ type: string; subject: string | null }> = [];
  try {
    // Read-only jobs write nothing but their own answer, so they run first and side by side: their D1 batches (the
    // query, then the completion) go out together, two round trips for the whole group (the queue's services merge
    // D1 batches, storage/coalesced-batches.ts). Everything else then runs one message at a time, in order.
    const sideBySide = deadLetters ? [] : batch.messages.filter((message) => isReadOnlyJobMessage(message.body));
    await Promise.allSettled(sideBySide.map(consumeMessage));
    for (const message of batch.messages) if (!sideBySide.includes(message)) await consumeMessage(message);
  } finally {
    if (done.length > 0) log('info', 'queue_batch_done', { queue: batch.queue, messages: batch.messages.length, done });
  }

  async function consumeMessage(message: Message): Promise<void> {
    const type = typeOf(message.body);
    const handler = type === undefined ? undefined : messageHandlers[type];
    // Production types are validated against their schema; types registered at runtime (tests) are passed as is.
    const parsed = type !== undefined && KNOWN_TYPES.has(type) ? QueueMessage.safeParse(message.body) : undefined;
    if (!handler || parsed?.success === false) {
      // Retrying a message nobody can read only delays the ones behind it.
      log('error', 'queue_message_rejected', {
        queue: batch.queue,
        message_id: message.id,
        reason:
          type === undefined
            ? 'not an object with a string "type"'
            : !handler
              ? `unknown type ${type}`
              : `invalid ${type}: ${parsed!.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      });
      message.ack();
      return;
    }
    try {
      if (!deadLetters) await handler((parsed?.data ?? message.body) as never, services);
      else if (parsed?.success) await recordDeadLetter(parsed.data, services);
      else log('error', 'queue_dead_letter', { queue: batch.queue, message_id: message.id, type });
      message.ack();
      done.push({ type: type!, subject: subjectOf(message.body) ?? null });
    } catch (error) {
      const delaySeconds = error instanceof RetryLaterError ? error.delaySeconds : retryDelaySeconds(message.attempts);
      log('warn', 'queue_message_retry', {
        queue: batch.queue,
        message_id: message.id,
        type,
        attempts: message.attempts,
        delay_seconds: delaySeconds,
        ...describeError(error),
      });
      message.retry({ delaySeconds });
    }
  }
}
