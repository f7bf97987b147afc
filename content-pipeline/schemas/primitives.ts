// Small shared zod types: timestamps, URLs, ids. One definition each, so every schema agrees.
import { z } from 'zod';

/** RFC 3339 date-time with `Z` or a numeric offset. */
export const IsoDateTime = z.iso.datetime({ offset: true });
export type IsoDateTime = z.infer<typeof IsoDateTime>;

/** Only http(s): untrusted data may never smuggle in `javascript:`, `data:` or other schemes. */
export const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const Ulid = z.ulid();

/** A GitHub repository as `owner/name`: at most 140 characters (owners 39, names 100). */
export const RepoName = z
  .string()
  .max(140, 'must be owner/name, at most 140 characters')
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name');

/** A calendar range, start inclusive, end exclusive. */
export const DateRange = z
  .object({ start: IsoDateTime, end: IsoDateTime })
  .refine((r) => Date.parse(r.end) > Date.parse(r.start), { message: 'end must be after start', path: ['end'] });
export type DateRange = z.infer<typeof DateRange>;
