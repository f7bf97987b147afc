// The sample dataset in the shapes the pipeline consumes: Helix clip objects, transcripts with segments, normalised
// GitHub events, and the labelled links. Used by the accuracy benchmark, the demo sandbox and tests.
import type { HelixClip } from '../content-pipeline/twitch/clip.ts';
import type { TranscriptSegment } from '../content-pipeline/schemas/transcript.ts';
import { BROADCASTER, CLIPS, GITHUB_EVENTS, REPOS, WEEK } from './dataset.ts';

export { BROADCASTER, CLIPS, GITHUB_EVENTS, REPOS, WEEK };

export function helixClips(assetBase: string): HelixClip[] {
  return CLIPS.map((clip) => ({
    id: clip.id,
    url: `https://clips.twitch.tv/${clip.id}`,
    embed_url: `https://clips.twitch.tv/embed?clip=${clip.id}`,
    broadcaster_id: BROADCASTER.id,
    broadcaster_name: BROADCASTER.display_name,
    creator_id: '1',
    creator_name: clip.creator_name,
    video_id: '',
    game_id: clip.id.startsWith('Gaming') ? '32982' : '1469308723',
    language: 'en',
    title: clip.title,
    view_count: clip.view_count,
    created_at: clip.created_at.replace('.000Z', 'Z'),
    thumbnail_url: `${assetBase}/thumbnails/${clip.id}.jpg`,
    duration: clip.duration,
    vod_offset: null,
    is_featured: false,
  }));
}

export function transcriptSegments(clipId: string): TranscriptSegment[] {
  const clip = CLIPS.find((c) => c.id === clipId);
  if (!clip) return [];
  const step = clip.duration / clip.transcript.length;
  return clip.transcript.map((text, i) => ({ start: Math.round(i * step * 10) / 10, end: Math.round((i + 1) * step * 10) / 10, text }));
}

/** Labelled links: every (clip, event) pair a viewer would connect. */
export const LABELS: Array<{ clip_id: string; event_id: string }> = CLIPS.flatMap((clip) => clip.related.map((event_id) => ({ clip_id: clip.id, event_id })));

/** Input for `npm run match` in its fixed format. */
export function matchInput() {
  return {
    clips: helixClips('https://clips-media.example').map((clip) => ({ ...clip, transcript: CLIPS.find((c) => c.id === clip.id)!.transcript.join(' ') })),
    events: GITHUB_EVENTS,
  };
}
