// Stage `clip.enhance` (transcribed → enhanced): matches the clip to GitHub events around it (content-pipeline's
// temporal matcher), stores the context in R2 and a one-line summary and the best confidence on the item.
import {
  candidateWindow,
  githubSummary,
  matchClipsToEvents,
  r2Keys,
  r2Uri,
  Transcript,
  transition,
  type ClipEnhanceMessage,
  type ContentItem,
  type GitHubContext,
} from '../../content-pipeline/index.ts';
import type { z } from 'zod';
import type { Services } from '../services.ts';
import { enqueue } from './enqueue.ts';
import { runItemStage } from './item-stage.ts';

export const githubContextKey = (clipId: string) => `github-context/${clipId}.json`;

/** What matching puts on an item: where its GitHub context is, how big, and a one-line summary. */
export type GitHubFields = Required<Pick<ContentItem, 'github_context_url' | 'github_context_size_bytes' | 'github_summary'>>;

/**
 * Matches the item against the stored events around it and stores the context in R2 (the rest of the item is
 * left to the caller): the fields to set on the item and the best match's confidence.
 */
export async function matchAndStoreContext(item: ContentItem, services: Services): Promise<{ fields: GitHubFields; best: number; repos: string[]; nowIso: string }> {
  const stored = await services.bucket.get(r2Keys.transcript(item.clip_id));
  const transcript = stored ? Transcript.safeParse(await stored.json()) : null;
  const options = services.config.matchOptions;
  const window = candidateWindow(item.clip_created_at, item.clip_duration, options);
  const events = await services.githubEvents.between(window.from, window.to, options.repos ?? []);
  const matches = matchClipsToEvents(
    [{ id: item.clip_id, title: item.clip_title, created_at: item.clip_created_at, duration: item.clip_duration, ...(transcript?.success && { transcript: transcript.data.text }) }],
    events,
    options,
  );
  const byId = new Map(events.map((e) => [e.id, e]));
  const nowIso = new Date(services.clock()).toISOString();
  const context: GitHubContext = {
    clip_id: item.clip_id,
    matched_at: nowIso,
    window,
    repos: [...(options.repos ?? [])],
    matches: matches.map(({ clip_id: _c, event_id, ...rest }) => ({ ...rest, event: byId.get(event_id)! })),
  };
  const json = JSON.stringify(context);
  const key = githubContextKey(item.clip_id);
  await services.bucket.put(key, json, { httpMetadata: { contentType: 'application/json' } });
  const best = matches.length > 0 ? Math.max(...matches.map((m) => m.confidence)) : 0;
  return {
    fields: { github_context_url: r2Uri(key), github_context_size_bytes: new TextEncoder().encode(json).byteLength, github_summary: githubSummary(context) },
    best,
    repos: [...new Set(context.matches.map((m) => m.event.repo))],
    nowIso,
  };
}

export async function runEnhanceStage(message: z.infer<typeof ClipEnhanceMessage>, services: Services): Promise<void> {
  await runItemStage(message, services, async (item) => {
    const { fields, best, nowIso } = await matchAndStoreContext(item, services);
    const updated = await services.contentItems.update(
      item.content_item_id,
      (current) => (current.processing_status !== 'transcribed' ? current : transition(current, 'enhanced', nowIso, fields)),
      best,
    );
    if (updated?.processing_status === 'enhanced') {
      await enqueue(services.jobsQueue, [{ type: 'clip.score', content_item_id: item.content_item_id }]);
    }
  });
}
