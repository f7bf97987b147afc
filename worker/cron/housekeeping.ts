// Housekeeping shared by the 12-hourly cron and POST /api/jobs/cleanup: expired jobs, nonces, idempotency records.
import { log } from '../log.ts';
import type { Services } from '../services.ts';

export interface HousekeepingResult {
  deleted_jobs: number;
  deleted_nonces: number;
  deleted_idempotency_records: number;
}

export async function runHousekeeping(services: Services): Promise<HousekeepingResult> {
  const now = services.clock();
  const [jobs, nonces, idempotency] = await Promise.all([
    services.jobs.deleteExpired(new Date(now).toISOString()),
    services.nonces.sweep(now),
    services.idempotency.sweep(now),
  ]);
  const result = { deleted_jobs: jobs.length, deleted_nonces: nonces, deleted_idempotency_records: idempotency };
  log('info', 'housekeeping', { ...result });
  return result;
}
