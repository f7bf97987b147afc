// The daily pipeline run: ingest yesterday's clips (UTC) for every configured broadcaster, backfill GitHub, publish
// yesterday's daily recap (and on Mondays last week's summary) once the stages had time to run, and resume items
// that waited for a budget or for configuration.
import type { QueueMessage } from '../../content-pipeline/index.ts';
import { log } from '../log.ts';
import { startJob } from '../jobs/start.ts';
import { enqueue } from '../pipeline/enqueue.ts';
import type { Services } from '../services.ts';

const DAY_MS = 86_400_000;

/** Messages that restart each waiting item at its current stage. */
export async function resumeWaitingItems(services: Services): Promise<number> {
  const messages: QueueMessage[] = [];
  for (const prefix of ['budget_exceeded', 'media_unconfigured', 'media_token_rejected']) {
    for (const { content_item_id, processing_status } of await services.contentItems.waiting(prefix, 500)) {
      if (processing_status === 'queued') messages.push({ type: 'clip.audio', content_item_id });
      else if (processing_status === 'audio_ready') messages.push({ type: 'clip.transcribe', content_item_id });
      else if (processing_status === 'transcribed') messages.push({ type: 'clip.enhance', content_item_id });
      else if (processing_status === 'enhanced') messages.push({ type: 'clip.score', content_item_id });
    }
  }
  await enqueue(services.jobsQueue, messages);
  return messages.length;
}

export async function runDailyPipeline(services: Services, scheduledTime: number): Promise<void> {
  const dayStart = Math.floor(scheduledTime / DAY_MS) * DAY_MS;
  const dateRange = { start: new Date(dayStart - DAY_MS).toISOString(), end: new Date(dayStart).toISOString() };
  const jobs: string[] = [];
  if (services.helix) {
    for (const login of services.config.broadcasters) {
      jobs.push((await startJob(services, 'clip_ingest', { broadcaster_login: login, date_range: dateRange })).job_id);
    }
  } else if (services.config.broadcasters.length > 0) {
    log('warn', 'daily_run_skipped_ingest', { reason: 'TWITCH_CLIENT_ID / TWITCH_CLIENT_SECRET not set' });
  }
  if (services.github && services.config.githubRepos.length > 0) {
    jobs.push((await startJob(services, 'github_backfill', { date_range: dateRange })).job_id);
  }
  // Recaps wait for the stages above to run: their jobs are held back in the queue.
  const delay = services.config.recapPublishDelaySeconds;
  jobs.push((await startJob(services, 'recap_publish', { content_type: 'daily_recap', date_range: dateRange }, delay)).job_id);
  if (new Date(dayStart).getUTCDay() === 1) {
    const week = { start: new Date(dayStart - 7 * DAY_MS).toISOString(), end: new Date(dayStart).toISOString() };
    jobs.push((await startJob(services, 'recap_publish', { content_type: 'weekly_summary', date_range: week }, delay)).job_id);
  }
  const resumed = await resumeWaitingItems(services);
  log('info', 'daily_run', { date_range: dateRange, ingest_jobs: jobs, resumed_items: resumed });
}
