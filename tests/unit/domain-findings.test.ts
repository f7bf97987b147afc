// Regressions found by the domain property tests (domain-matching and domain-recap.property.test.ts); each failed
// before its fix.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  candidateWindow,
  DEFAULT_MATCH_OPTIONS,
  matchClipsToEvents,
  normaliseTags,
  type MatchClip,
} from '../../content-pipeline/index.ts';
import { commit } from '../../sample-data/build.ts';
import { CLIPS, GITHUB_EVENTS, REPOS } from '../../sample-data/index.ts';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const CREATED = '2026-01-05T15:00:00.000Z';
const at = (m: number) => new Date(Date.parse(CREATED) + m * 60_000).toISOString();

describe('matcher: a clip\'s matches do not depend on events outside its window', () => {
  it('minimal: an unrelated commit two days later changes nothing', () => {
    const clip: MatchClip = { id: 'c1', title: 'queue consumer', created_at: CREATED, duration: 30 };
    const events = [commit('o/r', at(14), 'queue consumer'), commit('o/r', at(-3), 'queue consumer batching')];
    const far = commit('o/r', '2026-01-07T09:00:00.000Z', 'billing export');
    const ids = (evs: typeof events) => matchClipsToEvents([clip], evs).map((m) => m.event_id);
    // Word rarity was taken over every event given: with the far commit the +14 min one scored 0.553 instead of
    // 0.543 and crossed the 0.55 threshold.
    expect(ids([...events, far])).toEqual(ids(events));
  });

  it('sample week: the enhance stage (window events only) and the accuracy benchmark (all events) agree', () => {
    const options = { ...DEFAULT_MATCH_OPTIONS, repos: REPOS };
    const differing: string[] = [];
    for (const c of CLIPS) {
      const clip: MatchClip = { id: c.id, title: c.title, created_at: c.created_at, duration: c.duration, transcript: c.transcript.join(' ') };
      // What worker/pipeline/enhance-stage.ts does: only the events in candidateWindow reach the matcher.
      const w = candidateWindow(c.created_at, c.duration, options);
      const inWindow = GITHUB_EVENTS.filter((e) => Date.parse(e.occurred_at) >= Date.parse(w.from) && Date.parse(e.occurred_at) <= Date.parse(w.to));
      const production = matchClipsToEvents([clip], inWindow, options).map((m) => m.event_id);
      // What scripts/match-accuracy.ts (npm run match:accuracy, the accuracy test) and npm run match do.
      const benchmark = matchClipsToEvents([clip], GITHUB_EVENTS, options).map((m) => m.event_id);
      if (JSON.stringify(production) !== JSON.stringify(benchmark)) differing.push(`${c.id}: production ${production.join(',')} / benchmark ${benchmark.join(',')}`);
    }
    // They disagreed on 8 of 12 clips; SpeedrunningD1Migration's true link pr:streamdev/clip-recap:15:opened was
    // found by the benchmark only (it is now missed by both: recall 0.95, README).
    expect(differing).toEqual([]);
  });
});

// Low impact today: WorkersAiJudge applies normaliseTags twice (lenient() and after parsing), and the second pass
// strips the hyphen; the heuristic judge's tags are single short words. A single call breaks its own contract.
describe('normaliseTags: a cut at 40 characters leaves no trailing hyphen', () => {
  it('returns only lowercase slugs (property, pinned seed)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,12}(-[a-z]{1,12}){0,6}$/), { maxLength: 6 }), (tags) => {
        for (const t of normaliseTags(tags)) expect(t).toMatch(SLUG);
      }),
      { seed: 20_261_124, numRuns: 500 },
    );
  });

  it('minimal: a 49-character AI tag', () => {
    // Actual: ['cloudflare-workers-durable-objects-kvdb-'].
    expect(normaliseTags(['cloudflare-workers-durable-objects-kvdb-migration'])).toEqual(['cloudflare-workers-durable-objects-kvdb']);
  });
});

describe('matcher: two copies of one event id that differ', () => {
  it('gives the same matches whatever their order', () => {
    const clip: MatchClip = { id: 'c1', title: 'queue consumer', created_at: CREATED, duration: 30 };
    const e = commit('o/r', at(1), 'queue consumer');
    const later = { ...e, occurred_at: at(40) }; // the same commit as another export saw it
    // Actual: [e, later] → no match (the last copy wins, 40 min away); [later, e] → a match at 0.8.
    expect(matchClipsToEvents([clip], [e, later])).toEqual(matchClipsToEvents([clip], [later, e]));
  });
});
