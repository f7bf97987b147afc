// Property tests of X-Timestamp parsing and the header checks against an independent reference of docs/api.md.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSignedHeaders, MAX_SKEW_MS, parseRfc3339 } from '../../content-pipeline/index.ts';

// Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm), independent of Date.
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const dim = (y: number, m: number) => [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

/** Reference: RFC 3339 date-time (docs: fractions truncated to ms, leap seconds refused, years < 100 refused). */
function reference(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(v);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as number[];
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > dim(y!, mo!) || h! > 23 || mi! > 59 || s! > 59) return null;
  if (y! < 100) return null;
  let off = 0;
  if (m[8] !== 'Z' && m[8] !== 'z') {
    const oh = Number(m[8]!.slice(1, 3));
    const om = Number(m[8]!.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    off = (m[8]![0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = m[7] ? Number(m[7].slice(1, 4).padEnd(3, '0')) : 0;
  return ((daysFromCivil(y!, mo!, d!) * 24 + h!) * 60 + mi!) * 60_000 + s! * 1000 + ms - off * 60_000;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const tsArb = fc
  .record({
    y: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 2025, max: 2027 })),
    mo: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 25 }),
    mi: fc.integer({ min: 0, max: 60 }),
    s: fc.integer({ min: 0, max: 61 }),
    frac: fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: undefined }),
    t: fc.constantFrom('T', 't', ' ', '_'),
    zone: fc.oneof(
      fc.constantFrom('Z', 'z', '', '+00:00', '-00:00', 'UTC', '+0000', '+00'),
      fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 })).map(
        ([sg, a, b]) => `${sg}${pad(a, 2)}:${pad(b, 2)}`,
      ),
    ),
  })
  .map(({ y, mo, d, h, mi, s, frac, t, zone }) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}${t}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac !== undefined ? '.' + frac : ''}${zone}`);

describe('parseRfc3339 against an independent reference', () => {
  it('agrees on every generated timestamp', () => {
    fc.assert(
      fc.property(tsArb, (v) => {
        expect(parseRfc3339(v), v).toBe(reference(v));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with Date.parse for ISO strings it produced', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(100, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
        expect(parseRfc3339(new Date(ms).toISOString())).toBe(ms);
      }),
    );
  });
});

describe('checkSignedHeaders: skew accepted exactly within ±300 s (inclusive, ms precision)', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it('accepts iff the reference instant is within the window', () => {
    fc.assert(
      fc.property(tsArb, fc.integer({ min: -400_000, max: 400_000 }), (v, shift) => {
        const nowMs = (reference(v) ?? now) + shift;
        const headers: Record<string, string> = { 'x-signature': 'a'.repeat(64), 'x-timestamp': v, 'x-nonce': 'n' };
        const check = checkSignedHeaders((name) => headers[name.toLowerCase()] ?? null, nowMs);
        const ref = reference(v);
        if (ref === null) expect(check.ok ? 'ok' : check.rejection.kind, v).toBe('invalid_timestamp');
        else if (Math.abs(nowMs - ref) <= MAX_SKEW_MS) expect(check.ok, v).toBe(true);
        else expect(check.ok ? 'ok' : check.rejection.kind, v).toBe('clock_skew');
      }),
      { numRuns: 20_000 },
    );
  });
});
