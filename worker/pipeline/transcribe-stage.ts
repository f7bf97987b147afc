// Stage `clip.transcribe` (audio_ready → transcribed): the transcript (segments, language) into R2, a short
// summary and its size on the item. Workers AI use is reserved against the daily budget first.
import { assetUrl, r2Keys, Transcript, transcriptSummary, transition, type ClipTranscribeMessage, type ContentItem } from '../../content-pipeline/index.ts';
import type { z } from 'zod';
import type { Services } from '../services.ts';
import { BUDGET_EXCEEDED } from './audio-stage.ts';
import { enqueue } from './enqueue.ts';
import { runItemStage, setWaitingReason } from './item-stage.ts';

/** A transcript already in R2 (a re-driven item, a repeated message) is reused: speech recognition costs money. */
async function storedTranscript(item: ContentItem, services: Services): Promise<Transcript | null> {
  const object = await services.bucket.get(r2Keys.transcript(item.clip_id));
  if (!object) return null;
  const parsed = Transcript.safeParse(await object.json());
  return parsed.success ? parsed.data : null;
}

async function transcribe(item: ContentItem, services: Services): Promise<Transcript | null> {
  const stored = await storedTranscript(item, services);
  if (stored) return stored;
  const audio = await services.bucket.get(r2Keys.audio(item.clip_id));
  if (!audio) throw new Error(`audio object ${r2Keys.audio(item.clip_id)} is missing for an audio_ready item`);
  const { transcriber } = services;
  const seconds = Math.max(1, Math.ceil(item.clip_duration));
  const now = services.clock();
  if (transcriber.costsAiBudget && !(await services.budgets.reserve('ai_audio_seconds', seconds, services.config.aiDailyAudioSeconds, now))) {
    await setWaitingReason(services, item.content_item_id, `${BUDGET_EXCEEDED}: ai_audio_seconds`);
    return null;
  }
  let transcript;
  try {
    transcript = await transcriber.transcribe(
      { bytes: new Uint8Array(await audio.arrayBuffer()), contentType: audio.httpMetadata?.contentType ?? 'audio/mp4' },
      item,
      new Date(now).toISOString(),
    );
  } catch (error) {
    // Refunded only when the transcription itself failed: one that ran was paid for, even if storing it fails below.
    if (transcriber.costsAiBudget) await services.budgets.refund('ai_audio_seconds', seconds, now);
    throw error;
  }
  await services.bucket.put(r2Keys.transcript(item.clip_id), JSON.stringify(transcript), {
    httpMetadata: { contentType: 'application/json' },
    customMetadata: { transcriber: transcriber.name },
  });
  return transcript;
}

export async function runTranscribeStage(message: z.infer<typeof ClipTranscribeMessage>, services: Services): Promise<void> {
  await runItemStage(message, services, async (item) => {
    const transcript = await transcribe(item, services);
    if (!transcript) return;
    const key = r2Keys.transcript(item.clip_id);
    const json = JSON.stringify(transcript);
    const nowIso = new Date(services.clock()).toISOString();
    const updated = await services.contentItems.update(item.content_item_id, (current) =>
      current.processing_status !== 'audio_ready'
        ? current
        : transition(current, 'transcribed', nowIso, {
            transcript_url: assetUrl(services.config.publicBaseUrl, key),
            transcript_summary: transcriptSummary(transcript.text),
            transcript_size_bytes: new TextEncoder().encode(json).byteLength,
          }),
    );
    if (updated?.processing_status === 'transcribed') {
      await enqueue(services.jobsQueue, [{ type: 'clip.enhance', content_item_id: item.content_item_id }]);
    }
  });
}
