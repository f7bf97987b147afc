// zod at the edge: parse request input or throw a 400 that lists every failing field.
import type { z } from 'zod';
import { AppError } from './errors.ts';

export interface FieldIssue {
  field: string;
  message: string;
}

/** One entry per failing field; issues about the whole input (e.g. unknown keys) are named `(body)`/`(query)`. */
export function fieldIssues(error: z.ZodError, whole = '(body)'): FieldIssue[] {
  return error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || whole, message: issue.message }));
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error, `(${where})`);
  throw new AppError(
    'VALIDATION_FAILED',
    `Invalid request ${where}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    { fields: issues },
  );
}

const DAY_MS = 86_400_000;

/** Refuses a date range longer than `maxMs` with the same 400 every route gives. */
export function assertRangeWithin(range: { start: string; end: string }, maxMs: number): void {
  if (Date.parse(range.end) - Date.parse(range.start) <= maxMs) return;
  const days = Math.round(maxMs / DAY_MS);
  throw new AppError('VALIDATION_FAILED', `Invalid request body: date_range: may cover at most ${days} days`, {
    fields: [{ field: 'date_range', message: `may cover at most ${days} days` }],
  });
}

/** The longest range an ingest, backfill or publish request may cover. */
export const MAX_JOB_RANGE_MS = 31 * DAY_MS;
