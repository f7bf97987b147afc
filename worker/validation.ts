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
