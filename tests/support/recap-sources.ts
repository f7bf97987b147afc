// Recap sources for the sample week, computed by the real pure pipeline (mapping, matching, the heuristic judge)
// at a fixed time, so golden files are stable.
import {
  contentItemFromClip,
  contentScore,
  decide,
  DEFAULT_MATCH_OPTIONS,
  HeuristicJudge,
  matchClipsToEvents,
  transition,
  type ContentItem,
  type GitHubContext,
  type RecapSource,
} from '../../content-pipeline/index.ts';
import { CLIPS, GITHUB_EVENTS, helixClips, REPOS } from '../../sample-data/index.ts';

export const FIXED_NOW = '2026-01-12T06:00:00.000Z';

export async function sampleSources(overrides: Partial<Record<string, Partial<ContentItem>>> = {}): Promise<RecapSource[]> {
  const judge = new HeuristicJudge();
  const sources: RecapSource[] = [];
  for (const helix of helixClips('https://recap.example.workers.dev/assets/thumbnails-src')) {
    const clip = CLIPS.find((c) => c.id === helix.id)!;
    const transcript = clip.transcript.join(' ');
    const matches = matchClipsToEvents([{ id: clip.id, title: clip.title, created_at: clip.created_at, duration: clip.duration, transcript }], GITHUB_EVENTS, { ...DEFAULT_MATCH_OPTIONS, repos: REPOS });
    const byId = new Map(GITHUB_EVENTS.map((e) => [e.id, e]));
    const context: GitHubContext = {
      clip_id: clip.id,
      matched_at: FIXED_NOW,
      window: { from: FIXED_NOW, to: FIXED_NOW },
      repos: [...REPOS],
      matches: matches.map(({ clip_id: _c, event_id, ...rest }) => ({ ...rest, event: byId.get(event_id)! })),
    };
    let item = await contentItemFromClip(helix, FIXED_NOW);
    for (const s of ['queued', 'audio_ready', 'transcribed', 'enhanced'] as const) item = transition(item, s, FIXED_NOW);
    item = { ...item, clip_thumbnail_url: `https://recap.example.workers.dev/assets/thumbnails/${clip.id}.jpg`, transcript_summary: transcript.slice(0, 280) };
    const githubConfidence = matches.length ? Math.max(...matches.map((m) => m.confidence)) : 0;
    const input = { item, transcript, githubConfidence, githubTitles: context.matches.map((m) => m.event.title ?? '') };
    const verdict = await judge.judge(input);
    const score = contentScore(input, verdict);
    item = transition(item, 'ready_for_content', FIXED_NOW, {
      content_score: score,
      content_tags: verdict.tags,
      content_category: verdict.category,
      content_decision: decide(score),
      github_confidence: githubConfidence,
      ...overrides[clip.id],
    });
    sources.push({ item, context, transcript });
  }
  return sources;
}
