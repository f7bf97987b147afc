// Audio extraction adapters that need no binding: an external service over HTTP (the role the old Python audio
// API played) and a fixture source for tests and the offline demo.
import type { AudioSource, Blob } from '../ports.ts';
import { expectOk, readCapped } from '../http/capped-fetch.ts';
import { fetchWithRetry, PROCESSING_RETRY_POLICY, type HttpDeps } from '../http/retry.ts';

const MAX_AUDIO_BYTES = 50 * 1024 * 1024;

/**
 * POSTs the MP4 to `{AUDIO_API_URL}/extract` and expects `audio/mp4` (M4A) back. The service contract is in
 * docs/adapters.md.
 */
export class HttpAudioSource implements AudioSource {
  readonly name: string;
  private readonly baseUrl: string;
  private readonly deps: HttpDeps;

  constructor(baseUrl: string, deps: HttpDeps) {
    this.baseUrl = baseUrl;
    this.deps = deps;
    this.name = `http:${new URL(baseUrl).host}`;
  }

  async extractAudio(media: Blob): Promise<Blob> {
    const url = new URL('extract', this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    const response = await expectOk(
      await fetchWithRetry(
        () => new Request(url, { method: 'POST', body: media.bytes as Uint8Array<ArrayBuffer>, headers: { 'Content-Type': media.contentType } }),
        this.deps,
        PROCESSING_RETRY_POLICY,
      ),
      `audio extraction at ${url.host}`,
    );
    return { bytes: await readCapped(response, MAX_AUDIO_BYTES, 'extracted audio'), contentType: 'audio/mp4' };
  }
}

/**
 * Offline stand-in: keeps the clip's bytes as its "audio", so every later stage runs on real stored objects.
 * Deterministic; only ever configured for tests and the demo.
 */
export class FixtureAudioSource implements AudioSource {
  readonly name = 'fixture';

  async extractAudio(media: Blob): Promise<Blob> {
    return { bytes: media.bytes, contentType: 'audio/mp4' };
  }
}
