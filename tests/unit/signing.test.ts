// The canonical string, query canonicalisation and signing, checked against a golden vector computed with
// openssl (printf '%s' ... | openssl dgst -sha256 -hmac ...), so client and server cannot drift together.
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalString,
  EMPTY_BODY_SHA256,
  MalformedQueryError,
  parseSignatureHex,
  rfc3986Encode,
  sha256Hex,
  signRequest,
  verifyHmac,
} from '../../content-pipeline/index.ts';

const GOLDEN = {
  secret: 'key_2025_01-secret-value',
  method: 'POST',
  url: '/api/content/generate?tag=a+b&limit=20',
  body: '{"date_range":{"start":"2025-01-01T00:00:00Z","end":"2025-01-02T00:00:00Z"},"content_type":"daily_recap"}',
  timestamp: '2025-01-15T10:30:00Z',
  nonce: 'abc123def456ghi789',
  bodySha256: 'ea2d3e74a2389e86e8ce28d2acd77943dd6ac578622562223aa02edb3ad86b1a',
  canonical: [
    'POST',
    '/api/content/generate',
    'limit=20&tag=a%20b',
    'ea2d3e74a2389e86e8ce28d2acd77943dd6ac578622562223aa02edb3ad86b1a',
    '2025-01-15T10:30:00Z',
    'abc123def456ghi789',
  ].join('\n'),
  signature: '3dbc71d0d0878963f850b23d5af2e82e213cf60af7cf256ca83932565bf9a689',
};

describe('golden vector', () => {
  it('hashes the body bytes', async () => {
    expect(await sha256Hex(GOLDEN.body)).toBe(GOLDEN.bodySha256);
    expect(await sha256Hex('')).toBe(EMPTY_BODY_SHA256);
  });

  it('signs the documented canonical string', async () => {
    const signed = await signRequest({
      method: GOLDEN.method,
      url: GOLDEN.url,
      body: GOLDEN.body,
      secret: GOLDEN.secret,
      timestamp: GOLDEN.timestamp,
      nonce: GOLDEN.nonce,
      keyId: 'key_2025_01',
    });
    expect(signed.canonical).toBe(GOLDEN.canonical);
    expect(signed.canonical.endsWith('\n')).toBe(false);
    expect(signed.signature).toBe(GOLDEN.signature);
    expect(signed.headers).toEqual({
      'X-Signature': GOLDEN.signature,
      'X-Timestamp': GOLDEN.timestamp,
      'X-Nonce': GOLDEN.nonce,
      'X-Key-Id': 'key_2025_01',
      'Content-Type': 'application/json',
    });
  });

  it('verifies upper- and lowercase hex, and rejects a changed canonical string', async () => {
    for (const hex of [GOLDEN.signature, GOLDEN.signature.toUpperCase()]) {
      expect(await verifyHmac(GOLDEN.secret, GOLDEN.canonical, parseSignatureHex(hex)!)).toBe(true);
    }
    expect(await verifyHmac(GOLDEN.secret, `${GOLDEN.canonical}\n`, parseSignatureHex(GOLDEN.signature)!)).toBe(false);
    expect(await verifyHmac('another-secret-value', GOLDEN.canonical, parseSignatureHex(GOLDEN.signature)!)).toBe(false);
  });

  it('uses the empty-body hash for GET', async () => {
    const signed = await signRequest({
      method: 'get',
      url: '/api/jobs',
      secret: GOLDEN.secret,
      timestamp: GOLDEN.timestamp,
      nonce: GOLDEN.nonce,
    });
    expect(signed.canonical).toBe(`GET\n/api/jobs\n\n${EMPTY_BODY_SHA256}\n${GOLDEN.timestamp}\n${GOLDEN.nonce}`);
    expect(signed.headers['Content-Type']).toBeUndefined();
  });
});

describe('canonicalQuery', () => {
  it.each([
    ['', ''],
    ['?', ''],
    ['?b=2&a=1', 'a=1&b=2'],
    ['q=hello world', 'q=hello%20world'],
    ['q=hello+world', 'q=hello%20world'],
    ['q=hello%20world', 'q=hello%20world'],
    ['q=a%2Bb', 'q=a%2Bb'],
    ['q=%7e%2d%2e%5f', 'q=~-._'],
    ['q=%2f', 'q=%2F'],
    ["q=!'()*", 'q=%21%27%28%29%2A'],
    ['flag&x=1', 'flag=&x=1'],
    ['a=1&&b=2&', 'a=1&b=2'],
    ['name=caf%C3%A9', 'name=caf%C3%A9'],
    ['name=café', 'name=caf%C3%A9'],
    ['Z=1&a=1', 'Z=1&a=1'],
    ['k=v=w', 'k=v%3Dw'],
  ])('%j → %j', (raw, expected) => {
    expect(canonicalQuery(raw)).toBe(expected);
  });

  it.each(['q=%zz', 'q=%', 'q=%ff', 'q=%C3'])('refuses malformed encoding %j', (raw) => {
    expect(() => canonicalQuery(raw)).toThrow(MalformedQueryError);
  });

  it.each(['a=2&a=1', 'a=1&b=2&a=1', 'flag&flag', 'caf%C3%A9=1&café=2', 'q=1&q'])('refuses a name given more than once: %j', (raw) => {
    expect(() => canonicalQuery(raw)).toThrow(/given more than once/);
  });

  it('is independent of parameter order', () => {
    expect(canonicalQuery('b=2&a=1&c=3')).toBe(canonicalQuery('c=3&a=1&b=2'));
  });
});

describe('rfc3986Encode', () => {
  it('leaves only unreserved characters', () => {
    expect(rfc3986Encode("AZaz09-._~ /?#[]@!$&'()*+,;=")).toBe(
      'AZaz09-._~%20%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D',
    );
  });
});

describe('canonicalString', () => {
  it('uppercases the method and keeps the path as sent', () => {
    const s = canonicalString({
      method: 'post',
      path: '/api/content-items/01J%2Fx',
      rawQuery: '',
      bodySha256: EMPTY_BODY_SHA256,
      timestamp: 't',
      nonce: 'n',
    });
    expect(s.split('\n')).toEqual(['POST', '/api/content-items/01J%2Fx', '', EMPTY_BODY_SHA256, 't', 'n']);
  });
});
