import { describe, expect, it } from 'vitest';
import { candidateKeys, checkSignedHeaders, isKeyValid, parseRfc3339 } from '../../content-pipeline/index.ts';

describe('parseRfc3339', () => {
  it.each([
    ['2025-01-15T10:30:00Z', Date.UTC(2025, 0, 15, 10, 30, 0)],
    ['2025-01-15t10:30:00z', Date.UTC(2025, 0, 15, 10, 30, 0)],
    ['2025-01-15T10:30:00.123Z', Date.UTC(2025, 0, 15, 10, 30, 0, 123)],
    ['2025-01-15T10:30:00.123456789Z', Date.UTC(2025, 0, 15, 10, 30, 0, 123)],
    ['2025-01-15T10:30:00.5Z', Date.UTC(2025, 0, 15, 10, 30, 0, 500)],
    // RFC 3339 allows any number of fractional digits.
    ['2025-01-15T10:30:00.6681234567Z', Date.UTC(2025, 0, 15, 10, 30, 0, 668)],
    ['2025-01-15T12:30:00+02:00', Date.UTC(2025, 0, 15, 10, 30, 0)],
    ['2025-01-15T05:00:00-05:30', Date.UTC(2025, 0, 15, 10, 30, 0)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('%s', (value, expected) => {
    expect(parseRfc3339(value)).toBe(expected);
  });

  it.each([
    '',
    '2025-01-15',
    '2025-01-15 10:30:00Z',
    '2025-01-15T10:30:00',
    '2025-01-15T10:30Z',
    '2025-13-01T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2025-01-32T00:00:00Z',
    '2025-01-15T24:00:00Z',
    '2025-01-15T10:60:00Z',
    '2025-01-15T10:30:60Z',
    '2025-01-15T10:30:00+24:00',
    '2025-01-15T10:30:00+0200',
    '2025-01-15T10:30:00.Z',
    '1736937000',
    'Wed, 15 Jan 2025 10:30:00 GMT',
    ' 2025-01-15T10:30:00Z',
  ])('refuses %j', (value) => {
    expect(parseRfc3339(value)).toBeNull();
  });
});

describe('key validity', () => {
  const rotated = { id: 'old', secret: 'x'.repeat(16), rotated_at: '2026-01-01T00:00:00Z' };
  const active = { id: 'new', secret: 'y'.repeat(16) };
  const graceEnd = Date.UTC(2026, 0, 2);

  it('keeps a rotated key for 24 h, not a millisecond longer', () => {
    expect(isKeyValid(rotated, graceEnd - 1000)).toBe(true);
    expect(isKeyValid(rotated, graceEnd - 1)).toBe(true);
    expect(isKeyValid(rotated, graceEnd)).toBe(false);
    expect(isKeyValid(rotated, graceEnd + 1000)).toBe(false);
    expect(isKeyValid(active, graceEnd + 1e12)).toBe(true);
  });

  it('tries only the named key, or every valid key', () => {
    expect(candidateKeys([rotated, active], undefined, graceEnd - 1).map((k) => k.id)).toEqual(['old', 'new']);
    expect(candidateKeys([rotated, active], undefined, graceEnd).map((k) => k.id)).toEqual(['new']);
    expect(candidateKeys([rotated, active], 'old', graceEnd)).toEqual([]);
    expect(candidateKeys([rotated, active], 'nope', 0)).toEqual([]);
  });
});

describe('checkSignedHeaders', () => {
  const now = Date.UTC(2025, 0, 15, 10, 30, 0);
  const valid = {
    'x-signature': 'a'.repeat(64),
    'x-timestamp': '2025-01-15T10:30:00Z',
    'x-nonce': 'nonce-1',
  };
  const check = (headers: Record<string, string>, at = now) =>
    checkSignedHeaders((name) => headers[name.toLowerCase()] ?? null, at);

  it('accepts a complete set', () => {
    const result = check(valid);
    expect(result.ok && result.headers.timestampMs).toBe(now);
  });

  it.each(['x-signature', 'x-timestamp', 'x-nonce'])('names a missing %s', (name) => {
    const { [name]: _, ...rest } = valid as Record<string, string>;
    const result = check(rest);
    expect(result).toEqual({ ok: false, rejection: { kind: 'missing_header', header: expect.stringMatching(new RegExp(name, 'i')) } });
  });

  it.each([
    ['x-signature', 'a'.repeat(63)],
    ['x-signature', 'g'.repeat(64)],
    ['x-nonce', 'has space'],
    ['x-nonce', 'n'.repeat(129)],
    ['x-key-id', 'bad key'],
    ['x-idempotency-key', 'é'],
  ])('refuses a malformed %s', (name, value) => {
    const result = check({ ...valid, [name]: value });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.rejection.kind).toBe('invalid_header');
  });

  it('skew: ±300 s accepted, ±301 s refused', () => {
    expect(check(valid, now + 300_000).ok).toBe(true);
    expect(check(valid, now - 300_000).ok).toBe(true);
    expect(check(valid, now + 300_001)).toMatchObject({ ok: false, rejection: { kind: 'clock_skew' } });
    expect(check(valid, now + 301_000)).toMatchObject({ ok: false, rejection: { kind: 'clock_skew' } });
    expect(check(valid, now - 301_000)).toMatchObject({ ok: false, rejection: { kind: 'clock_skew' } });
  });

  it('checks presence before the timestamp, and the timestamp before skew', () => {
    expect(check({ ...valid, 'x-timestamp': 'yesterday' })).toMatchObject({ rejection: { kind: 'invalid_timestamp' } });
    const { 'x-nonce': _, ...noNonce } = valid;
    expect(check({ ...noNonce, 'x-timestamp': 'yesterday' })).toMatchObject({ rejection: { kind: 'missing_header' } });
  });
});
