// Stage `clip.score` (enhanced → ready_for_content): the judge's criteria, content_score, category, tags and the
// approve / review / reject decision on the item. The Workers AI judge draws on the daily AI budget; over it, or
// when it fails twice, the heuristic judge scores the item and the item says why.
import {
  contentScore,
  decide,
  HeuristicJudge,
  r2Keys,
  Transcript,
  transition,
  type ClipScoreMessage,
  type GitHubContext,
  type JudgeInput,
  type JudgeVerdict,
} from '../../content-pipeline/index.ts';
import type { z } from 'zod';
import { describeError, log } from '../log.ts';
import type { Services } from '../services.ts';
import { githubContextKey } from './enhance-stage.ts';
import { runItemStage } from './item-stage.ts';

/** A judge call counts as this many seconds against the shared daily Workers AI budget. */
export const AI_JUDGE_COST_SECONDS = 10;

const heuristic = new HeuristicJudge();

async function verdictFor(input: JudgeInput, services: Services): Promise<{ verdict: JudgeVerdict; judge: string; fallback?: string }> {
  const ai = services.aiJudge;
  if (!ai) return { verdict: await heuristic.judge(input), judge: heuristic.name };
  const now = services.clock();
  if (!(await services.budgets.reserve('ai_audio_seconds', AI_JUDGE_COST_SECONDS, services.config.aiDailyAudioSeconds, now))) {
    return { verdict: await heuristic.judge(input), judge: heuristic.name, fallback: 'budget_exceeded: ai_audio_seconds' };
  }
  try {
    return { verdict: await ai.judge(input), judge: ai.name };
  } catch (error) {
    const reason = `ai_judge_failed: ${describeError(error).error_message}`.slice(0, 300);
    log('warn', 'ai_judge_fallback', { content_item_id: input.item.content_item_id, reason });
    return { verdict: await heuristic.judge(input), judge: heuristic.name, fallback: reason };
  }
}

export async function runScoreStage(message: z.infer<typeof ClipScoreMessage>, services: Services): Promise<void> {
  await runItemStage(message, services, async (item) => {
    const transcriptObject = await services.bucket.get(r2Keys.transcript(item.clip_id));
    const transcript = transcriptObject ? Transcript.safeParse(await transcriptObject.json()) : null;
    const contextObject = await services.bucket.get(githubContextKey(item.clip_id));
    const context = contextObject ? ((await contextObject.json()) as GitHubContext) : null;
    const matches = context?.matches ?? [];
    const input: JudgeInput = {
      item,
      transcript: transcript?.success ? transcript.data.text : '',
      githubConfidence: matches.length > 0 ? Math.max(...matches.map((m) => m.confidence)) : 0,
      githubTitles: matches.map((m) => m.event.title ?? m.event.message ?? '').filter(Boolean),
    };
    const { verdict, judge, fallback } = await verdictFor(input, services);
    const score = contentScore(input, verdict);
    const nowIso = new Date(services.clock()).toISOString();
    await services.contentItems.update(item.content_item_id, (current) => {
      if (current.processing_status !== 'enhanced') return current;
      const { judge_fallback_reason: _old, ...rest } = current;
      return transition(rest, 'ready_for_content', nowIso, {
        content_score: score,
        content_tags: verdict.tags,
        content_category: verdict.category,
        content_criteria: { coherence: verdict.coherence, correctness: verdict.correctness, dev_signal: verdict.dev_signal },
        content_decision: decide(score, services.config.decisionThresholds),
        github_confidence: input.githubConfidence,
        github_repos: [...new Set(matches.map((m) => m.event.repo))],
        judge,
        ...(fallback && { judge_fallback_reason: fallback }),
      });
    });
  });
}
