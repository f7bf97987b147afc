// `npm run match:accuracy`: precision and recall of the temporal matcher on the labelled sample set, next to the
// naive baseline "every event within ±N minutes of the clip", in one run. Both see the same events: those of the
// configured repositories (as in production, where GITHUB_REPOS limits matching); a second table shows the
// baselines over every repository too. Exits non-zero unless the matcher has higher precision than every
// baseline and at least its recall.
import { baselineMatches, DEFAULT_MATCH_OPTIONS, matchClipsToEvents, type MatchClip } from '../content-pipeline/index.ts';
import { CLIPS, GITHUB_EVENTS, LABELS, REPOS } from '../sample-data/index.ts';

export interface Score {
  name: string;
  predicted: number;
  true_positives: number;
  precision: number;
  recall: number;
  f1: number;
}

export function score(name: string, predicted: Array<{ clip_id: string; event_id: string }>, truth = LABELS): Score {
  const key = (p: { clip_id: string; event_id: string }) => `${p.clip_id} ${p.event_id}`;
  const truthKeys = new Set(truth.map(key));
  const predictedKeys = new Set(predicted.map(key));
  const tp = [...predictedKeys].filter((k) => truthKeys.has(k)).length;
  const precision = predictedKeys.size === 0 ? 0 : tp / predictedKeys.size;
  const recall = truthKeys.size === 0 ? 1 : tp / truthKeys.size;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { name, predicted: predictedKeys.size, true_positives: tp, precision: round(precision), recall: round(recall), f1: round(precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)) };
}

export function accuracyReport(): { matcher: Score; baselines: Score[]; unfilteredBaselines: Score[] } {
  const clips: MatchClip[] = CLIPS.map((c) => ({ id: c.id, title: c.title, created_at: c.created_at, duration: c.duration, transcript: c.transcript.join(' ') }));
  const matcher = score('temporal matcher', matchClipsToEvents(clips, GITHUB_EVENTS, { ...DEFAULT_MATCH_OPTIONS, repos: REPOS }));
  const baselines = [5, 15, 30].map((n) => score(`baseline ±${n} min`, baselineMatches(clips, GITHUB_EVENTS, n, REPOS)));
  const unfilteredBaselines = [5, 15, 30].map((n) => score(`baseline ±${n} min, all repos`, baselineMatches(clips, GITHUB_EVENTS, n)));
  return { matcher, baselines, unfilteredBaselines };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { matcher, baselines, unfilteredBaselines } = accuracyReport();
  console.log(`labelled set: ${CLIPS.length} clips, ${GITHUB_EVENTS.length} events (${REPOS.join(', ')} + decoys), ${LABELS.length} true links\n`);
  console.table([matcher, ...baselines, ...unfilteredBaselines]);
  // Precision and F1: a ±30 min window finds every link by taking almost everything near the clip.
  const beaten = baselines.every((b) => matcher.precision > b.precision && matcher.f1 > b.f1);
  console.log(beaten ? 'The matcher beats every baseline on precision and on F1.' : 'The matcher does NOT beat every baseline.');
  process.exitCode = beaten ? 0 : 1;
}
