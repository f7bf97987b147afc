// R2 key layout (docs/storage.md), one function per prefix. Clip ids are validated to [A-Za-z0-9_-] before they
// reach here, so keys never contain separators or dot segments.

export const R2_PREFIX = {
  clips: 'clips/',
  media: 'media/',
  thumbnails: 'thumbnails/',
  audio: 'audio/',
  transcripts: 'transcripts/',
  contentItems: 'content-items/',
  jobResults: 'job-results/',
} as const;

/** Prefixes GET /assets/{key} may serve; everything else in the bucket is private. */
export const PUBLIC_ASSET_PREFIXES = [R2_PREFIX.thumbnails, R2_PREFIX.transcripts] as const;

export const r2Keys = {
  rawClip: (clipId: string) => `${R2_PREFIX.clips}${clipId}.json`,
  media: (clipId: string) => `${R2_PREFIX.media}${clipId}.mp4`,
  thumbnail: (clipId: string) => `${R2_PREFIX.thumbnails}${clipId}.jpg`,
  audio: (clipId: string) => `${R2_PREFIX.audio}${clipId}.m4a`,
  transcript: (clipId: string) => `${R2_PREFIX.transcripts}${clipId}.json`,
  contentItem: (contentItemId: string) => `${R2_PREFIX.contentItems}${contentItemId}.json`,
};

/** How items refer to private R2 objects. */
export const r2Uri = (key: string) => `r2://${key}`;

/** Public URL of an asset served by GET /assets/{key}. */
export const assetUrl = (publicBaseUrl: string, key: string) => new URL(`/assets/${key}`, publicBaseUrl).href;
