// The one wiring point: turns the validated environment into the adapters routes, consumers and crons use.
// Nothing else reads `env` directly.
import type { ApiKey } from '../content-pipeline/index.ts';
import type { AppEnv } from './env.ts';
import { IdempotencyStore } from './storage/idempotency.ts';
import { JobStore } from './storage/jobs.ts';
import { NonceStore } from './storage/nonces.ts';

export type Clock = () => number;

export interface Services {
  clock: Clock;
  environment: AppEnv['ENVIRONMENT'];
  apiKeys: readonly ApiKey[];
  maxSkewMs: number;
  jobTtlMs: number;
  db: D1Database;
  bucket: R2Bucket;
  jobsQueue: Queue;
  nonces: NonceStore;
  idempotency: IdempotencyStore;
  jobs: JobStore;
}

const HOUR_MS = 3_600_000;

export function createServices(env: AppEnv, clock: Clock = () => Date.now()): Services {
  return {
    clock,
    environment: env.ENVIRONMENT,
    apiKeys: env.HMAC_KEYS,
    maxSkewMs: env.HMAC_MAX_SKEW_SECONDS * 1000,
    jobTtlMs: env.JOB_TTL_HOURS * HOUR_MS,
    db: env.DB,
    bucket: env.BUCKET,
    jobsQueue: env.JOBS_QUEUE,
    nonces: new NonceStore(env.DB),
    idempotency: new IdempotencyStore(env.DB, env.IDEMPOTENCY_TTL_HOURS * HOUR_MS),
    jobs: new JobStore(env.DB),
  };
}
