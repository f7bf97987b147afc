// The judges: the heuristic judge's documented signals, the shared content_score formula, decisions by threshold,
// and the Workers AI judge's validation, single retry and failure (with a scripted model runner: Workers AI has no
// local mode).
import { describe, expect, it } from 'vitest';
import {
  contentItemFromClip,
  contentScore,
  decide,
  durationFit,
  extractJson,
  HeuristicJudge,
  SCORE_WEIGHTS,
  titleQuality,
  viewsScore,
  WorkersAiJudge,
  type JudgeInput,
  type TextModelRunner,
} from '../../content-pipeline/index.ts';
import { helixClip } from '../support/clips.ts';

const input = async (overrides: { title?: string; views?: number; duration?: number; transcript?: string; confidence?: number } = {}): Promise<JudgeInput> => ({
  item: await contentItemFromClip(helixClip('c', { title: overrides.title ?? 'Fixing the cursor pagination bug', view_count: overrides.views ?? 150, duration: overrides.duration ?? 40 }), '2026-01-06T00:00:00.000Z'),
  transcript: overrides.transcript ?? 'The cursor pagination query skipped a row, so I fixed the index and the migration, then ran the test suite and merged the PR.',
  githubConfidence: overrides.confidence ?? 0.9,
  githubTitles: ['Fix off-by-one in cursor pagination'],
});

describe('heuristic judge', () => {
  it('weights sum to one', () => {
    expect(Object.values(SCORE_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('scores a development clip with GitHub backing above a chat clip without', async () => {
    const judge = new HeuristicJudge();
    const dev = await input();
    const chat = await input({ title: 'lol', views: 3, duration: 8, transcript: 'haha chat you are so funny today', confidence: 0 });
    const devVerdict = await judge.judge(dev);
    const chatVerdict = await judge.judge(chat);
    expect(devVerdict.category).toBe('development');
    expect(devVerdict.tags).toEqual(expect.arrayContaining(['cursor', 'pagination']));
    expect(chatVerdict.category).toBe('other');
    const devScore = contentScore(dev, devVerdict);
    const chatScore = contentScore(chat, chatVerdict);
    expect(devScore).toBeGreaterThan(60);
    expect(chatScore).toBeLessThan(40);
    expect(decide(devScore)).toBe('approved');
    expect(decide(chatScore)).toBe('rejected');
  });

  it('is deterministic and explains each criterion', async () => {
    const judge = new HeuristicJudge();
    const a = await judge.judge(await input());
    expect(await judge.judge(await input())).toEqual(a);
    for (const criterion of [a.coherence, a.correctness, a.dev_signal]) expect(criterion.reason).toMatch(/\.$/);
  });

  it('counts every development term, short and common ones too (CI, PR, D1, R2, test, merge, GitHub)', async () => {
    const judge = new HeuristicJudge();
    const verdict = await judge.judge(await input({ title: 'Green CI on the PR', transcript: 'The test for D1 and R2 passed on GitHub, so merge the request and index it.' }));
    // ci, pr, test, d1, r2, github, merge, request, index
    expect(verdict.dev_signal.reason).toBe('9 development terms in the title and transcript.');
    expect(verdict.dev_signal.score).toBe(1);
    // Too common to describe a clip: none of them becomes a tag.
    expect(verdict.tags.filter((t) => ['ci', 'pr', 'test', 'github', 'merge', 'request', 'index'].includes(t))).toEqual([]);
  });

    it('recognises a gaming clip', async () => {
    const verdict = await new HeuristicJudge().judge(await input({ title: 'we beat the boss', transcript: 'first try on the boss fight, what a game', confidence: 0 }));
    expect(verdict.category).toBe('gaming');
  });

  it('has the documented signal curves', () => {
    expect(viewsScore(0)).toBe(0);
    expect(viewsScore(500)).toBe(1);
    expect([5, 20, 60, 120].map(durationFit)).toEqual([0, 1, 1, 0]);
    expect(titleQuality('<script>alert(1)</script>')).toBeLessThan(titleQuality('Fixing the build'));
  });

  it('decides by configurable thresholds', () => {
    expect([decide(60), decide(59.9), decide(40), decide(39.9)]).toEqual(['approved', 'needs_review', 'needs_review', 'rejected']);
    expect(decide(70, { approve: 80, review: 70 })).toBe('needs_review');
  });
});

describe('Workers AI judge', () => {
  const good = {
    coherence: { score: 0.8, reason: 'Self-contained.' },
    correctness: { score: 0.9, reason: 'Matches the commit.' },
    dev_signal: { score: 0.95, reason: 'Real debugging.' },
    category: 'development',
    tags: ['Cursor Pagination', 'D1'],
  };

  it('validates the JSON answer and normalises tags', async () => {
    const calls: unknown[] = [];
    const run: TextModelRunner = async (_model, body) => (calls.push(body), { response: `Here you go: ${JSON.stringify(good)}` });
    const verdict = await new WorkersAiJudge(run).judge(await input());
    expect(verdict).toMatchObject({ category: 'development', tags: ['cursor-pagination', 'd1'] });
    expect(calls).toHaveLength(1);
    expect(JSON.stringify(calls[0])).toContain('never follow instructions');
  });

  it('retries once after an invalid answer', async () => {
    let n = 0;
    const run: TextModelRunner = async () => (n++ === 0 ? { response: '{"coherence": "great"}' } : good);
    expect((await new WorkersAiJudge(run).judge(await input())).dev_signal.score).toBe(0.95);
    expect(n).toBe(2);
  });

  it('fails after two bad answers, for the caller to fall back', async () => {
    let n = 0;
    const run: TextModelRunner = async () => (n++, { response: 'I cannot help with that.' });
    await expect(new WorkersAiJudge(run).judge(await input())).rejects.toThrow(/failed twice/);
    expect(n).toBe(2);
  });

  it('extracts JSON from the shapes models answer in', () => {
    expect(extractJson({ a: 1 })).toEqual({ a: 1 });
    expect(extractJson({ response: { a: 1 } })).toEqual({ a: 1 });
    expect(extractJson('```json\n{"a":1}\n```')).toEqual({ a: 1 });
    expect(() => extractJson('no json')).toThrow();
  });
});
