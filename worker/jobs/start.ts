// Starting a job: its record, then its `job.run` message (optionally held back), in that order so the consumer
// always finds the record it is told to run.
import type { JobKind, JobState } from '../../content-pipeline/index.ts';
import { enqueue } from '../pipeline/enqueue.ts';
import type { Services } from '../services.ts';

export async function startJob(services: Services, kind: JobKind, request: unknown, delaySeconds?: number): Promise<JobState> {
  const now = services.clock();
  const job = await services.jobs.create(kind, request, now, services.jobTtlMs, delaySeconds === undefined ? undefined : now + delaySeconds * 1000);
  await enqueue(services.jobsQueue, [{ type: 'job.run', job_id: job.job_id }], delaySeconds);
  return job;
}
