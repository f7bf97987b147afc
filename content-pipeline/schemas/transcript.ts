// A transcript as stored in R2 (transcripts/{clip_id}.json), whichever transcriber produced it.
import { z } from 'zod';
import { IsoDateTime } from './primitives.ts';

export const TranscriptSegment = z.object({
  /** Seconds from the start of the clip. */
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  text: z.string(),
});
export type TranscriptSegment = z.infer<typeof TranscriptSegment>;

export const Transcript = z.object({
  clip_id: z.string(),
  /** BCP 47 / ISO 639-1 code, `und` when unknown. */
  language: z.string(),
  text: z.string(),
  segments: z.array(TranscriptSegment),
  duration_seconds: z.number().nonnegative().optional(),
  /** Which adapter produced it: `workers-ai:<model>`, `http:<url host>`, `fixture`. */
  transcriber: z.string(),
  created_at: IsoDateTime,
});
export type Transcript = z.infer<typeof Transcript>;

/** The short summary kept on the item: the first words, cut at a word boundary. */
export function transcriptSummary(text: string, maxChars = 280): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= maxChars) return clean;
  const cut = clean.slice(0, maxChars - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > maxChars * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
