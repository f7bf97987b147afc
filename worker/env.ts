// The zod check of the worker's environment (vars, secrets, bindings), run at every entry point. A problem becomes
// one BAD_ENVIRONMENT error naming the variable; values are never echoed, since some are secrets.
import { z } from 'zod';
import { ApiKeysSchema } from '../content-pipeline/index.ts';

/** Secrets are not in wrangler.toml, so `wrangler types` cannot see them; they are declared here. */
export interface Secrets {
  /** JSON array of `{"id", "secret", "rotated_at"?}` (see docs/api.md). */
  HMAC_KEYS: string;
}

export type WorkerEnv = Env & Partial<Secrets>;

const binding = <T>(name: string, method: string) =>
  z.custom<T>(
    (value) => typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[method] === 'function',
    `${name} binding is missing or is not the expected kind`,
  );

const positiveNumber = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) {
        ctx.addIssue({ code: 'custom', message: 'must be a positive number' });
        return z.NEVER;
      }
      return n;
    });

const hmacKeys = z.string({ error: 'is required (a JSON array of keys, see .dev.vars.example)' }).transform((raw, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // JSON.parse messages quote the input, which is a secret: say only what is wrong.
    ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
    return z.NEVER;
  }
  const keys = ApiKeysSchema.safeParse(parsed);
  if (!keys.success) {
    for (const issue of keys.error.issues) {
      ctx.addIssue({ code: 'custom', message: `${issue.path.length ? `[${issue.path.join('.')}] ` : ''}${issue.message}` });
    }
    return z.NEVER;
  }
  return keys.data;
});

export const EnvSchema = z.object({
  DB: binding<D1Database>('DB', 'prepare'),
  BUCKET: binding<R2Bucket>('BUCKET', 'head'),
  JOBS_QUEUE: binding<Queue>('JOBS_QUEUE', 'send'),
  AI: binding<Ai>('AI', 'run').optional(),
  ENVIRONMENT: z.enum(['development', 'test', 'production']).default('development'),
  HMAC_KEYS: hmacKeys,
  HMAC_MAX_SKEW_SECONDS: positiveNumber(300),
  IDEMPOTENCY_TTL_HOURS: positiveNumber(24),
  JOB_TTL_HOURS: positiveNumber(24),
});

export type AppEnv = z.infer<typeof EnvSchema>;

export class BadEnvironmentError extends Error {
  override readonly name = 'BadEnvironmentError';
  readonly variables: string[];
  constructor(problems: Array<{ variable: string; message: string }>) {
    super(problems.map((p) => `${p.variable} ${p.message}`).join('; '));
    this.variables = problems.map((p) => p.variable);
  }
}

// The env object is the same for every request of an isolate: validate it once.
const cache = new WeakMap<object, AppEnv>();

export function parseEnv(env: WorkerEnv): AppEnv {
  const hit = cache.get(env);
  if (hit) return hit;
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    throw new BadEnvironmentError(
      result.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? 'environment'), message: issue.message })),
    );
  }
  cache.set(env, result.data);
  return result.data;
}
