// The zod check of the worker's environment (vars, secrets, bindings), run at every entry point. A problem becomes
// one BAD_ENVIRONMENT error naming the variable; values are never echoed, since some are secrets.
import { z } from 'zod';
import { ApiKeysSchema, RepoName } from '../content-pipeline/index.ts';

/** Secrets `wrangler types` cannot see (it reads only .dev.vars.example's names); all optional here, checked below. */
export interface Secrets {
  TWITCH_CLIENT_ID: string;
  TWITCH_CLIENT_SECRET: string;
  TWITCH_USER_TOKEN: string;
  TRANSCRIBE_API_KEY: string;
  GITHUB_WEBHOOK_SECRET: string;
  GITHUB_TOKEN: string;
  GITHUB_APP_PRIVATE_KEY: string;
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

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const optionalUrl = optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional());

const url = (fallback: string) => optionalText.transform((v) => v ?? fallback).pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }));

const list = optionalText.transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []));

export const EnvSchema = z.object({
  DB: binding<D1Database>('DB', 'prepare'),
  BUCKET: binding<R2Bucket>('BUCKET', 'head'),
  JOBS_QUEUE: binding<Queue>('JOBS_QUEUE', 'send'),
  AI: binding<Ai>('AI', 'run').optional(),
  MEDIA: binding<MediaBinding>('MEDIA', 'input').optional(),
  ENVIRONMENT: z.enum(['development', 'test', 'production']).default('development'),
  HMAC_KEYS: hmacKeys,
  HMAC_MAX_SKEW_SECONDS: positiveNumber(300),
  IDEMPOTENCY_TTL_HOURS: positiveNumber(24),
  JOB_TTL_HOURS: positiveNumber(24),
  /** Origin the worker is reachable at, for status URLs and public asset URLs. */
  PUBLIC_BASE_URL: url('http://127.0.0.1:8787'),

  TWITCH_API_BASE: url('https://api.twitch.tv'),
  TWITCH_AUTH_BASE: url('https://id.twitch.tv'),
  TWITCH_CLIENT_ID: optionalText,
  TWITCH_CLIENT_SECRET: optionalText,
  /** Logins whose clips the daily cron ingests. */
  TWITCH_BROADCASTERS: list,
  TWITCH_USER_TOKEN: optionalText,
  TWITCH_EDITOR_ID: optionalText,
  CLIP_MEDIA_URL_TEMPLATE: optionalText,
  MEDIA_MAX_BYTES: positiveNumber(100 * 1024 * 1024),

  AUDIO_SOURCE: z.enum(['auto', 'media-binding', 'http', 'fixture']).default('auto'),
  AUDIO_API_URL: optionalUrl,
  TRANSCRIBER: z.enum(['auto', 'workers-ai', 'http', 'fixture']).default('auto'),
  TRANSCRIBE_API_URL: optionalUrl,
  TRANSCRIBE_API_KEY: optionalText,
  TRANSCRIBE_MODEL: optionalText,

  GITHUB_API_URL: url('https://api.github.com'),
  /** Repositories (owner/name) to backfill and to match clips against. */
  GITHUB_REPOS: list.pipe(z.array(RepoName)),
  GITHUB_WEBHOOK_SECRET: optionalText,
  GITHUB_TOKEN: optionalText,
  GITHUB_APP_ID: optionalText,
  GITHUB_APP_PRIVATE_KEY: optionalText.refine((v) => v === undefined || !v.includes('BEGIN RSA PRIVATE KEY'), {
    message:
      'is in PKCS#1 format; WebCrypto needs PKCS#8: openssl pkcs8 -topk8 -inform PEM -outform PEM -nocrypt -in app.pem -out app-pkcs8.pem',
  }),
  GITHUB_APP_INSTALLATION_ID: optionalText,
  MATCH_WINDOW_BEFORE_MINUTES: positiveNumber(45),
  MATCH_WINDOW_AFTER_MINUTES: positiveNumber(30),
  MATCH_THRESHOLD: positiveNumber(0.55).refine((v) => v <= 1, 'must be at most 1'),

  /** `auto`: the Workers AI judge when AI is bound, else the heuristic judge. */
  JUDGE: z.enum(['auto', 'heuristic']).default('auto'),
  SCORE_APPROVE_THRESHOLD: positiveNumber(60).refine((v) => v <= 100, 'must be at most 100'),
  SCORE_REVIEW_THRESHOLD: positiveNumber(40).refine((v) => v <= 100, 'must be at most 100'),
  RECAP_INCLUDE_NEEDS_REVIEW: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  GENERATE_MAX_RANGE_DAYS: positiveNumber(31),
  /** owner/name of the blog repository recaps are proposed to (pull requests). Unset: recaps are dry runs. */
  BLOG_REPO: optionalText.pipe(RepoName.optional()),
  BLOG_BASE_BRANCH: optionalText.transform((v) => v ?? 'main'),
  RECAP_LABELS: list,
  RECAP_REVIEWERS: list,
  /** Cloudflare Pages project of the blog, for preview links in pull requests. */
  PAGES_PROJECT: optionalText.transform((v) => v ?? 'clip-recap'),
  /** How long the daily run holds back its recap jobs so ingest, matching and scoring finish first. */
  RECAP_PUBLISH_DELAY_MINUTES: positiveNumber(120).refine((v) => v <= 720, 'must be at most 720 (the Queues delay limit)'),
  DISCORD_WEBHOOK_URL: optionalUrl,
  DISCORD_CLEANUP_THRESHOLD: positiveNumber(100),

  /** Daily Workers AI budget, in seconds of audio (transcription); the judge's calls count here too. */
  AI_DAILY_AUDIO_SECONDS: positiveNumber(3600),
  /** Daily budget of media downloaded (clip MP4s and thumbnails), bytes. */
  MEDIA_DAILY_EGRESS_BYTES: positiveNumber(2 * 1024 * 1024 * 1024),
}).superRefine((env, ctx) => {
  if (env.SCORE_REVIEW_THRESHOLD > env.SCORE_APPROVE_THRESHOLD) {
    ctx.addIssue({ code: 'custom', path: ['SCORE_REVIEW_THRESHOLD'], message: 'must not exceed SCORE_APPROVE_THRESHOLD' });
  }
  if (env.AUDIO_SOURCE === 'http' && !env.AUDIO_API_URL) ctx.addIssue({ code: 'custom', path: ['AUDIO_API_URL'], message: 'is required when AUDIO_SOURCE=http' });
  if (env.AUDIO_SOURCE === 'media-binding' && !env.MEDIA) ctx.addIssue({ code: 'custom', path: ['MEDIA'], message: 'binding is required when AUDIO_SOURCE=media-binding' });
  if (env.TRANSCRIBER === 'http' && !env.TRANSCRIBE_API_URL) ctx.addIssue({ code: 'custom', path: ['TRANSCRIBE_API_URL'], message: 'is required when TRANSCRIBER=http' });
  if (env.TRANSCRIBER === 'workers-ai' && !env.AI) ctx.addIssue({ code: 'custom', path: ['AI'], message: 'binding is required when TRANSCRIBER=workers-ai' });
  const app = [env.GITHUB_APP_ID, env.GITHUB_APP_PRIVATE_KEY, env.GITHUB_APP_INSTALLATION_ID];
  if (app.some(Boolean) && !app.every(Boolean)) {
    const missing = ['GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'GITHUB_APP_INSTALLATION_ID'].filter((_, i) => !app[i]);
    for (const name of missing) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when a GitHub App is configured' });
  }
  if (Boolean(env.TWITCH_CLIENT_ID) !== Boolean(env.TWITCH_CLIENT_SECRET)) {
    ctx.addIssue({ code: 'custom', path: [env.TWITCH_CLIENT_ID ? 'TWITCH_CLIENT_SECRET' : 'TWITCH_CLIENT_ID'], message: 'must be set together with its pair' });
  }
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
