// Production audio source: Cloudflare Media Transformations (MEDIA binding, remote-only), output mode `audio`,
// which gives an M4A track.
import { expectOk, readCapped, type AudioSource, type Blob } from '../../content-pipeline/index.ts';

const MAX_AUDIO_BYTES = 50 * 1024 * 1024;

export class MediaBindingAudioSource implements AudioSource {
  readonly name = 'media-transformations';
  private readonly media: MediaBinding;

  constructor(media: MediaBinding) {
    this.media = media;
  }

  async extractAudio(video: Blob): Promise<Blob> {
    const input = new Response(video.bytes as Uint8Array<ArrayBuffer>).body!;
    const result = this.media.input(input).output({ mode: 'audio' });
    // An error answer must fail the attempt, not be stored as the clip's audio.
    const response = await expectOk(await result.response(), 'Media Transformations audio');
    return { bytes: await readCapped(response, MAX_AUDIO_BYTES, 'extracted audio'), contentType: 'audio/mp4' };
  }
}
