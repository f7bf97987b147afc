// The Judge port and its result: three criteria with reasons, a category and tags. Both adapters (the heuristic
// judge and the Workers AI judge) produce exactly this; the decision is made here from configurable thresholds.
import { z } from 'zod';
import { ContentCategory, type ContentItem } from '../schemas/content-item.ts';
import { toSlug } from '../schemas/recap.ts';

export const Criterion = z.object({ score: z.number().min(0).max(1), reason: z.string().min(1).max(300) });

export const JudgeVerdict = z.object({
  coherence: Criterion,
  correctness: Criterion,
  dev_signal: Criterion,
  category: ContentCategory,
  tags: z.array(z.string().min(1).max(40)).max(8),
});
export type JudgeVerdict = z.infer<typeof JudgeVerdict>;

export interface JudgeInput {
  item: ContentItem;
  transcript: string;
  /** Best GitHub match confidence, 0-1. */
  githubConfidence: number;
  /** Titles/messages of the matched events, for context. */
  githubTitles: string[];
}

export interface Judge {
  readonly name: string;
  judge(input: JudgeInput): Promise<JudgeVerdict>;
}

export interface DecisionThresholds {
  /** content_score at or above: approved. */
  approve: number;
  /** content_score at or above (and below approve): needs_review; below: rejected. */
  review: number;
}

export const DEFAULT_THRESHOLDS: DecisionThresholds = { approve: 60, review: 40 };

export type Decision = 'approved' | 'needs_review' | 'rejected';

export function decide(contentScore: number, thresholds: DecisionThresholds = DEFAULT_THRESHOLDS): Decision {
  if (contentScore >= thresholds.approve) return 'approved';
  if (contentScore >= thresholds.review) return 'needs_review';
  return 'rejected';
}

/** Lowercase slug tags, unique, at most 5. */
export function normaliseTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const slug = toSlug(tag, 40);
    if (slug && !out.includes(slug)) out.push(slug);
    if (out.length === 5) break;
  }
  return out;
}
