// What every per-item stage shares: load the item, skip it when the stage already ran (delivery is at least
// once), hand it on again when the stage ran but its hand-off was lost, and remember the last error on the item so
// a dead letter can say why it failed.
import type { ContentItem, ItemStageMessage, ProcessingStatus } from '../../content-pipeline/index.ts';
import { describeError, log } from '../log.ts';
import type { Services } from '../services.ts';
import { enqueue } from './enqueue.ts';

export const RETRYING_PREFIX = 'retrying: ';

/** The stages that move an item along (a rematch refreshes it in place). */
type StageType = Exclude<ItemStageMessage['type'], 'clip.rematch'>;

/** The status an item has when each stage's work is still to do. */
export const STAGE_INPUT: Record<StageType, ProcessingStatus> = {
  'clip.audio': 'queued',
  'clip.transcribe': 'audio_ready',
  'clip.enhance': 'transcribed',
  'clip.score': 'enhanced',
};

export type StageBody = (item: ContentItem, services: Services) => Promise<void>;

/** The status each stage moves an item to, and the next stage's message it then sends (none after scoring). */
const STAGE_HANDOFF: Partial<Record<StageType, { status: ProcessingStatus; next: StageType }>> = {
  'clip.audio': { status: 'audio_ready', next: 'clip.transcribe' },
  'clip.transcribe': { status: 'transcribed', next: 'clip.enhance' },
  'clip.enhance': { status: 'enhanced', next: 'clip.score' },
};

/**
 * Runs `body` for the item named by the message while it waits for this stage (STAGE_INPUT); a missing item is
 * logged and dropped. An item already at the status the stage moves it to (STAGE_HANDOFF) ran this stage, but the next stage's message may never have gone out (the
 * send failed, or the worker stopped in between, and the queue redelivered this message): it is sent again, which
 * the next stage, idempotent like every stage, absorbs if it was sent after all.
 * An error is written to the item's status_reason (best effort) and rethrown so the queue retries.
 */
export async function runItemStage(message: ItemStageMessage & { type: StageType }, services: Services, body: StageBody): Promise<void> {
  const current = await services.contentItems.get(message.content_item_id);
  if (!current) {
    log('warn', 'stage_item_missing', { stage: message.type, content_item_id: message.content_item_id });
    return;
  }
  if (current.item.processing_status !== STAGE_INPUT[message.type]) {
    const handoff = STAGE_HANDOFF[message.type];
    if (handoff && current.item.processing_status === handoff.status) {
      log('info', 'stage_handoff_resent', { stage: message.type, content_item_id: message.content_item_id, next: handoff.next });
      await enqueue(services.jobsQueue, [{ type: handoff.next, content_item_id: message.content_item_id }]);
      return;
    }
    log('info', 'stage_skipped', { stage: message.type, content_item_id: message.content_item_id, status: current.item.processing_status });
    return;
  }
  try {
    await body(current.item, services);
  } catch (error) {
    const reason = `${RETRYING_PREFIX}${message.type}: ${describeError(error).error_message}`.slice(0, 500);
    await services.contentItems
      .update(message.content_item_id, (item) => (item.status_reason === reason ? item : { ...item, status_reason: reason }))
      .catch(() => undefined);
    throw error;
  }
}

/** Sets or clears the reason an item waits at its stage (no status change). */
export async function setWaitingReason(services: Services, contentItemId: string, reason: string | undefined): Promise<void> {
  await services.contentItems.update(contentItemId, (item) => {
    if (item.status_reason === reason) return item;
    const { status_reason: _old, ...rest } = item;
    return { ...rest, ...(reason !== undefined && { status_reason: reason }), updated_at: new Date(services.clock()).toISOString() };
  });
}
