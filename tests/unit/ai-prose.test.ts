// Workers AI prose (scripted model runner: Workers AI has no local mode): faithful answers are used, answers with
// links, syntax or invented numbers fall back to the template, the budget is respected, and the front matter is the
// same whichever writer ran.
import { describe, expect, it } from 'vitest';
import { buildRecap, isFaithful, selectClips, templateProse, WorkersAiProse, type TextModelRunner } from '../../content-pipeline/index.ts';
import { sampleSources } from '../support/recap-sources.ts';

const MONDAY = { start: '2026-01-05T00:00:00.000Z', end: '2026-01-06T00:00:00.000Z' };
const monday = async () => selectClips((await sampleSources()).filter((s) => s.item.clip_created_at < MONDAY.end), { contentType: 'daily_recap', includeNeedsReview: false });

describe('WorkersAiProse', () => {
  it('uses a faithful answer, and gives the same front matter as the template', async () => {
    const run: TextModelRunner = async () => ({ response: '{"text": "Monday was all about the cursor pagination fix."}' });
    const ai = new WorkersAiProse(run, async () => true);
    const sources = await monday();
    const withAi = await buildRecap({ contentType: 'daily_recap', dateRange: MONDAY, sources, generatorVersion: '0.1.0' }, ai);
    const withTemplate = await buildRecap({ contentType: 'daily_recap', dateRange: MONDAY, sources, generatorVersion: '0.1.0' }, templateProse);
    expect(withAi.body).toContain('Monday was all about the cursor pagination fix.');
    expect(withAi.frontmatter).toEqual(withTemplate.frontmatter);
    expect(ai.fallbacks).toEqual([]);
  });

  it.each([
    ['{"text": "See https://evil.example for more."}', 'a link'],
    ['{"text": "We shipped 47 commits today."}', 'an invented number'],
    ['{"text": "# Heading injection"}', 'Markdown'],
    ['{"text": "<img src=x onerror=alert(1)>"}', 'HTML'],
    ['I refuse.', 'no JSON'],
  ])('falls back to the template for %s (%s)', async (answer) => {
    const ai = new WorkersAiProse(async () => ({ response: answer }), async () => true);
    const sources = await monday();
    const recap = await buildRecap({ contentType: 'daily_recap', dateRange: MONDAY, sources, generatorVersion: '0.1.0' }, ai);
    const template = await buildRecap({ contentType: 'daily_recap', dateRange: MONDAY, sources, generatorVersion: '0.1.0' }, templateProse);
    expect(recap.markdown).toBe(template.markdown);
    expect(ai.fallbacks.length).toBeGreaterThan(0);
  });

  it('gives the model the days a recap covers, not the exclusive end: a daily recap is one day', async () => {
    const prompts: string[] = [];
    const ai = new WorkersAiProse(async (_model, input) => (prompts.push(input.messages.map((m) => m.content).join('\n')), { response: '{"text": "Monday was all about the cursor pagination fix."}' }), async () => true);
    const recap = await buildRecap({ contentType: 'daily_recap', dateRange: MONDAY, sources: await monday(), generatorVersion: '0.1.0' }, ai);
    const intro = prompts.find((p) => p.includes('introduction'))!;
    expect(intro).toContain('"first_day":"2026-01-05","last_day":"2026-01-05"');
    expect(intro).not.toContain('2026-01-06');
    // So an answer naming the next day is not taken as faithful.
    const nextDay = new WorkersAiProse(async () => ({ response: '{"text": "Recap for 2026-01-06."}' }), async () => true);
    await buildRecap({ contentType: 'daily_recap', dateRange: MONDAY, sources: await monday(), generatorVersion: '0.1.0' }, nextDay);
    expect(nextDay.fallbacks).toContain('unfaithful_answer');
    expect(recap.body).toContain('Monday was all about');
  });

  it('keeps accepted answers, so publishing the same recap again asks nothing and gives the same post', async () => {
    const kept = new Map<string, string>();
    const cache = { get: async (k: string) => kept.get(k) ?? null, put: async (k: string, v: string) => void kept.set(k, v) };
    let calls = 0;
    // A model whose wording changes on every call, as real ones do.
    const run: TextModelRunner = async () => ({ response: JSON.stringify({ text: `Cursor pagination, take ${['one', 'two', 'three', 'four'][calls++ % 4]}.` }) });
    const build = async () => buildRecap({ contentType: 'daily_recap', dateRange: MONDAY, sources: await monday(), generatorVersion: '0.1.0' }, new WorkersAiProse(run, async () => true, cache));
    const first = await build();
    const asked = calls;
    expect(asked).toBeGreaterThan(0);
    expect(first.body).toContain('Cursor pagination, take one.');
    const second = await build();
    expect(second.markdown).toBe(first.markdown);
    expect(calls).toBe(asked);
    // Without the cache the second post differs: the reason it exists.
    const uncached = await buildRecap({ contentType: 'daily_recap', dateRange: MONDAY, sources: await monday(), generatorVersion: '0.1.0' }, new WorkersAiProse(run, async () => true));
    expect(uncached.markdown).not.toBe(first.markdown);
  });

    it('does not call the model over budget', async () => {
    let calls = 0;
    const ai = new WorkersAiProse(async () => (calls++, { response: '{"text": "x"}' }), async () => false);
    await buildRecap({ contentType: 'daily_recap', dateRange: MONDAY, sources: await monday(), generatorVersion: '0.1.0' }, ai);
    expect(calls).toBe(0);
    expect(new Set(ai.fallbacks)).toEqual(new Set(['budget_exceeded']));
  });

  it('judges faithfulness by the facts given', () => {
    expect(isFaithful('Two clips on 2026-01-07.', '{"clips":2,"from":"2026-01-05"}')).toBe(false);
    expect(isFaithful('Two clips on 2026-01-05.', '{"clips":2,"from":"2026-01-05"}')).toBe(true);
    expect(isFaithful('A day of 2 clips.', '{"clips":2}')).toBe(true);
    expect(isFaithful('', '{}')).toBe(false);
  });
});
