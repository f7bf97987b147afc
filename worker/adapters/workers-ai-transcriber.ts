// Production transcriber: Whisper on Workers AI through the AI binding (remote-only, so never used offline).
import { languageCode, Transcript, type Blob, type ContentItem, type Transcriber } from '../../content-pipeline/index.ts';

export const WHISPER_MODEL = '@cf/openai/whisper-large-v3-turbo';

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export class WorkersAiTranscriber implements Transcriber {
  readonly name = `workers-ai:${WHISPER_MODEL}`;
  readonly costsAiBudget = true;
  private readonly ai: Ai;

  constructor(ai: Ai) {
    this.ai = ai;
  }

  async transcribe(audio: Blob, item: ContentItem, nowIso: string): Promise<Transcript> {
    const result = await this.ai.run(WHISPER_MODEL, { audio: base64(audio.bytes), vad_filter: true });
    return Transcript.parse({
      clip_id: item.clip_id,
      language: languageCode(result.transcription_info?.language),
      text: result.text.trim(),
      segments: (result.segments ?? [])
        .filter((s) => s.text !== undefined)
        .map((s) => ({ start: Math.max(0, s.start ?? 0), end: Math.max(0, s.end ?? s.start ?? 0), text: (s.text ?? '').trim() })),
      ...(result.transcription_info?.duration !== undefined && { duration_seconds: result.transcription_info.duration }),
      transcriber: this.name,
      created_at: nowIso,
    });
  }
}
