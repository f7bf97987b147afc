// The dead-letter consumer's work: a message whose retries ran out marks its job or item failed, with the last
// error recorded while it was retrying (a failed re-match only logs). Repeating this is harmless.
import { fail, type QueueMessage } from '../../content-pipeline/index.ts';
import { log } from '../log.ts';
import type { Services } from '../services.ts';
import { RETRYING_PREFIX, STAGE_INPUT } from './item-stage.ts';

export async function recordDeadLetter(message: QueueMessage, services: Services): Promise<void> {
  const now = services.clock();
  const nowIso = new Date(now).toISOString();
  if (message.type === 'job.run') {
    const job = await services.jobs.get(message.job_id);
    const reason = `gave up after the queue's retries${job?.error_message ? `: ${job.error_message}` : ''}`;
    // A duplicate delivery that kept meeting a live worker's lease ends here too: the running job is left alone.
    if (await services.jobs.failUnlessRunning(message.job_id, reason, now)) {
      log('error', 'job_dead_lettered', { job_id: message.job_id, reason });
      await services.notify(`Job ${message.job_id}${job ? ` (${job.kind})` : ''} failed: ${reason}`);
    }
    return;
  }
  if (message.type === 'clip.rematch') {
    // The item itself is fine (it keeps its earlier match): only the refresh is given up.
    log('error', 'rematch_dead_lettered', { content_item_id: message.content_item_id });
    return;
  }
  await services.contentItems.update(message.content_item_id, (item) => {
    // Only an item still waiting for this stage: another delivery (a re-ingest's) may have taken it past since.
    if (item.processing_status !== STAGE_INPUT[message.type]) return item;
    const last = item.status_reason?.startsWith(RETRYING_PREFIX) ? item.status_reason.slice(RETRYING_PREFIX.length) : `${message.type} did not complete`;
    log('error', 'item_dead_lettered', { content_item_id: item.content_item_id, stage: message.type, last_error: last });
    return fail(item, { code: 'dead_lettered', message: `${message.type} failed after the queue's retries: ${last}`, occurred_at: nowIso }, nowIso);
  });
}
