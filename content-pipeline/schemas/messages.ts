// Queue messages: one type per stage, validated on receipt. Each names only ids; the stage reads current state
// from storage, so a repeated or late message cannot apply stale data. (A read-only job may also carry its own
// request, which never changes: see `inline` below.)
import { z } from 'zod';
import { JobKind } from './job.ts';
import { Ulid } from './primitives.ts';

const ItemMessage = <T extends string>(type: T) => z.object({ type: z.literal(type), content_item_id: Ulid }).strict();

export const JobRunMessage = z
  .object({
    type: z.literal('job.run'),
    job_id: Ulid,
    /**
     * For a job whose handler only reads (worker/jobs/runner.ts, readOnlyJobHandlers): its kind and request, so a
     * delivery computes the answer straight away and records it if the job is still open, without claiming it
     * first. The handler validates the request, as it does the stored one.
     */
    inline: z.object({ kind: JobKind, request: z.unknown() }).strict().optional(),
  })
  .strict();
export const ClipAudioMessage = ItemMessage('clip.audio');
export const ClipTranscribeMessage = ItemMessage('clip.transcribe');
export const ClipEnhanceMessage = ItemMessage('clip.enhance');
export const ClipScoreMessage = ItemMessage('clip.score');
/** Match an already enhanced item again, because GitHub events arrived after it was matched. */
export const ClipRematchMessage = ItemMessage('clip.rematch');

export const QueueMessage = z.discriminatedUnion('type', [
  JobRunMessage,
  ClipAudioMessage,
  ClipTranscribeMessage,
  ClipEnhanceMessage,
  ClipScoreMessage,
  ClipRematchMessage,
]);
export type QueueMessage = z.infer<typeof QueueMessage>;
export type ItemStageMessage = Exclude<QueueMessage, { type: 'job.run' }>;
