// Property tests of the temporal matcher (review): determinism, order independence, bounds, window, repos,
// duplicates, time-shift invariance.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MATCH_OPTIONS, GitHubEvent, matchClipsToEvents, type MatchClip, type MatchOptions } from '../../content-pipeline/index.ts';

const MINUTE = 60_000;
const BASE = Date.parse('2026-01-05T15:00:00.000Z');
const WORDS = ['cursor', 'pagination', 'queue', 'consumer', 'webhook', 'refactor', 'billing', 'export', 'fix', 'the', 'PR', '#3', 'issue 7', 'v0.2.0', 'deploy', 'retry', 'backoff', 'hmac', 'ClipFacade', 'paginating'];
const text = fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }).map((w) => w.join(' '));
const hex = fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 40, maxLength: 40 }).map((a) => a.join(''));

const eventArb = (id: fc.Arbitrary<string>) =>
  fc
    .record({
      id,
      type: fc.constantFrom('push', 'pull_request', 'issues', 'issue_comment', 'pull_request_comment', 'pull_request_review', 'release', 'create'),
      action: fc.constantFrom(null, 'opened', 'merged', 'closed'),
      repo: fc.constantFrom('o/r', 'O/R', 'x/y'),
      actor: fc.constantFrom(null, 'streamdev', 'dependabot[bot]'),
      title: fc.option(text, { nil: null }),
      message: fc.option(text, { nil: null }),
      url: fc.constant(null),
      number: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
      sha: fc.option(hex, { nil: null }),
      branch: fc.option(fc.constantFrom('main', 'feat/cursor-pagination'), { nil: null }),
      files: fc.option(fc.array(fc.constantFrom('src/queue/consumer.ts', 'lib/webhook.ts'), { maxLength: 2 }), { nil: null }),
      offsetSeconds: fc.integer({ min: -90 * 60, max: 60 * 60 }),
    })
    .map(({ offsetSeconds, ...e }) => ({ ...e, occurred_at: new Date(BASE + offsetSeconds * 1000).toISOString() }) as GitHubEvent);

const clipArb = fc.record({
  id: fc.constantFrom('c1', 'c2', 'c3', 'c4'),
  title: text,
  offsetSeconds: fc.integer({ min: -30 * 60, max: 30 * 60 }),
  duration: fc.integer({ min: 0, max: 120 }),
  transcript: fc.option(text, { nil: undefined }),
}).map(({ offsetSeconds, transcript, ...c }): MatchClip => ({ ...c, created_at: new Date(BASE + offsetSeconds * 1000).toISOString(), ...(transcript !== undefined && { transcript }) }));

const uniqueEvents = fc.uniqueArray(eventArb(fc.string({ minLength: 1, maxLength: 4 })), { selector: (e) => e.id, maxLength: 12 });
const uniqueClips = fc.uniqueArray(clipArb, { selector: (c) => c.id, maxLength: 4 });
const optionsArb = fc.record({
  threshold: fc.constantFrom(0, 0.3, 0.55),
  repos: fc.constantFrom(undefined, ['o/r'], ['x/y', 'o/r']),
}).map(({ threshold, repos }): MatchOptions => ({ ...DEFAULT_MATCH_OPTIONS, threshold, ...(repos && { repos }) }));

const key = (m: { clip_id: string; event_id: string }) => `${m.clip_id}\u0000${m.event_id}`;
const sorted = <T extends { clip_id: string; event_id: string }>(ms: T[]) => [...ms].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

describe('matchClipsToEvents: properties', () => {
  it('is deterministic, independent of event order, and of clip order (as a set)', () => {
    fc.assert(
      fc.property(uniqueClips, uniqueEvents, optionsArb, fc.nat(), (clips, events, options, seed) => {
        const a = matchClipsToEvents(clips, events, options);
        expect(matchClipsToEvents(clips, events, options)).toEqual(a);
        const shuffled = [...events].sort((x, y) => ((x.id.charCodeAt(0) * 31 + seed) % 7) - ((y.id.charCodeAt(0) * 31 + seed) % 7));
        expect(matchClipsToEvents(clips, shuffled, options)).toEqual(a);
        expect(matchClipsToEvents(clips, [...events].reverse(), options)).toEqual(a);
        expect(sorted(matchClipsToEvents([...clips].reverse(), events, options))).toEqual(sorted(a));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps confidence finite in [threshold, 1], inside the window, in the configured repos, without bots, one match per pair', () => {
    fc.assert(
      fc.property(uniqueClips, uniqueEvents, optionsArb, (clips, events, options) => {
        const matches = matchClipsToEvents(clips, events, options);
        const seen = new Set<string>();
        for (const m of matches) {
          expect(Number.isFinite(m.confidence)).toBe(true);
          expect(m.confidence).toBeGreaterThanOrEqual(Math.min(options.threshold, 1));
          expect(m.confidence).toBeLessThanOrEqual(1);
          expect(seen.has(key(m))).toBe(false);
          seen.add(key(m));
          const clip = clips.find((c) => c.id === m.clip_id)!;
          const event = events.find((e) => e.id === m.event_id)!;
          const end = Date.parse(clip.created_at);
          const start = end - clip.duration * 1000;
          const at = Date.parse(event.occurred_at);
          expect(at).toBeGreaterThanOrEqual(start - options.windowBeforeMinutes * MINUTE);
          expect(at).toBeLessThanOrEqual(end + options.windowAfterMinutes * MINUTE);
          if (options.repos) expect(options.repos.map((r) => r.toLowerCase())).toContain(event.repo.toLowerCase());
          expect(event.actor ?? '').not.toMatch(/\[bot\]$/);
          expect(GitHubEvent.safeParse(event).success).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives one match per event when identical copies of events are given', () => {
    fc.assert(
      fc.property(uniqueClips, uniqueEvents, optionsArb, (clips, events, options) => {
        const doubled = [...events, ...events.map((e) => ({ ...e }))];
        expect(matchClipsToEvents(clips, doubled, options)).toEqual(matchClipsToEvents(clips, events, options));
      }),
      { numRuns: 200 },
    );
  });

  it('is unchanged when every timestamp moves by the same amount (far past to far future)', () => {
    const deltaMs = fc.oneof(
      fc.integer({ min: -55 * 365, max: 7900 * 365 }).map((d) => d * 86_400_000),
      fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).map((s) => s * 1000),
      fc.constantFrom(Date.parse('2024-02-29T00:00:00Z') - BASE, Date.parse('2025-12-31T23:40:00Z') - BASE, Date.parse('2026-03-29T00:59:00Z') - BASE, Date.parse('1970-01-01T00:30:00Z') - BASE, Date.parse('9999-12-31T22:00:00Z') - BASE),
    );
    const move = (iso: string, d: number) => new Date(Date.parse(iso) + d).toISOString();
    fc.assert(
      fc.property(uniqueClips, uniqueEvents, optionsArb, deltaMs, (clips, events, options, d) => {
        const a = matchClipsToEvents(clips, events, options);
        const b = matchClipsToEvents(
          clips.map((c) => ({ ...c, created_at: move(c.created_at, d) })),
          events.map((e) => ({ ...e, occurred_at: move(e.occurred_at, d) })),
          options,
        );
        expect(b).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it('never gains confidence as an event moves further from the clip on the same side', () => {
    fc.assert(
      fc.property(clipArb, eventArb(fc.constant('e')), uniqueEvents, fc.integer({ min: 1, max: 3600 }), (clip, event, others, step) => {
        const rest = others.filter((o) => o.id !== 'e');
        const end = Date.parse(clip.created_at);
        const start = end - clip.duration * 1000;
        const at = Date.parse(event.occurred_at);
        const farther = at > end ? at + step * 1000 : at < start ? at - step * 1000 : at + (end - at) + step * 1000;
        const conf = (t: number) => matchClipsToEvents([clip], [{ ...event, repo: 'o/r', actor: null, occurred_at: new Date(t).toISOString() }, ...rest], { ...DEFAULT_MATCH_OPTIONS, threshold: 0 }).find((m) => m.event_id === 'e')?.confidence ?? 0;
        expect(conf(farther)).toBeLessThanOrEqual(conf(at));
      }),
      { numRuns: 500 },
    );
  });
});
