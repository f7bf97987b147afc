// zod at the edge: parse request input or throw a 400 that lists every failing field.
import type { z } from 'zod';
import { AppError } from './errors.ts';

export interface FieldIssue {
  field: string;
  message: string;
}

/**
 * One entry per failing field: an unknown key is named itself (`sort`, `filters.color`); an issue about the whole
 * input (say, a body that is not an object) is named `whole` (`(body)`, `(query)`).
 */
export function fieldIssues(error: z.ZodError, whole = '(body)'): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: [...path, key].join('.'), message: 'is not a known field' }));
    return [{ field: path.join('.') || whole, message: issue.message }];
  });
}

const DAY_MS = 86_400_000;

/** A `date_range` longer than `maxMs`, read from the raw input so it is listed with the schema's own issues. */
function rangeIssues(value: unknown, maxMs: number): FieldIssue[] {
  const range = (value as { date_range?: { start?: unknown; end?: unknown } } | null | undefined)?.date_range;
  const start = typeof range?.start === 'string' ? Date.parse(range.start) : NaN;
  const end = typeof range?.end === 'string' ? Date.parse(range.end) : NaN;
  if (!(end - start > maxMs)) return [];
  return [{ field: 'date_range', message: `may cover at most ${Math.round(maxMs / DAY_MS)} days` }];
}

/** Parses request input, or throws one 400 listing every failing field (a too long `date_range` among them). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path', options: { maxRangeMs?: number } = {}): z.infer<S> {
  const result = schema.safeParse(value);
  const issues = [...(result.success ? [] : fieldIssues(result.error, `(${where})`)), ...(options.maxRangeMs === undefined ? [] : rangeIssues(value, options.maxRangeMs))];
  if (result.success && issues.length === 0) return result.data;
  throw new AppError(
    'VALIDATION_FAILED',
    `Invalid request ${where}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    { fields: issues },
  );
}

/** The longest range an ingest, backfill or publish request may cover. */
export const MAX_JOB_RANGE_MS = 31 * DAY_MS;
