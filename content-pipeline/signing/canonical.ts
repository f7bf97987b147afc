// The canonical string of the HMAC scheme (docs/api.md): the one definition shared by the worker's verifier and
// every client we ship. Pure: no I/O, no clock.

const encoder = new TextEncoder();

/** Thrown when a query string cannot be canonicalised (bad percent-encoding, invalid UTF-8). */
export class MalformedQueryError extends Error {
  override readonly name = 'MalformedQueryError';
}

/** Percent-encodes per RFC 3986: unreserved `A-Za-z0-9-._~` stay, every other UTF-8 byte becomes uppercase `%XX`. */
export function rfc3986Encode(value: string): string {
  // encodeURIComponent leaves !'()* alone and already uses uppercase hex; finish the job for those five.
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeQueryComponent(raw: string): string {
  // `+` means space in query strings (what URLSearchParams and the router read), so it is signed as %20.
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new MalformedQueryError(`query component "${raw.slice(0, 40)}" is not valid percent-encoded UTF-8`);
  }
}

/**
 * Canonical QUERY: parameters decoded, re-encoded per RFC 3986, sorted by name then value (byte order of the
 * encoded forms), joined with `&`. Accepts the raw query with or without its leading `?`; empty pairs are dropped;
 * a name without `=` has the empty value. Returns "" when there are no parameters.
 */
export function canonicalQuery(rawQuery: string): string {
  const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  if (query === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push([rfc3986Encode(decodeQueryComponent(name)), rfc3986Encode(decodeQueryComponent(value))]);
  }
  pairs.sort(([an], [bn]) => (an < bn ? -1 : an > bn ? 1 : 0));
  // A name given twice would sign both orders alike while the router reads only one of the values (the last), so
  // whoever can reorder the URL could change what the request means without breaking its signature.
  for (let i = 1; i < pairs.length; i++) {
    if (pairs[i]![0] === pairs[i - 1]![0]) throw new MalformedQueryError(`parameter "${decodeQueryComponent(pairs[i]![0]).slice(0, 40)}" is given more than once`);
  }
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  for (const byte of view) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** Lowercase hex SHA-256 of the exact bytes (a string is taken as its UTF-8 bytes). */
export async function sha256Hex(body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  return toHex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** SHA-256 of the empty body, used by GET and DELETE. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Methods whose requests the API takes without a body: one sent with them is refused (400). */
export const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

export interface CanonicalParts {
  method: string;
  /** URL path as sent, percent-encoding untouched. */
  path: string;
  /** Raw query string (with or without `?`), canonicalised here. */
  rawQuery: string;
  bodySha256: string;
  timestamp: string;
  nonce: string;
}

/** `METHOD\nPATH\nQUERY\nhex(sha256(body))\nX-Timestamp\nX-Nonce`, no trailing newline. */
export function canonicalString(parts: CanonicalParts): string {
  return [
    parts.method.toUpperCase(),
    parts.path,
    canonicalQuery(parts.rawQuery),
    parts.bodySha256,
    parts.timestamp,
    parts.nonce,
  ].join('\n');
}

const keyCache = new Map<string, Promise<CryptoKey>>();

/** Imports (once per secret) the HMAC-SHA256 key: the secret's UTF-8 bytes. */
export function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    keyCache.set(secret, key);
  }
  return key;
}

/** Lowercase hex HMAC-SHA256 of the canonical string. */
export async function hmacHex(secret: string, canonical: string): Promise<string> {
  return toHex(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(canonical)));
}

/** Parses 64 hex characters (either case) to bytes, or null. */
export function parseSignatureHex(signature: string): Uint8Array | null {
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(signature.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Constant-time check of a signature against one secret (WebCrypto's verify compares in constant time). */
export async function verifyHmac(secret: string, canonical: string, signature: Uint8Array): Promise<boolean> {
  return crypto.subtle.verify(
    'HMAC',
    await hmacKey(secret),
    signature as Uint8Array<ArrayBuffer>,
    encoder.encode(canonical),
  );
}
