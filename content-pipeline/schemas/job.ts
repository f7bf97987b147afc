// Jobs: the spec's JobState (as stored) and JobStatusResponse (as answered), with the lifecycle rules.
import { z } from 'zod';
import { IsoDateTime, Ulid } from './primitives.ts';

export const JobStatus = z.enum(['queued', 'processing', 'completed', 'failed']);
export type JobStatus = z.infer<typeof JobStatus>;

export const JobKind = z.enum(['clip_ingest', 'content_generation', 'github_backfill', 'recap_publish']);
export type JobKind = z.infer<typeof JobKind>;

export const JobProgress = z.object({ step: z.string(), current: z.number().int().nonnegative(), total: z.number().int().nonnegative() });
export type JobProgress = z.infer<typeof JobProgress>;

export const JobState = z.object({
  job_id: Ulid,
  kind: JobKind,
  status: JobStatus,
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
  expires_at: IsoDateTime,
  progress: JobProgress.optional(),
  /** JSON of the original request. */
  request_data: z.string(),
  /** JSON of the results, when completed. */
  results: z.string().optional(),
  error_message: z.string().optional(),
  worker_id: z.string().optional(),
  started_at: IsoDateTime.optional(),
  completed_at: IsoDateTime.optional(),
});
export type JobState = z.infer<typeof JobState>;

export const ErrorInfo = z.object({ code: z.string(), message: z.string(), occurred_at: IsoDateTime });

export const JobStatusResponse = z.object({
  job_id: Ulid,
  status: JobStatus,
  status_url: z.url(),
  expires_at: IsoDateTime,
  progress: JobProgress.optional(),
  results: z.unknown().optional(),
  error: ErrorInfo.optional(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
  started_at: IsoDateTime.optional(),
  completed_at: IsoDateTime.optional(),
});
export type JobStatusResponse = z.infer<typeof JobStatusResponse>;

/** The status answer for a stored job; optional fields are omitted, never null. */
export function jobStatusResponse(job: JobState, statusUrl: string): JobStatusResponse {
  return {
    job_id: job.job_id,
    status: job.status,
    status_url: statusUrl,
    expires_at: job.expires_at,
    ...(job.progress && { progress: job.progress }),
    ...(job.results !== undefined && { results: JSON.parse(job.results) as unknown }),
    ...(job.error_message !== undefined && {
      error: { code: 'JOB_FAILED', message: job.error_message, occurred_at: job.completed_at ?? job.updated_at },
    }),
    created_at: job.created_at,
    updated_at: job.updated_at,
    ...(job.started_at && { started_at: job.started_at }),
    ...(job.completed_at && { completed_at: job.completed_at }),
  };
}
