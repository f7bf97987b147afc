// ContentItem: the one model every stage reads and writes (the spec's schema, plus the few fields the
// pipeline needs to explain itself). The TypeScript type is inferred from this schema, never written twice.
import { z } from 'zod';
import { HttpUrl, IsoDateTime, Ulid } from './primitives.ts';

export const CONTENT_ITEM_SCHEMA_VERSION = '1.0.0';

export const ProcessingStatus = z.enum([
  'pending',
  'queued',
  'audio_ready',
  'transcribed',
  'enhanced',
  'ready_for_content',
  'failed',
]);
export type ProcessingStatus = z.infer<typeof ProcessingStatus>;

export const ContentCategory = z.enum(['development', 'gaming', 'tutorial', 'review', 'other']);
export type ContentCategory = z.infer<typeof ContentCategory>;

export const Platform = z.enum(['twitch', 'youtube', 'unknown']);
export type Platform = z.infer<typeof Platform>;

export const ItemError = z.object({
  /** Stable machine-readable code, e.g. `invalid_clip`, `media_unavailable`, `dead_lettered`. */
  code: z.string().min(1),
  message: z.string(),
  occurred_at: IsoDateTime,
});
export type ItemError = z.infer<typeof ItemError>;

const NonNegativeInt = z.number().int().nonnegative();

export const ContentItem = z.object({
  schema_version: z.literal(CONTENT_ITEM_SCHEMA_VERSION),
  /** ULID derived from the clip (see contentItemIdFor): the same clip always gets the same id. */
  content_item_id: Ulid,

  clip_id: z.string().min(1).max(200),
  /** Written by whoever clipped the stream: untrusted text. */
  clip_title: z.string().max(500),
  clip_url: HttpUrl,
  /** `https://clips.twitch.tv/embed?clip=<id>`; the site adds `parent` at click time. */
  clip_embed_url: HttpUrl,
  clip_thumbnail_url: HttpUrl,
  /** Seconds. */
  clip_duration: z.number().nonnegative(),
  clip_view_count: NonNegativeInt,
  clip_created_at: IsoDateTime,
  broadcaster_name: z.string(),
  creator_name: z.string(),
  platform: Platform,

  processing_status: ProcessingStatus,
  /** Why an item waits at its stage without being failed, e.g. `budget_exceeded`, `media_token_missing`. */
  status_reason: z.string().optional(),
  audio_file_url: z.string().optional(),

  transcript_url: z.string().optional(),
  transcript_summary: z.string().max(500).optional(),
  transcript_size_bytes: NonNegativeInt.optional(),

  github_context_url: z.string().optional(),
  github_summary: z.string().max(500).optional(),
  github_context_size_bytes: NonNegativeInt.optional(),

  content_score: z.number().min(0).max(100).optional(),
  content_tags: z.array(z.string()).optional(),
  content_category: ContentCategory.optional(),

  error: ItemError.optional(),

  stored_at: IsoDateTime,
  enhanced_at: IsoDateTime.optional(),
  content_ready_at: IsoDateTime.optional(),
  updated_at: IsoDateTime.optional(),

  // Beyond the spec: what the pipeline needs for queries and stages.
  /** The judge's criteria, each 0-1 with a one-sentence reason. */
  content_criteria: z
    .object({
      coherence: z.object({ score: z.number().min(0).max(1), reason: z.string() }),
      correctness: z.object({ score: z.number().min(0).max(1), reason: z.string() }),
      dev_signal: z.object({ score: z.number().min(0).max(1), reason: z.string() }),
    })
    .optional(),
  content_decision: z.enum(['approved', 'needs_review', 'rejected']).optional(),
  /** Best GitHub match confidence, 0-1 (0 when nothing matched). */
  github_confidence: z.number().min(0).max(1).optional(),
  /** GitHub repositories of the matched events. */
  github_repos: z.array(z.string()).optional(),
  /** Which judge scored the item; `judge_fallback_reason` says why the heuristic stood in for the AI judge. */
  judge: z.string().optional(),
  judge_fallback_reason: z.string().optional(),
  broadcaster_id: z.string().optional(),
  clip_language: z.string().optional(),
  media_file_url: z.string().optional(),
});
export type ContentItem = z.infer<typeof ContentItem>;
