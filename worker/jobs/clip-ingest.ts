// The `clip_ingest` job: every clip of a broadcaster in a date range becomes one ContentItem (created, or
// refreshed when known), raw Helix JSON kept in R2, and new work queued for the audio stage. Idempotent: a re-run
// creates nothing twice and re-sends audio messages only for items still waiting at `queued`.
import { z } from 'zod';
import {
  contentItemFromClip,
  DateRange,
  fail,
  r2Keys,
  refreshFromClip,
  transition,
  type ContentItem,
  type HelixClip,
  type InvalidClip,
  type QueueMessage,
} from '../../content-pipeline/index.ts';
import { describeError, log } from '../log.ts';
import { enqueue } from '../pipeline/enqueue.ts';
import type { Services } from '../services.ts';
import { jobHandlers, PermanentJobError, type JobContext } from './runner.ts';

export const ClipIngestRequest = z
  .object({
    broadcaster_login: z.string().regex(/^[A-Za-z0-9_]{1,25}$/, 'must be a Twitch login (1-25 chars of [A-Za-z0-9_])').optional(),
    broadcaster_id: z.string().regex(/^\d{1,20}$/, 'must be a numeric Twitch user id').optional(),
    date_range: DateRange,
  })
  .strict()
  .refine((r) => (r.broadcaster_login === undefined) !== (r.broadcaster_id === undefined), {
    message: 'give exactly one of broadcaster_login and broadcaster_id',
    path: ['broadcaster_login'],
  });
export type ClipIngestRequest = z.infer<typeof ClipIngestRequest>;

export interface ClipIngestResults {
  broadcaster_id: string;
  clips_found: number;
  created: number;
  refreshed: number;
  unchanged: number;
  queued_for_audio: number;
  invalid: Array<{ clip_id: string | null; message: string }>;
  /** Minutes in which Helix's result cap was reached even so: clips created then may be missing. */
  truncated_windows: Array<{ from: string; to: string }>;
  helix_requests: number;
}

const SAFE_CLIP_ID = /^[A-Za-z0-9_-]{1,200}$/;

/** Records a clip Helix returned malformed as a failed item, so it is visible and the batch goes on. */
async function recordInvalidClip(invalid: InvalidClip, broadcasterId: string, services: Services, nowIso: string): Promise<boolean> {
  if (invalid.clipId === undefined || !SAFE_CLIP_ID.test(invalid.clipId)) return false;
  const raw = invalid.raw as Record<string, unknown>;
  // A time before 1970 (a zero date) cannot name an item: the time it was seen stands in.
  const parsedCreated = typeof raw.created_at === 'string' ? Date.parse(raw.created_at) : Number.NaN;
  const created = Number.isFinite(parsedCreated) && parsedCreated >= 0 ? (raw.created_at as string) : nowIso;
  const placeholder: HelixClip = {
    id: invalid.clipId,
    url: `https://clips.twitch.tv/${invalid.clipId}`,
    broadcaster_id: broadcasterId,
    broadcaster_name: typeof raw.broadcaster_name === 'string' ? raw.broadcaster_name : '',
    creator_name: typeof raw.creator_name === 'string' ? raw.creator_name : '',
    title: typeof raw.title === 'string' ? raw.title : '',
    view_count: 0,
    created_at: new Date(created).toISOString(),
    thumbnail_url: `https://clips.twitch.tv/${invalid.clipId}`,
    duration: 0,
  };
  // A clip already known (well listed before) keeps its item: one bad listing must not fail finished work, which
  // the next good listing would then start over. Only a clip seen for the first time gets a failed placeholder.
  if (await services.contentItems.getByClip('twitch', invalid.clipId)) return true;
  const item = fail(await contentItemFromClip(placeholder, nowIso), { code: 'invalid_clip', message: invalid.message.slice(0, 500), occurred_at: nowIso }, nowIso);
  await services.bucket.put(r2Keys.rawClip(invalid.clipId), JSON.stringify(invalid.raw), { httpMetadata: { contentType: 'application/json' } });
  await services.contentItems.insert(item);
  return true;
}

/** Creates or refreshes the item of one clip; returns what happened and whether audio work should be queued. */
async function upsertClip(clip: HelixClip, services: Services, nowIso: string): Promise<{ outcome: 'created' | 'refreshed' | 'unchanged'; item: ContentItem }> {
  await services.bucket.put(r2Keys.rawClip(clip.id), JSON.stringify(clip), { httpMetadata: { contentType: 'application/json' } });
  const fresh = transition(await contentItemFromClip(clip, nowIso), 'queued', nowIso);
  // The clip's item is found by clip, not by `fresh`'s id: ids derive from the creation time, and a clip first
  // listed malformed was filed under the time it was seen. (insert() would look it up too, to refuse it.)
  const existing = await services.contentItems.getByClip(fresh.platform, clip.id);
  if (!existing && (await services.contentItems.insert(fresh))) return { outcome: 'created', item: fresh };
  let outcome: 'refreshed' | 'unchanged' = 'unchanged';
  const item = await services.contentItems.update(existing?.item.content_item_id ?? fresh.content_item_id, (current) => {
    // A clip Helix once returned malformed reads well now: it starts over from this listing, under its old id.
    if (current.processing_status === 'failed' && current.error?.code === 'invalid_clip') {
      outcome = 'refreshed';
      return { ...fresh, content_item_id: current.content_item_id };
    }
    const refreshed = refreshFromClip(current, clip, nowIso);
    // A crash between writing and queueing can leave an item at `pending`: move it on now.
    const next = refreshed.processing_status === 'pending' ? transition(refreshed, 'queued', nowIso) : refreshed;
    outcome = next === current ? 'unchanged' : 'refreshed';
    return next;
  });
  if (!item) throw new Error(`the item of clip ${clip.id} could not be found to refresh it`);
  return { outcome, item };
}

export async function runClipIngest({ request, services, progress }: JobContext): Promise<ClipIngestResults> {
  const parsed = ClipIngestRequest.safeParse(request);
  if (!parsed.success) throw new PermanentJobError(`invalid ingest request: ${parsed.error.message}`);
  const { helix } = services;
  if (!helix) throw new PermanentJobError('Twitch is not configured: set TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET');

  let broadcasterId = parsed.data.broadcaster_id;
  if (broadcasterId === undefined) {
    const login = parsed.data.broadcaster_login!.toLowerCase();
    broadcasterId = (await helix.usersByLogin([login])).get(login);
    if (broadcasterId === undefined) throw new PermanentJobError(`Twitch has no user with login "${login}"`);
  }
  await progress('fetch_clips', 0, 1);
  const listing = await helix.listClips(broadcasterId, Date.parse(parsed.data.date_range.start), Date.parse(parsed.data.date_range.end));

  const nowIso = new Date(services.clock()).toISOString();
  const results: ClipIngestResults = {
    broadcaster_id: broadcasterId,
    clips_found: listing.clips.length,
    created: 0,
    refreshed: 0,
    unchanged: 0,
    queued_for_audio: 0,
    invalid: [],
    truncated_windows: listing.truncated,
    helix_requests: listing.requests,
  };
  if (listing.truncated.length > 0) log('warn', 'ingest_listing_truncated', { broadcaster_id: broadcasterId, windows: listing.truncated });
  const audio: QueueMessage[] = [];
  const failed: string[] = [];
  for (const [index, clip] of listing.clips.entries()) {
    // One clip's failure does not hold up the others: they are stored and queued, then the job retries for it.
    let upserted: Awaited<ReturnType<typeof upsertClip>>;
    try {
      upserted = await upsertClip(clip, services, nowIso);
    } catch (error) {
      log('warn', 'ingest_clip_failed', { clip_id: clip.id, ...describeError(error) });
      failed.push(`${clip.id}: ${describeError(error).error_message}`);
      continue;
    }
    const { outcome, item } = upserted;
    results[outcome]++;
    // Every item still at `queued` gets a message: the stage is idempotent, and this is how items that were waiting
    // (for configuration, or after a crash before their message was sent) get going again.
    if (item.processing_status === 'queued') {
      audio.push({ type: 'clip.audio', content_item_id: item.content_item_id });
    }
    if (index % 25 === 24) await progress('store_items', index + 1, listing.clips.length);
  }
  await progress('queue_audio', 0, audio.length);
  await enqueue(services.jobsQueue, audio);
  results.queued_for_audio = audio.length;
  // After the good clips are on their way: recording a malformed one must not hold them up, nor fail the job.
  for (const invalid of listing.invalid) {
    try {
      await recordInvalidClip(invalid, broadcasterId, services, nowIso);
    } catch (error) {
      log('warn', 'ingest_invalid_clip_not_recorded', { clip_id: invalid.clipId ?? null, ...describeError(error) });
    }
    results.invalid.push({ clip_id: invalid.clipId ?? null, message: invalid.message });
  }
  if (failed.length > 0) throw new Error(`${failed.length} of ${listing.clips.length} clips could not be stored (${failed.slice(0, 3).join('; ')})`);
  await progress('done', listing.clips.length, listing.clips.length);
  return results;
}

jobHandlers.clip_ingest = runClipIngest;
