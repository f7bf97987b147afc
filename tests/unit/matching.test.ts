// Temporal matching: properties (monotone in time distance, deterministic, explainable), the fixed CLI format,
// and the accuracy benchmark's verdict on the labelled sample set.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidateWindow, clipWindowForEvent, DEFAULT_MATCH_OPTIONS, matchClipsToEvents, tokenize, type GitHubEvent, type MatchClip } from '../../content-pipeline/index.ts';
import { commit, pullRequest } from '../../sample-data/build.ts';
import { matchInput } from '../../sample-data/index.ts';
import { accuracyReport } from '../../scripts/match-accuracy.ts';

const CLIP: MatchClip = {
  id: 'c1',
  title: 'Fixing cursor pagination',
  created_at: '2026-01-05T15:00:00.000Z',
  duration: 60,
  transcript: 'the cursor pagination skipped a row, merging PR 12 now',
};
const minutes = (m: number) => new Date(Date.parse(CLIP.created_at) + m * 60_000).toISOString();
const all = { ...DEFAULT_MATCH_OPTIONS, threshold: 0 };

describe('matchClipsToEvents', () => {
  it('never gains confidence as an event moves away from the clip, on either side', () => {
    for (const text of ['Fix cursor pagination off-by-one', 'Unrelated refactor of billing']) {
      const scores = (offsets: number[]) =>
        offsets.map((m) => matchClipsToEvents([CLIP], [commit('o/r', minutes(m), text)], all)[0]?.confidence ?? 0);
      const after = scores([0, 1, 5, 10, 20, 29]);
      const before = scores([-1, -2, -6, -15, -30, -45]);
      for (const series of [after, before]) {
        for (let i = 1; i < series.length; i++) expect(series[i]!, `${text}: ${series}`).toBeLessThanOrEqual(series[i - 1]!);
      }
    }
  });

  it('is deterministic and independent of event order', () => {
    const events = [commit('o/r', minutes(2), 'Fix cursor pagination'), commit('o/r', minutes(-3), 'Cursor tests'), pullRequest('o/r', 12, 'merged', minutes(10), 'Cursor pagination')];
    const a = matchClipsToEvents([CLIP], events);
    expect(matchClipsToEvents([CLIP], [...events].reverse())).toEqual(a);
    expect(matchClipsToEvents([CLIP], events)).toEqual(a);
  });

  it('explains every match with when it happened and why it counts', () => {
    const [match] = matchClipsToEvents([CLIP], [commit('o/r', minutes(3), 'Fix off-by-one in cursor pagination')]);
    expect(match!.reason).toMatch(/^committed 3 min after the clip; shares "(cursor|paginat)", "(cursor|paginat)" with the clip$/);
    expect(match!.offset_seconds).toBe(180);
    const [pr] = matchClipsToEvents([CLIP], [pullRequest('o/r', 12, 'merged', minutes(20), 'Jobs listing')]);
    expect(pr!.reason).toBe('PR #12 merged 20 min after the clip; #12 is mentioned in the clip');
  });

  it('drops events outside the window, below the threshold, from bots and from other repos', () => {
    const events: GitHubEvent[] = [
      commit('o/r', minutes(31), 'cursor pagination'),
      commit('o/r', minutes(-47), 'cursor pagination'),
      commit('o/r', minutes(0), 'Billing export'),
      commit('o/r', minutes(0), 'cursor pagination', { actor: 'dependabot[bot]' }),
      commit('x/y', minutes(0), 'cursor pagination'),
    ];
    expect(matchClipsToEvents([CLIP], events, { ...DEFAULT_MATCH_OPTIONS, repos: ['o/r'] })).toEqual([]);
  });

  it('lets one event match several clips', () => {
    const second = { ...CLIP, id: 'c2', created_at: minutes(5) };
    const matches = matchClipsToEvents([CLIP, second], [commit('o/r', minutes(3), 'cursor pagination fix')]);
    expect(matches.map((m) => m.clip_id)).toEqual(['c1', 'c2']);
  });

  it('keeps confidence within 0-1', () => {
    const matches = matchClipsToEvents(matchInput().clips, matchInput().events, all);
    expect(matches.length).toBeGreaterThan(0);
    for (const m of matches) {
      expect(m.confidence).toBeGreaterThanOrEqual(0);
      expect(m.confidence).toBeLessThanOrEqual(1);
    }
  });
});

describe('tokenize', () => {
  it('splits camelCase and paths, drops filler, keeps versions', () => {
    expect(tokenize('ClipFacade.astro fixes the paginating cursors in v0.2.0')).toEqual(['clip', 'facade', 'astro', 'paginat', 'cursor', 'v0.2.0']);
  });
});

describe('accuracy on the labelled sample set', () => {
  it('beats the ±N minute baselines on precision and F1', () => {
    const { matcher, baselines } = accuracyReport();
    for (const baseline of baselines) {
      expect(matcher.precision, baseline.name).toBeGreaterThan(baseline.precision);
      expect(matcher.f1, baseline.name).toBeGreaterThan(baseline.f1);
    }
    // Word rarity is taken among each clip's candidates, as in production: one true link falls under the threshold.
    expect(matcher.recall).toBeGreaterThanOrEqual(0.95);
  });
});

describe('npm run match', () => {
  const run = (input: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'match-'));
    const file = join(dir, 'input.json');
    writeFileSync(file, typeof input === 'string' ? input : JSON.stringify(input));
    return spawnSync(process.execPath, ['scripts/match.ts', file], { encoding: 'utf8' });
  };

  it('prints matches in the fixed format', () => {
    const result = run(matchInput());
    expect(result.status).toBe(0);
    const { matches } = JSON.parse(result.stdout);
    expect(matches.length).toBeGreaterThan(0);
    for (const m of matches) expect(Object.keys(m).sort()).toEqual(['clip_id', 'confidence', 'event_id', 'reason']);
  });

  it('accepts offsets other than Z, absent optional fields, and extra fields', () => {
    const result = run({
      clips: [{ id: 'a', title: 'cursor pagination', created_at: '2026-01-05T16:00:00+01:00', duration: 30, broadcaster_name: 'x', view_count: 1 }],
      events: [{ id: 'e', type: 'push', repo: 'o/r', message: 'cursor pagination', occurred_at: '2026-01-05T15:01:00Z', extra: true }],
    });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).matches).toEqual([expect.objectContaining({ clip_id: 'a', event_id: 'e' })]);
  });

  it('names the field of invalid input', () => {
    const result = run({ clips: [{ id: 'a', title: 't', created_at: 'yesterday', duration: 1 }], events: [] });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('clips.0.created_at');
    const badEvent = run({ clips: [], events: [{ id: 'e', type: 'deploy', repo: 'o/r', occurred_at: '2026-01-05T15:01:00Z' }] });
    expect(badEvent.stderr).toContain('events.0.type');
    expect(run('not json').stderr).toContain('cannot read');
  });
});

describe('clipWindowForEvent', () => {
  it('holds every clip whose candidate window holds the event (the inverse of candidateWindow)', () => {
    let seed = 11;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const base = Date.parse('2026-01-05T12:00:00Z');
    let inside = 0;
    for (let i = 0; i < 2000; i++) {
      const clipAt = new Date(base + Math.floor(next() * 4 * 3_600_000)).toISOString();
      const duration = 5 + Math.floor(next() * 56);
      const eventAt = new Date(base + Math.floor(next() * 4 * 3_600_000)).toISOString();
      const forClip = candidateWindow(clipAt, duration, DEFAULT_MATCH_OPTIONS);
      const forEvent = clipWindowForEvent(eventAt, 60, DEFAULT_MATCH_OPTIONS);
      const eventInClipWindow = eventAt >= forClip.from && eventAt <= forClip.to;
      const clipInEventWindow = clipAt >= forEvent.from && clipAt <= forEvent.to;
      if (eventInClipWindow) {
        inside++;
        expect(clipInEventWindow, `${clipAt} (${duration} s) / ${eventAt}`).toBe(true);
      }
    }
    expect(inside).toBeGreaterThan(200);
  });
});
