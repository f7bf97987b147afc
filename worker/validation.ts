// zod at the edge: parse request input or throw a 400 that lists every failing field.
import type { z } from 'zod';
import { AppError } from './errors.ts';

export interface FieldIssue {
  field: string;
  message: string;
}

export function fieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || prefix || '(body)',
    message: issue.message,
  }));
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  throw new AppError(
    'VALIDATION_FAILED',
    `Invalid request ${where}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    { fields: issues },
  );
}
