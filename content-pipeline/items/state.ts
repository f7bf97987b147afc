// The processing state machine of a ContentItem. The model refuses every transition not listed here, so no
// caller can move an item backwards or skip a stage by accident.
import { ProcessingStatus, type ContentItem, type ItemError } from '../schemas/content-item.ts';

const NEXT: Record<ProcessingStatus, readonly ProcessingStatus[]> = {
  pending: ['queued', 'failed'],
  queued: ['audio_ready', 'failed'],
  audio_ready: ['transcribed', 'failed'],
  transcribed: ['enhanced', 'failed'],
  enhanced: ['ready_for_content', 'failed'],
  ready_for_content: ['failed'],
  failed: ['queued'],
};

export class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError';
  readonly from: ProcessingStatus;
  readonly to: ProcessingStatus;
  constructor(from: ProcessingStatus, to: ProcessingStatus) {
    super(`processing_status cannot go from ${from} to ${to}`);
    this.from = from;
    this.to = to;
  }
}

export function canTransition(from: ProcessingStatus, to: ProcessingStatus): boolean {
  return NEXT[from].includes(to);
}

/** Stages a status comes after, in order: used to tell "already done" from "not yet possible". */
export const STATUS_ORDER: readonly ProcessingStatus[] = ProcessingStatus.options.filter((s) => s !== 'failed');

/** True when the item has reached `status` or a later stage (never for failed items). */
export function hasReached(item: Pick<ContentItem, 'processing_status'>, status: ProcessingStatus): boolean {
  const at = STATUS_ORDER.indexOf(item.processing_status);
  const target = STATUS_ORDER.indexOf(status);
  return at !== -1 && target !== -1 && at >= target;
}

/**
 * Moves the item to `to`, stamping updated_at (and enhanced_at / content_ready_at where due), clearing a
 * previous error on re-drive and any waiting reason. Moving to the status it already has is a no-op (a stage
 * delivered twice), not an error; every other unlisted move throws InvalidTransitionError.
 */
export function transition(
  item: ContentItem,
  to: ProcessingStatus,
  nowIso: string,
  patch: Partial<ContentItem> = {},
): ContentItem {
  if (item.processing_status === to && to !== 'failed') return item;
  if (!canTransition(item.processing_status, to)) throw new InvalidTransitionError(item.processing_status, to);
  const { status_reason: _reason, error: previousError, ...rest } = item;
  return {
    ...rest,
    ...(to === 'failed' && previousError && { error: previousError }),
    ...patch,
    processing_status: to,
    updated_at: nowIso,
    ...(to === 'enhanced' && { enhanced_at: nowIso }),
    ...(to === 'ready_for_content' && { content_ready_at: nowIso }),
  };
}

/** Marks the item failed with the error; failing an already failed item just records the newer error. */
export function fail(item: ContentItem, error: ItemError, nowIso: string): ContentItem {
  if (item.processing_status === 'failed') return { ...item, error, updated_at: nowIso };
  return transition(item, 'failed', nowIso, { error });
}
