// A topic the publish request accepts (1-60 characters, with a
// letter or digit) gives a slug ending in '-' when NFKD lengthens it past 60 and the cut lands on a separator.
// The front-matter schema refused such a slug, so the recap could never be built.
import { describe, expect, it } from 'vitest';
import { buildRecap, topicSlug } from '../../content-pipeline/index.ts';
import { sampleSources } from '../support/recap-sources.ts';

const WEEK = { start: '2026-01-05T00:00:00.000Z', end: '2026-01-12T00:00:00.000Z' };

describe('topicSlug at its 60-character cut', () => {
  const topic = `${'a'.repeat(58)}½`; // 59 characters; NFKD: '½' -> '1⁄2', so the slug is 61 long before the cut

  it('never ends in a separator', () => {
    expect(topic.length).toBeLessThanOrEqual(60);
    expect(topicSlug(topic)).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('lets a topic_focus recap be built', async () => {
    const [source] = await sampleSources();
    await expect(buildRecap({ contentType: 'topic_focus', topic, dateRange: WEEK, sources: [source!], generatorVersion: '0.1.0' })).resolves.toBeDefined();
  });
});
