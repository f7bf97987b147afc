// Transcription adapters that need no binding: an OpenAI-compatible HTTP endpoint (self-hosted Whisper, e.g.
// faster-whisper-server) and a deterministic fixture.
import { z } from 'zod';
import type { ContentItem } from '../schemas/content-item.ts';
import { Transcript } from '../schemas/transcript.ts';
import type { Blob, Transcriber } from '../ports.ts';
import { expectOk } from '../http/capped-fetch.ts';
import { fetchWithRetry, PROCESSING_RETRY_POLICY, type HttpDeps } from '../http/retry.ts';

const VerboseJson = z.object({
  text: z.string(),
  language: z.string().optional(),
  duration: z.number().optional(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() }).loose()).optional(),
});

/** Normalises Whisper's language names ("english") and codes ("en") to a code, `und` when unknown. */
export function languageCode(language: string | undefined): string {
  if (!language) return 'und';
  const names: Record<string, string> = { english: 'en', german: 'de', french: 'fr', spanish: 'es', portuguese: 'pt', italian: 'it', dutch: 'nl', japanese: 'ja' };
  const lower = language.toLowerCase();
  return names[lower] ?? (/^[a-z]{2,3}(-[a-z0-9]+)*$/i.test(language) ? lower : 'und');
}

/** `POST {TRANSCRIBE_API_URL}/v1/audio/transcriptions` (multipart, verbose_json with segments). */
export class OpenAiCompatibleTranscriber implements Transcriber {
  readonly name: string;
  readonly costsAiBudget = false;
  private readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly model: string;
  private readonly deps: HttpDeps;

  constructor(options: { baseUrl: string; apiKey?: string; model?: string }, deps: HttpDeps) {
    this.baseUrl = options.baseUrl;
    this.apiKey = options.apiKey;
    this.model = options.model ?? 'whisper-1';
    this.deps = deps;
    this.name = `http:${new URL(options.baseUrl).host}`;
  }

  async transcribe(audio: Blob, item: ContentItem, nowIso: string): Promise<Transcript> {
    const url = new URL('v1/audio/transcriptions', this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    const makeRequest = () => {
      const form = new FormData();
      form.set('file', new File([audio.bytes as Uint8Array<ArrayBuffer>], `${item.clip_id}.m4a`, { type: audio.contentType }));
      form.set('model', this.model);
      form.set('response_format', 'verbose_json');
      form.append('timestamp_granularities[]', 'segment');
      return new Request(url, { method: 'POST', body: form, headers: this.apiKey ? { Authorization: `Bearer ${this.apiKey}` } : {} });
    };
    const response = await expectOk(await fetchWithRetry(makeRequest, this.deps, PROCESSING_RETRY_POLICY), `transcription at ${url.host}`);
    const result = VerboseJson.parse(await response.json());
    return Transcript.parse({
      clip_id: item.clip_id,
      language: languageCode(result.language),
      text: result.text.trim(),
      segments: (result.segments ?? []).map((s) => ({ start: Math.max(0, s.start), end: Math.max(0, s.end), text: s.text.trim() })),
      ...(result.duration !== undefined && { duration_seconds: result.duration }),
      transcriber: this.name,
      created_at: nowIso,
    });
  }
}

/**
 * Offline stand-in: a deterministic one-segment transcript naming the clip, so tests and the demo exercise
 * storage and state without speech recognition. Never configured in production.
 */
export class FixtureTranscriber implements Transcriber {
  readonly name = 'fixture';
  readonly costsAiBudget = false;

  async transcribe(_audio: Blob, item: ContentItem, nowIso: string): Promise<Transcript> {
    const text = `Fixture transcript for clip ${item.clip_id}: ${item.clip_title}`;
    return {
      clip_id: item.clip_id,
      language: item.clip_language ?? 'und',
      text,
      segments: [{ start: 0, end: item.clip_duration, text }],
      duration_seconds: item.clip_duration,
      transcriber: this.name,
      created_at: nowIso,
    };
  }
}
