// Stage `clip.audio` (queued → audio_ready): the clip's MP4 and thumbnail into R2 (so the blog never hot-links
// Twitch), then its audio track. Objects already in R2 are reused, so a repeated message costs no egress.
import {
  assetUrl,
  expectOk,
  fail,
  fetchWithRetry,
  HttpError,
  r2Keys,
  r2Uri,
  readCapped,
  TooLargeError,
  transition,
  type ClipAudioMessage,
  type ContentItem,
} from '../../content-pipeline/index.ts';
import type { z } from 'zod';
import { describeError, log } from '../log.ts';
import type { Services } from '../services.ts';
import { enqueue } from './enqueue.ts';
import { runItemStage, setWaitingReason } from './item-stage.ts';

const BYTES_PER_SECOND_ESTIMATE = 1_000_000;
const THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024;

export const BUDGET_EXCEEDED = 'budget_exceeded';

async function failPermanently(services: Services, item: ContentItem, code: string, message: string): Promise<void> {
  const now = new Date(services.clock()).toISOString();
  await services.contentItems.update(item.content_item_id, (current) => fail(current, { code, message, occurred_at: now }, now));
  log('warn', 'item_failed', { content_item_id: item.content_item_id, clip_id: item.clip_id, code, message });
}

/** Downloads the MP4 within the egress budget; null when the item must wait or has failed (already recorded). */
async function downloadMedia(item: ContentItem, services: Services): Promise<Uint8Array | null> {
  const location = await services.mediaLocator.locate(item);
  if ('unavailable' in location) {
    if (location.unavailable.startsWith('media_unavailable')) {
      await failPermanently(services, item, 'media_unavailable', location.unavailable);
    } else {
      log('warn', 'media_source_missing', { content_item_id: item.content_item_id, reason: location.unavailable });
      await setWaitingReason(services, item.content_item_id, location.unavailable);
    }
    return null;
  }
  const { mediaMaxBytes, mediaDailyEgressBytes } = services.config;
  const estimate = Math.min(mediaMaxBytes, Math.max(1, Math.ceil(item.clip_duration * BYTES_PER_SECOND_ESTIMATE)));
  const now = services.clock();
  if (!(await services.budgets.reserve('media_egress_bytes', estimate, mediaDailyEgressBytes, now))) {
    await setWaitingReason(services, item.content_item_id, `${BUDGET_EXCEEDED}: media_egress_bytes`);
    return null;
  }
  let bytes: Uint8Array;
  try {
    const response = await fetchWithRetry(() => new Request(location.url, { headers: location.headers ?? {} }), services.http);
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      await services.budgets.refund('media_egress_bytes', estimate, now);
      await failPermanently(services, item, 'media_unavailable', `clip media answered HTTP ${response.status}`);
      return null;
    }
    bytes = await readCapped(await expectOk(response, 'clip media'), mediaMaxBytes, 'clip media');
  } catch (error) {
    await services.budgets.refund('media_egress_bytes', estimate, now);
    if (error instanceof TooLargeError) {
      await failPermanently(services, item, 'media_too_large', error.message);
      return null;
    }
    throw error;
  }
  if (bytes.byteLength < estimate) await services.budgets.refund('media_egress_bytes', estimate - bytes.byteLength, now);
  else if (bytes.byteLength > estimate) await services.budgets.reserve('media_egress_bytes', bytes.byteLength - estimate, Number.MAX_SAFE_INTEGER, now);
  return bytes;
}

/** Copies the Twitch thumbnail into R2; returns its public URL, or null (logged) when it cannot be fetched. */
async function storeThumbnail(item: ContentItem, services: Services): Promise<string | null> {
  const key = r2Keys.thumbnail(item.clip_id);
  const url = assetUrl(services.config.publicBaseUrl, key);
  if (item.clip_thumbnail_url === url || (await services.bucket.head(key))) return url;
  try {
    const response = await expectOk(await fetchWithRetry(() => new Request(item.clip_thumbnail_url), services.http), 'clip thumbnail');
    const bytes = await readCapped(response, THUMBNAIL_MAX_BYTES, 'clip thumbnail');
    const contentType = response.headers.get('Content-Type') ?? 'image/jpeg';
    // Only a picture is kept as one: an empty answer or another type would show as a broken image on the blog.
    if (bytes.byteLength === 0 || !/^image\//i.test(contentType)) {
      log('warn', 'thumbnail_unavailable', { content_item_id: item.content_item_id, reason: `not an image (${bytes.byteLength} bytes of ${contentType.slice(0, 100)})` });
      return null;
    }
    await services.bucket.put(key, bytes, { httpMetadata: { contentType } });
    return url;
  } catch (error) {
    if (!(error instanceof HttpError || error instanceof TooLargeError)) throw error;
    log('warn', 'thumbnail_unavailable', { content_item_id: item.content_item_id, ...describeError(error) });
    return null;
  }
}

async function extractAudio(item: ContentItem, services: Services): Promise<boolean> {
  const mediaKey = r2Keys.media(item.clip_id);
  const audioKey = r2Keys.audio(item.clip_id);
  if (await services.bucket.head(audioKey)) return true;
  const stored = await services.bucket.get(mediaKey);
  let media: Uint8Array | null = stored ? new Uint8Array(await stored.arrayBuffer()) : null;
  if (!media) {
    media = await downloadMedia(item, services);
    if (!media) return false;
    await services.bucket.put(mediaKey, media, { httpMetadata: { contentType: 'video/mp4' } });
  }
  const audio = await services.audioSource.extractAudio({ bytes: media, contentType: 'video/mp4' }, item);
  await services.bucket.put(audioKey, audio.bytes, {
    httpMetadata: { contentType: audio.contentType },
    customMetadata: { source: services.audioSource.name },
  });
  return true;
}

export async function runAudioStage(message: z.infer<typeof ClipAudioMessage>, services: Services): Promise<void> {
  await runItemStage(message, services, async (item) => {
    if (!(await extractAudio(item, services))) return;
    const thumbnail = await storeThumbnail(item, services);
    const now = new Date(services.clock()).toISOString();
    const moved = await services.contentItems.update(item.content_item_id, (current) =>
      current.processing_status !== 'queued'
        ? current
        : transition(current, 'audio_ready', now, {
            media_file_url: r2Uri(r2Keys.media(current.clip_id)),
            audio_file_url: r2Uri(r2Keys.audio(current.clip_id)),
            ...(thumbnail && { clip_thumbnail_url: thumbnail }),
          }),
    );
    if (moved?.processing_status === 'audio_ready') {
      await enqueue(services.jobsQueue, [{ type: 'clip.transcribe', content_item_id: item.content_item_id }]);
    }
  });
}
