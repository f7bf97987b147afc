// The Media Transformations audio adapter, on a stand-in for the remote-only MEDIA binding (it has no local mode):
// an answer's bytes become the clip's audio, an error answer fails the attempt instead of being stored as audio.
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../content-pipeline/index.ts';
import { MediaBindingAudioSource } from '../../worker/adapters/media-binding-audio.ts';

const binding = (answer: Response, asked: unknown[] = []) =>
  ({
    input: (stream: ReadableStream) => ({
      output: (options: unknown) => {
        asked.push(options);
        return { response: async () => (await new Response(stream).arrayBuffer(), answer) };
      },
    }),
  }) as unknown as MediaBinding;

describe('MediaBindingAudioSource', () => {
  it('asks for the audio track and returns it as M4A', async () => {
    const asked: unknown[] = [];
    const audio = await new MediaBindingAudioSource(binding(new Response(new Uint8Array([1, 2, 3]), { headers: { 'Content-Type': 'audio/mp4' } }), asked)).extractAudio({
      bytes: new Uint8Array([9, 9]),
      contentType: 'video/mp4',
    });
    expect(asked).toEqual([{ mode: 'audio' }]);
    expect(audio).toEqual({ bytes: new Uint8Array([1, 2, 3]), contentType: 'audio/mp4' });
  });

  it('fails on an error answer rather than keep its body as the clip’s audio', async () => {
    const source = new MediaBindingAudioSource(binding(new Response('{"error":"unsupported input"}', { status: 415 })));
    const error = await source.extractAudio({ bytes: new Uint8Array([9]), contentType: 'video/mp4' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as Error).message).toBe('Media Transformations audio: HTTP 415');
  });
});
