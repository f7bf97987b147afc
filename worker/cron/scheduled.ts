// Cron dispatch: each schedule in wrangler.toml maps to one task here.
import { log } from '../log.ts';
import type { Services } from '../services.ts';
import { runHousekeeping } from './housekeeping.ts';

export const CRON = {
  housekeeping: '0 */12 * * *',
  dailyRun: '30 5 * * *',
} as const;

export async function runScheduled(cron: string, scheduledTime: number, services: Services): Promise<void> {
  switch (cron) {
    case CRON.housekeeping:
      await runHousekeeping(services);
      return;
    case CRON.dailyRun:
      // Ingest, matching, scoring and publishing for yesterday register here as those stages land.
      log('info', 'daily_run', { scheduled_time: new Date(scheduledTime).toISOString(), stages: [] });
      return;
    default:
      log('warn', 'unknown_cron', { cron });
  }
}
