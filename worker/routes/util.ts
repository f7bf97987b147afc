// Small helpers routes share.
import type { Context } from 'hono';
import type { AppBindings } from '../context.ts';

/** Absolute URL of a path on the origin the caller used. */
export function absoluteUrl(c: Context<AppBindings>, path: string): string {
  return new URL(path, c.req.url).href;
}

export const statusUrl = (c: Context<AppBindings>, jobId: string) => absoluteUrl(c, `/api/jobs/${jobId}/status`);

/** Query parameters as a plain object (a repeated name keeps its last value). */
export function queryObject(c: Context<AppBindings>): Record<string, string> {
  return Object.fromEntries(new URL(c.req.url).searchParams);
}
