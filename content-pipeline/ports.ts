// The outside systems the pipeline depends on, as interfaces. Each has a real adapter and an offline one; the
// worker's services.ts picks them from configuration.
import type { ContentItem } from './schemas/content-item.ts';
import type { Transcript } from './schemas/transcript.ts';

export interface Blob {
  bytes: Uint8Array;
  contentType: string;
}

/** Where a clip's MP4 can be downloaded from, or why it cannot. */
export type MediaLocation = { url: string; headers?: Record<string, string> } | { unavailable: string };

export interface MediaLocator {
  locate(item: ContentItem): Promise<MediaLocation>;
}

/** Turns a clip's video into an M4A audio track. */
export interface AudioSource {
  readonly name: string;
  extractAudio(media: Blob, item: ContentItem): Promise<Blob>;
}

/** Speech to text with segments. `costsAiBudget` adapters draw on the daily Workers AI budget. */
export interface Transcriber {
  readonly name: string;
  readonly costsAiBudget: boolean;
  transcribe(audio: Blob, item: ContentItem, nowIso: string): Promise<Transcript>;
}
