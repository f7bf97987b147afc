// Late GitHub events: a webhook can arrive after the clips around it were matched (a push can be sent long after
// its commits were made, and a delivery can be redelivered by hand), and backfill finds what webhooks missed. Every
// event a webhook stores, and every event backfill stores first, sends the already-matched items whose match window
// holds it back through the matcher (`clip.rematch`), which refreshes their GitHub context, summary and confidence
// without changing their status. The event stays marked until those messages are queued (migration 0009), and
// housekeeping queues what a stopped run left (`requeueStaleRematches`). Items not matched yet need nothing:
// the enhance stage will read the event. The score an item already has is kept (the judge is not run again).
import { candidateWindow, clipWindowForEvent, type ClipRematchMessage, type GitHubEvent, type ProcessingStatus } from '../../content-pipeline/index.ts';
import type { z } from 'zod';
import { log } from '../log.ts';
import type { Services } from '../services.ts';
import { batchInChunks } from '../storage/chunked-batch.ts';
import { enqueue } from './enqueue.ts';
import { matchAndStoreContext } from './enhance-stage.ts';

/** Statuses whose GitHub context came from an earlier match. */
const MATCHED: ReadonlySet<ProcessingStatus> = new Set(['enhanced', 'ready_for_content']);
/** Twitch clips are at most 60 s long; each candidate is then checked with its own duration. */
const MAX_CLIP_SECONDS = 60;
/** Items looked at per event, far above the clips a stream makes within a match window. */
const MAX_ITEMS_PER_EVENT = 500;

/** Enqueues `clip.rematch` for every matched item an event among `events` could belong to; how many. */
export async function enqueueRematches(events: readonly GitHubEvent[], services: Services): Promise<number> {
  const options = services.config.matchOptions;
  const repos = new Set((options.repos ?? []).map((r) => r.toLowerCase()));
  const relevant = events.filter((e) => repos.size === 0 || repos.has(e.repo.toLowerCase()));
  if (relevant.length === 0) return 0;
  const statuses = [...MATCHED];
  const statements = relevant.map((event) => {
    const window = clipWindowForEvent(event.occurred_at, MAX_CLIP_SECONDS, options);
    return services.db
      .prepare(
        `SELECT content_item_id, clip_created_at, clip_duration FROM content_items INDEXED BY content_items_created
         WHERE clip_created_at >= ?1 AND clip_created_at <= ?2 AND processing_status IN (${statuses.map((_, i) => `?${i + 3}`).join(', ')})
         LIMIT ${MAX_ITEMS_PER_EVENT}`,
      )
      .bind(window.from, window.to, ...statuses);
  });
  // A backfill can bring hundreds of events.
  const results = await batchInChunks<{ content_item_id: string; clip_created_at: string; clip_duration: number }>(services.db, statements);
  const ids = new Set<string>();
  results.forEach((result, i) => {
    const at = relevant[i]!.occurred_at;
    for (const row of result.results) {
      const window = candidateWindow(row.clip_created_at, row.clip_duration, options);
      if (at >= window.from && at <= window.to) ids.add(row.content_item_id);
    }
  });
  if (ids.size > 0) {
    await enqueue(services.jobsQueue, [...ids].map((content_item_id) => ({ type: 'clip.rematch' as const, content_item_id })));
    log('info', 'github_rematch_queued', { events: relevant.length, items: ids.size });
  }
  return ids.size;
}

/** Events marked longer than this were left by a run that stopped between its write and its rematch. */
const STALE_REMATCH_MS = 10 * 60_000;

/** Queues the rematches that stopped runs left behind (housekeeping); how many items were queued. */
export async function requeueStaleRematches(services: Services, limit = 500): Promise<number> {
  const stale = await services.githubEvents.staleRematches(new Date(services.clock() - STALE_REMATCH_MS).toISOString(), limit);
  if (stale.length === 0) return 0;
  const items = await enqueueRematches(stale.map((s) => s.event), services);
  // Each cleared as of its own write: one written again since stays marked.
  const byWrite = new Map<string, string[]>();
  for (const { event, updatedAt } of stale) byWrite.set(updatedAt, [...(byWrite.get(updatedAt) ?? []), event.id]);
  for (const [updatedAt, ids] of byWrite) await services.githubEvents.rematchQueued(ids, updatedAt);
  return items;
}

/** Stage `clip.rematch`: matches a matched item again and stores what changed. Idempotent. */
export async function runRematchStage(message: z.infer<typeof ClipRematchMessage>, services: Services): Promise<void> {
  const current = await services.contentItems.get(message.content_item_id);
  if (!current || !MATCHED.has(current.item.processing_status)) return;
  const { fields, best, repos, nowIso } = await matchAndStoreContext(current.item, services);
  await services.contentItems.update(
    message.content_item_id,
    (item) => {
      if (!MATCHED.has(item.processing_status)) return item;
      // A scored item carries the match's confidence and repositories itself (the API shows them, the repository
      // filter reads them): they follow the new match. The score is kept.
      const scored = item.processing_status === 'ready_for_content' ? { github_confidence: best, github_repos: repos } : {};
      const next = { ...fields, ...scored };
      const unchanged = (Object.keys(next) as Array<keyof typeof next>).every((k) => JSON.stringify(item[k]) === JSON.stringify(next[k]));
      return unchanged ? item : { ...item, ...next, updated_at: nowIso };
    },
    best,
  );
}
