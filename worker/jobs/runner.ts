// Runs `job.run` messages: claims the job (so a duplicate delivery or a second worker leaves it alone), runs the
// handler of its kind with a progress callback, and completes it. While the handler runs, a heartbeat renews the
// lease, so only a worker that died loses its job; a worker that did lose it (its progress or completion finds the
// job claimed by another) stops before its next step rather than repeat the other's work. A failing attempt hands
// the job back to the queue for a retry; the dead-letter consumer marks it failed when retries run out. A read-only
// job whose message carries its request skips the claim: it computes, then records the answer only if the job is
// still open.
import type { JobKind, JobProgress, JobRunMessage, JobState } from '../../content-pipeline/index.ts';
import type { z } from 'zod';
import { describeError, log } from '../log.ts';
import type { Services } from '../services.ts';
import { isExpired } from '../storage/jobs.ts';

/** How long a worker may hold a job without reporting progress before another may take it over. */
export const JOB_LEASE_MS = 2 * 60_000;

/** Thrown to have the queue deliver the message again after a delay (e.g. when another worker's lease is live). */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
  readonly delaySeconds: number;
  constructor(message: string, delaySeconds: number) {
    super(message);
    this.delaySeconds = delaySeconds;
  }
}

export interface JobContext {
  job: JobState;
  request: unknown;
  services: Services;
  progress(step: string, current: number, total: number): Promise<void>;
}

/** Thrown by `progress()` when another worker has claimed the job: this run stops, and its message is done. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/** How often a running job's lease is renewed: well within the lease, so one late tick does not lose it. */
const HEARTBEAT_MS = JOB_LEASE_MS / 4;

/** An error that retrying cannot fix (bad request data, missing configuration): the job fails at once. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

export type JobHandler = (context: JobContext) => Promise<unknown>;

export const jobHandlers: Partial<Record<JobKind, JobHandler>> = {};

/** Computes a job's answer from its request alone, writing nothing: running it twice is harmless. */
export type ReadOnlyJobHandler = (request: unknown, services: Services) => Promise<unknown>;

/**
 * Kinds that can run without a claim. The claim is a D1 write whose only purpose is to keep a second delivery from
 * repeating the job's work; for a read-only job a repeat changes nothing, and the first answer recorded wins.
 */
export const readOnlyJobHandlers: Partial<Record<JobKind, ReadOnlyJobHandler>> = {};

/** The read-only handler for the request a message carries (`inline`), if its kind has one. */
function readOnlyHandlerFor(inline: { kind?: unknown } | undefined): ReadOnlyJobHandler | undefined {
  return typeof inline?.kind === 'string' ? readOnlyJobHandlers[inline.kind as JobKind] : undefined;
}

/** A `job.run` message that carries the request of a read-only kind: it runs without a claim (runReadOnlyJob). */
export function isReadOnlyJobMessage(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { type, inline } = body as { type?: unknown; inline?: { kind?: unknown } };
  return type === 'job.run' && readOnlyHandlerFor(inline) !== undefined;
}

export async function runJobMessage(message: z.infer<typeof JobRunMessage>, services: Services): Promise<void> {
  const readOnly = readOnlyHandlerFor(message.inline);
  if (message.inline && readOnly) return runReadOnlyJob(message.job_id, message.inline.kind, message.inline.request, readOnly, services);
  const workerId = crypto.randomUUID();
  // The claim is the first and, on the happy path, the only read: it returns the job it took.
  const job = await services.jobs.claim(message.job_id, workerId, services.clock(), JOB_LEASE_MS);
  if (!job) {
    const current = await services.jobs.get(message.job_id);
    if (!current || current.status === 'completed' || current.status === 'failed') {
      log('info', 'job_message_ignored', { job_id: message.job_id, reason: current ? `job is ${current.status}` : 'unknown job' });
      return;
    }
    if (isExpired(current, services.clock())) {
      log('info', 'job_message_ignored', { job_id: message.job_id, reason: 'job expired before it ran' });
      return;
    }
    // Another worker holds a live lease: if it died, this delivery comes back after the lease and takes over.
    throw new RetryLaterError(`job ${message.job_id} is held by another worker`, Math.ceil(JOB_LEASE_MS / 1000) + 1);
  }
  const handler = jobHandlers[job.kind];
  if (!handler) {
    await services.jobs.fail(job.job_id, workerId, `no handler for job kind ${job.kind}`, services.clock());
    return;
  }
  const context: JobContext = {
    job,
    request: JSON.parse(job.request_data),
    services,
    progress: async (step, current, total) => {
      if (!(await services.jobs.progress(job.job_id, workerId, { step, current, total } satisfies JobProgress, services.clock(), JOB_LEASE_MS))) {
        throw new LeaseLostError(`job ${job.job_id} was taken over by another worker`);
      }
    },
  };
  const heartbeat = setInterval(() => {
    services.jobs.renewLease(job.job_id, workerId, services.clock(), JOB_LEASE_MS).catch((error: unknown) => log('warn', 'job_lease_renewal_failed', { job_id: job.job_id, ...describeError(error) }));
  }, HEARTBEAT_MS);
  try {
    const results = await handler(context);
    // The handler is done: no renewal may land after (or during) the completion or a release below.
    clearInterval(heartbeat);
    if (!(await services.jobs.complete(job.job_id, workerId, results, services.clock()))) {
      log('warn', 'job_completion_dropped', { job_id: job.job_id, kind: job.kind, reason: 'another worker took the job over' });
    }
  } catch (error) {
    clearInterval(heartbeat);
    if (error instanceof LeaseLostError) {
      log('warn', 'job_lease_lost', { job_id: job.job_id, kind: job.kind });
      return;
    }
    if (error instanceof PermanentJobError) return failForGood(job.job_id, workerId, job.kind, error, services);
    await services.jobs.release(job.job_id, workerId, describeError(error).error_message, services.clock());
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

/** A job retrying cannot fix: failed at once, logged and announced (unless it had already finished). */
async function failForGood(jobId: string, workerId: string | undefined, kind: JobKind, error: PermanentJobError, services: Services): Promise<void> {
  const { error_message } = describeError(error);
  // A read-only job runs unclaimed (no worker id): it fails unless it finished or a live worker holds it.
  const now = services.clock();
  const failed = workerId === undefined ? await services.jobs.failUnlessRunning(jobId, error_message, now) : await services.jobs.fail(jobId, workerId, error_message, now);
  if (!failed) {
    log('warn', 'job_failure_dropped', { job_id: jobId, kind, reason: 'the job finished, or another worker took it over', error_message });
    return;
  }
  log('warn', 'job_failed', { job_id: jobId, kind, error_message });
  await services.notify(`Job ${jobId} (${kind}) failed: ${error_message}`);
}

/** One D1 write instead of two (claim, then complete): compute, then complete the job if it is still open. */
async function runReadOnlyJob(jobId: string, kind: JobKind, request: unknown, handler: ReadOnlyJobHandler, services: Services): Promise<void> {
  let results: unknown;
  try {
    results = await handler(request, services);
  } catch (error) {
    if (!(error instanceof PermanentJobError)) throw error; // the queue retries; nothing was claimed to hand back
    return failForGood(jobId, undefined, kind, error, services);
  }
  if (!(await services.jobs.completeOpen(jobId, results, services.clock()))) {
    log('info', 'job_message_ignored', { job_id: jobId, reason: 'job is no longer open (done, failed, expired or held by a live worker)' });
  }
}
