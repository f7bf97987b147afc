// Where a clip's MP4 comes from: Helix's clip download endpoint (needs a user token with an editor scope), or a
// configured URL template. Without either, the item waits with a reason that says what to configure.
import { z } from 'zod';
import type { ContentItem } from '../schemas/content-item.ts';
import type { MediaLocation, MediaLocator } from '../ports.ts';
import { fetchWithRetry, type HttpDeps } from '../http/retry.ts';

export const MEDIA_UNCONFIGURED =
  'media_unconfigured: set TWITCH_USER_TOKEN and TWITCH_EDITOR_ID (Helix clip downloads, editor:manage:clips scope) or CLIP_MEDIA_URL_TEMPLATE';

export interface ClipMediaConfig {
  apiBase: string;
  clientId?: string;
  userToken?: string;
  editorId?: string;
  /** e.g. `https://media.example/clips/{clip_id}.mp4`; `{clip_id}` and `{broadcaster_id}` are replaced. */
  urlTemplate?: string;
}

const Downloads = z.object({
  data: z.array(z.object({ clip_id: z.string(), landscape_download_url: z.string().nullable().optional() }).loose()),
});

export function mediaUrlFromTemplate(template: string, item: ContentItem): string {
  return template
    .replaceAll('{clip_id}', encodeURIComponent(item.clip_id))
    .replaceAll('{broadcaster_id}', encodeURIComponent(item.broadcaster_id ?? ''));
}

export class ClipMediaLocator implements MediaLocator {
  private readonly config: ClipMediaConfig;
  private readonly deps: HttpDeps;

  constructor(config: ClipMediaConfig, deps: HttpDeps) {
    this.config = config;
    this.deps = deps;
  }

  async locate(item: ContentItem): Promise<MediaLocation> {
    const { userToken, editorId, clientId, urlTemplate } = this.config;
    if (userToken && editorId && clientId && item.broadcaster_id) {
      const url = new URL('/helix/clips/downloads', this.config.apiBase);
      url.search = new URLSearchParams({ editor_id: editorId, broadcaster_id: item.broadcaster_id, clip_id: item.clip_id }).toString();
      const response = await fetchWithRetry(
        () => new Request(url, { headers: { Authorization: `Bearer ${userToken}`, 'Client-Id': clientId } }),
        this.deps,
      );
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        return { unavailable: `media_token_rejected: Helix clip downloads answered ${response.status}; renew TWITCH_USER_TOKEN (editor:manage:clips)` };
      }
      if (response.ok) {
        const download = Downloads.parse(await response.json()).data.find((d) => d.clip_id === item.clip_id);
        if (download?.landscape_download_url) return { url: download.landscape_download_url };
        return { unavailable: 'media_unavailable: Helix has no download for this clip' };
      }
      await response.body?.cancel();
      // The clip is gone (deleted, or never downloadable): retrying cannot bring it back.
      if (response.status === 404) return { unavailable: 'media_unavailable: Helix clip downloads answered 404' };
      throw new Error(`Helix clip downloads answered HTTP ${response.status}`);
    }
    if (urlTemplate) return { url: mediaUrlFromTemplate(urlTemplate, item) };
    return { unavailable: MEDIA_UNCONFIGURED };
  }
}
