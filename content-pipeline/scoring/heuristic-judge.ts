// The default, offline judge: deterministic criteria from signals we already have, and the content_score formula
// both judges share (weights sum to 1):
//   content_score = 100 × (0.15 views + 0.10 duration fit + 0.30 dev_signal + 0.30 GitHub match confidence
//                          + 0.15 quality), quality = mean(title quality, coherence, correctness)
// The heuristic judge's dev_signal is the development vocabulary of title and transcript.
import { tokenize, vocabularyWords } from '../matching/tokens.ts';
import { normaliseTags, type Judge, type JudgeInput, type JudgeVerdict } from './judge.ts';

export const SCORE_WEIGHTS = { views: 0.15, duration: 0.1, devSignal: 0.3, github: 0.3, quality: 0.15 } as const;

const DEV_WORDS = new Set(
  `api bug build cache ci class cli code commit compile component config cursor database debug deploy docker endpoint error
  function git github index interface javascript json laravel lint merge migration module npm pagination php pipeline pr
  python query queue react refactor regex release request response rust schema script sql stack test type typescript vue
  webhook worker workers d1 r2 wrangler astro inertia stripe payout validation signature nonce hmac transcript whisper
  embed iframe facade backoff retry token auth`.split(/\s+/).flatMap(vocabularyWords),
);
const GAMING_WORDS = new Set(['boss', 'game', 'gaming', 'raid', 'level', 'playthrough', 'speedrun', 'loot', 'respawn', 'gg'].flatMap(vocabularyWords));
const TUTORIAL_WORDS = new Set(['tutorial', 'explain', 'learn', 'step', 'guide', 'walkthrough'].flatMap(vocabularyWords));
const REVIEW_WORDS = new Set(['review', 'opinion', 'verdict', 'compare', 'comparison', 'versus'].flatMap(vocabularyWords));

const clamp = (x: number) => Math.min(1, Math.max(0, x));

export function viewsScore(views: number): number {
  return clamp(Math.log10(1 + views) / Math.log10(1 + 500));
}

/** 1 for 20-60 s, falling off linearly to 0 at 5 s and at 120 s. */
export function durationFit(seconds: number): number {
  if (seconds >= 20 && seconds <= 60) return 1;
  if (seconds < 20) return clamp((seconds - 5) / 15);
  return clamp((120 - seconds) / 60);
}

export function titleQuality(title: string): number {
  const words = title.split(/\s+/).filter(Boolean).length;
  let score = 1;
  if (title.length < 8 || words < 2) score -= 0.5;
  if (title.length > 90) score -= 0.3;
  if (/[<>{}]|javascript:/i.test(title)) score -= 0.4;
  if (title === title.toUpperCase() && /[A-Z]{4}/.test(title)) score -= 0.2;
  if (/([!?.])\1{2,}/.test(title)) score -= 0.1;
  return clamp(score);
}

function fraction(tokens: string[], vocabulary: Set<string>): number {
  return tokens.filter((t) => vocabulary.has(t)).length;
}

export class HeuristicJudge implements Judge {
  readonly name = 'heuristic';

  async judge({ item, transcript, githubConfidence, githubTitles }: JudgeInput): Promise<JudgeVerdict> {
    const tokens = vocabularyWords(`${item.clip_title} ${transcript}`);
    const devHits = fraction(tokens, DEV_WORDS);
    const vocabulary = clamp(devHits / 6);
    const wordCount = transcript.split(/\s+/).filter(Boolean).length;
    const coherence = clamp(wordCount / 40);
    const title = titleQuality(item.clip_title);
    const devSignal = vocabulary;
    const gaming = fraction(tokens, GAMING_WORDS);
    const category =
      devSignal >= 0.35 || githubConfidence >= 0.6
        ? fraction(tokens, TUTORIAL_WORDS) >= 2 ? 'tutorial' : 'development'
        : gaming >= 1 ? 'gaming'
        : fraction(tokens, REVIEW_WORDS) >= 1 ? 'review'
        : 'other';
    // Tags are the words as written ("pagination"), counted by their stem so "paginating" counts for it too. Words
    // the matcher's tokenizer drops ("pr", "merge", "test", "github") count as development terms above, but are too
    // common to describe a clip, so they are not tags.
    const counts = new Map<string, { word: string; n: number }>();
    for (const word of `${item.clip_title} ${githubTitles.join(' ')} ${transcript}`.toLowerCase().split(/[^a-z0-9]+/)) {
      const stem = tokenize(word)[0];
      if (stem === undefined || !(DEV_WORDS.has(stem) || GAMING_WORDS.has(stem))) continue;
      const entry = counts.get(stem);
      if (!entry) counts.set(stem, { word, n: 1 });
      else counts.set(stem, { word: word.length < entry.word.length ? word : entry.word, n: entry.n + 1 });
    }
    const tags = [...counts.values()].sort((a, b) => b.n - a.n || (a.word < b.word ? -1 : 1)).map((e) => e.word);
    return {
      coherence: {
        score: coherence,
        reason: wordCount === 0 ? 'No speech was transcribed.' : `The transcript has ${wordCount} words of speech.`,
      },
      correctness: {
        score: clamp(0.5 * title + 0.5 * (githubConfidence > 0 ? 1 : 0.5)),
        reason: githubConfidence > 0 ? 'GitHub activity at that moment backs what the clip shows.' : 'Nothing on GitHub confirms or contradicts the clip.',
      },
      dev_signal: {
        score: devSignal,
        reason: `${devHits} development term${devHits === 1 ? '' : 's'} in the title and transcript.`,
      },
      category,
      tags: normaliseTags(tags),
    };
  }
}

/** content_score, 0-100 with one decimal, from the shared weights (see the top of this file). */
export function contentScore(input: JudgeInput, verdict: JudgeVerdict): number {
  const w = SCORE_WEIGHTS;
  const quality = (titleQuality(input.item.clip_title) + verdict.coherence.score + verdict.correctness.score) / 3;
  const score =
    w.views * viewsScore(input.item.clip_view_count) +
    w.duration * durationFit(input.item.clip_duration) +
    w.devSignal * verdict.dev_signal.score +
    w.github * clamp(input.githubConfidence) +
    w.quality * quality;
  return Math.round(clamp(score) * 1000) / 10;
}
