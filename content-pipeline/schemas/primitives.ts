// Small shared zod types: timestamps, URLs, ids. One definition each, so every schema agrees.
import { z } from 'zod';

/** RFC 3339 date-time with `Z` or a numeric offset. */
export const IsoDateTime = z.iso.datetime({ offset: true });
export type IsoDateTime = z.infer<typeof IsoDateTime>;

/** Only http(s): untrusted data may never smuggle in `javascript:`, `data:` or other schemes. */
export const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const Ulid = z.ulid();

/** A calendar range, start inclusive, end exclusive. */
export const DateRange = z
  .object({ start: IsoDateTime, end: IsoDateTime })
  .refine((r) => Date.parse(r.end) > Date.parse(r.start), { message: 'end must be after start', path: ['end'] });
export type DateRange = z.infer<typeof DateRange>;
