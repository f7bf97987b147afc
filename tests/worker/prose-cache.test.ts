// The AI prose cache on the real local R2: an accepted answer is kept and given back, so the second build of the
// same recap asks the model nothing and writes the same post.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { buildRecap, selectClips, WorkersAiProse, type TextModelRunner } from '../../content-pipeline/index.ts';
import { r2ProseCache } from '../../worker/storage/prose-cache.ts';
import { sampleSources } from '../support/recap-sources.ts';

const MONDAY = { start: '2026-01-05T00:00:00.000Z', end: '2026-01-06T00:00:00.000Z' };

describe('r2ProseCache', () => {
  it('misses, keeps and gives back text under prose/', async () => {
    const cache = r2ProseCache(env.BUCKET);
    expect(await cache.get('abc')).toBeNull();
    await cache.put('abc', 'Naïve café — “quoted”.');
    expect(await cache.get('abc')).toBe('Naïve café — “quoted”.');
    expect((await env.BUCKET.head('prose/abc.txt'))?.httpMetadata?.contentType).toBe('text/plain; charset=utf-8');
  });

  it('makes re-publishing with Workers AI prose ask nothing and change nothing', async () => {
    let calls = 0;
    const run: TextModelRunner = async () => ({ response: JSON.stringify({ text: `Cursor pagination, take ${['one', 'two', 'three'][calls++ % 3]}.` }) });
    const sources = selectClips((await sampleSources()).filter((s) => s.item.clip_created_at < MONDAY.end), { contentType: 'daily_recap', includeNeedsReview: false });
    const build = () => buildRecap({ contentType: 'daily_recap', dateRange: MONDAY, sources, generatorVersion: '0.1.0' }, new WorkersAiProse(run, async () => true, r2ProseCache(env.BUCKET)));
    const first = await build();
    const asked = calls;
    expect(first.body).toContain('Cursor pagination, take one.');
    expect((await build()).markdown).toBe(first.markdown);
    expect(calls).toBe(asked);
  });
});
