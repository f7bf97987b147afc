// A Helix clip as the API returns it, and its mapping to a ContentItem. Clip titles and names come from viewers
// and Twitch: validated for shape here, kept as plain text everywhere after.
import { z } from 'zod';
import { CONTENT_ITEM_SCHEMA_VERSION, ContentItem } from '../schemas/content-item.ts';
import { HttpUrl, IsoDateTime } from '../schemas/primitives.ts';
import { contentItemIdFor } from '../items/ids.ts';

export const HelixClip = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'clip id must be 1-200 chars of [A-Za-z0-9_-]'),
    url: HttpUrl,
    embed_url: HttpUrl.optional(),
    broadcaster_id: z.string().min(1),
    broadcaster_name: z.string(),
    creator_id: z.string().optional(),
    creator_name: z.string(),
    video_id: z.string().optional(),
    game_id: z.string().optional(),
    language: z.string().optional(),
    title: z.string(),
    view_count: z.number().int().nonnegative(),
    created_at: IsoDateTime,
    thumbnail_url: HttpUrl,
    duration: z.number().nonnegative(),
    vod_offset: z.number().int().nullable().optional(),
    is_featured: z.boolean().optional(),
  })
  .loose();
export type HelixClip = z.infer<typeof HelixClip>;

export function clipEmbedUrl(clipId: string): string {
  return `https://clips.twitch.tv/embed?clip=${encodeURIComponent(clipId)}`;
}

/** Control characters never belong in a title; everything else stays as typed (rendering escapes it). */
export function cleanTitle(title: string): string {
  // eslint-disable-next-line no-control-regex
  return title.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 500);
}

/** A new item for a clip seen for the first time. */
export async function contentItemFromClip(clip: HelixClip, nowIso: string): Promise<ContentItem> {
  return ContentItem.parse({
    schema_version: CONTENT_ITEM_SCHEMA_VERSION,
    content_item_id: await contentItemIdFor('twitch', clip.id, Date.parse(clip.created_at)),
    clip_id: clip.id,
    clip_title: cleanTitle(clip.title),
    clip_url: clip.url,
    clip_embed_url: clipEmbedUrl(clip.id),
    clip_thumbnail_url: clip.thumbnail_url,
    clip_duration: clip.duration,
    clip_view_count: clip.view_count,
    clip_created_at: new Date(clip.created_at).toISOString(),
    broadcaster_name: clip.broadcaster_name,
    creator_name: clip.creator_name,
    platform: 'twitch',
    processing_status: 'pending',
    stored_at: nowIso,
    updated_at: nowIso,
    broadcaster_id: clip.broadcaster_id,
    ...(clip.language && { clip_language: clip.language }),
  });
}

/**
 * Re-ingest of a known clip: refreshes what Twitch lets change (title, view count) and keeps everything the
 * pipeline did. Returns the same object when nothing changed, so callers can skip the write.
 */
export function refreshFromClip(item: ContentItem, clip: HelixClip, nowIso: string): ContentItem {
  const title = cleanTitle(clip.title);
  if (item.clip_title === title && item.clip_view_count === clip.view_count) return item;
  return { ...item, clip_title: title, clip_view_count: clip.view_count, updated_at: nowIso };
}
