// Small helpers routes share.
import type { Context } from 'hono';
import type { JobState } from '../../content-pipeline/index.ts';
import type { AppBindings } from '../context.ts';

/** Absolute URL of a path on the origin the caller used. */
export function absoluteUrl(c: Context<AppBindings>, path: string): string {
  return new URL(path, c.req.url).href;
}

export const statusUrl = (c: Context<AppBindings>, jobId: string) => absoluteUrl(c, `/api/jobs/${jobId}/status`);

/** The 202 answer for a job started from the queue. */
export function jobAccepted(c: Context<AppBindings>, job: JobState): Response {
  return c.json({ job_id: job.job_id, job_status: job.status, status_url: statusUrl(c, job.job_id), expires_at: job.expires_at }, 202);
}

/** Query parameters as a plain object (a repeated name keeps its last value). */
export function queryObject(c: Context<AppBindings>): Record<string, string> {
  return Object.fromEntries(new URL(c.req.url).searchParams);
}
