// Helix clip objects for tests, shaped exactly as GET /helix/clips returns them.
import type { HelixClip } from '../../content-pipeline/index.ts';

export function helixClip(id: string, overrides: Partial<HelixClip> = {}): HelixClip {
  return {
    id,
    url: `https://clips.twitch.tv/${id}`,
    embed_url: `https://clips.twitch.tv/embed?clip=${id}`,
    broadcaster_id: '141981764',
    broadcaster_name: 'TwitchDev',
    creator_id: '12826',
    creator_name: 'Twitch',
    video_id: '',
    game_id: '509670',
    language: 'en',
    title: `Clip ${id}`,
    view_count: 10,
    created_at: '2026-01-05T14:00:00Z',
    thumbnail_url: `https://clips-media-assets2.twitch.tv/${id}-preview-480x272.jpg`,
    duration: 30,
    vod_offset: null,
    is_featured: false,
    ...overrides,
  };
}
