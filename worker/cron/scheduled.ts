// Cron dispatch: each schedule in wrangler.toml maps to one task here.
import { log } from '../log.ts';
import type { Services } from '../services.ts';
import { runDailyPipeline } from './daily-run.ts';
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
      await runDailyPipeline(services, scheduledTime);
      return;
    default:
      log('warn', 'unknown_cron', { cron });
  }
}
