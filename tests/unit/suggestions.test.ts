import { describe, expect, it } from 'vitest';
import { isoWeek, suggestedTitle } from '../../content-pipeline/index.ts';

describe('isoWeek', () => {
  it.each([
    ['2026-01-01T00:00:00Z', 2026, 1],
    ['2025-12-29T00:00:00Z', 2026, 1],
    ['2026-01-04T23:59:59Z', 2026, 1],
    ['2026-01-05T00:00:00Z', 2026, 2],
    ['2026-03-02T00:00:00Z', 2026, 10],
    ['2020-12-31T00:00:00Z', 2020, 53],
    ['2021-01-03T00:00:00Z', 2020, 53],
    ['2024-12-30T00:00:00Z', 2025, 1],
  ])('%s is week %i-W%i', (iso, year, week) => {
    expect(isoWeek(iso)).toEqual({ year, week });
  });
});

describe('suggestedTitle', () => {
  it('writes the day as en-US does ("Jun 1, 2025", UTC) on every day of two years', () => {
    for (let ms = Date.parse('2025-01-01T00:00:00Z'); ms < Date.parse('2027-01-01T00:00:00Z'); ms += 86_400_000 + 3_600_000) {
      const start = new Date(ms).toISOString();
      const expected = new Date(ms).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
      expect(suggestedTitle('daily_recap', { start, end: start }, [])).toBe(`Stream recap, ${expected}`);
    }
  });
});
