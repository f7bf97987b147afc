// The spec's ContentGenerationRequest / ContentGenerationResponse. The TypeScript types are inferred from these
// schemas; optional response fields are omitted when they have no value, never null.
import { z } from 'zod';
import { ContentCategory, ContentItem, Platform, ProcessingStatus } from './content-item.ts';
import { JobStatus } from './job.ts';
import { IsoDateTime, RepoName, Ulid } from './primitives.ts';
import { RecapContentType } from './recap.ts';

const nonNegative = z.number().finite().nonnegative();

export const GenerationFilters = z
  .object({
    min_views: nonNegative.int().optional(),
    min_duration: nonNegative.optional(),
    max_duration: nonNegative.optional(),
    categories: z.array(ContentCategory).min(1).max(20).optional(),
    /** Minimum GitHub match confidence, 0-1. */
    min_confidence: z.number().min(0).max(1).optional(),
    platform: Platform.optional(),
    processing_status: z.array(ProcessingStatus).min(1).max(20).optional(),
  })
  .strict()
  .refine((f) => f.min_duration === undefined || f.max_duration === undefined || f.min_duration <= f.max_duration, {
    message: 'max_duration must be at least min_duration',
    path: ['max_duration'],
  });

export const ContentGenerationRequest = z
  .object({
    page: z.number().int().min(1).default(1),
    limit: z.number().int().min(1).max(100).default(20),
    sort_by: z.enum(['created_at', 'view_count', 'content_score', 'duration']).default('created_at'),
    sort_order: z.enum(['asc', 'desc']).default('desc'),
    date_range: z.object({ start: IsoDateTime, end: IsoDateTime }).strict(),
    filters: GenerationFilters.optional(),
    content_type: RecapContentType,
    repository: RepoName.optional(),
    mode: z.enum(['sync', 'async']).default('sync'),
    idempotency_key: z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 printable ASCII characters').optional(),
  })
  .strict()
  .refine((r) => Date.parse(r.date_range.end) > Date.parse(r.date_range.start), { message: 'end must be after start', path: ['date_range', 'end'] });
export type ContentGenerationRequest = z.infer<typeof ContentGenerationRequest>;
export type ContentGenerationRequestInput = z.input<typeof ContentGenerationRequest>;

export const GenerationPagination = z.object({
  total_items: z.number().int().nonnegative(),
  total_pages: z.number().int().nonnegative(),
  current_page: z.number().int().min(1),
  per_page: z.number().int().min(1),
  has_next: z.boolean(),
  has_prev: z.boolean(),
});

export const GenerationSummary = z.object({
  total_clips: z.number().int().nonnegative(),
  total_prs: z.number().int().nonnegative(),
  total_commits: z.number().int().nonnegative(),
  total_issues: z.number().int().nonnegative(),
});

export const ContentGenerationResponse = z
  .object({
    job_id: Ulid,
    job_status: JobStatus,
    status_url: z.url(),
    expires_at: IsoDateTime,
    content_items: z.array(ContentItem).optional(),
    date_range: z.object({ start: IsoDateTime, end: IsoDateTime }),
    pagination: GenerationPagination,
    summary: GenerationSummary,
    suggested_title: z.string().optional(),
    suggested_tags: z.array(ContentCategory).optional(),
    content_score: z.number().min(0).max(100).optional(),
    error: z.object({ code: z.string(), message: z.string(), occurred_at: IsoDateTime }).optional(),
  })
  .strict();
export type ContentGenerationResponse = z.infer<typeof ContentGenerationResponse>;

/** What a generation job stores as its results: the response's content fields. */
export type GenerationResults = Pick<ContentGenerationResponse, 'content_items' | 'date_range' | 'pagination' | 'summary' | 'suggested_title' | 'suggested_tags' | 'content_score'>;
