// The signing client: produces the headers of a signed request. Used by the worker's tests, scripts/sign-request.ts,
// the offline demo and the benchmark, so every caller signs exactly as the verifier checks.
import { canonicalString, EMPTY_BODY_SHA256, hmacHex, sha256Hex } from './canonical.ts';
import { HEADER } from './headers.ts';
import { toRfc3339 } from './timestamp.ts';

export interface SignRequestInput {
  method: string;
  /** Path with optional query, e.g. `/api/jobs?limit=10`, or an absolute URL. */
  url: string;
  /** Exact body bytes; omit for none. */
  body?: string | Uint8Array;
  secret: string;
  keyId?: string;
  idempotencyKey?: string;
  /** Defaults to now; pass a fixed value for golden vectors. */
  timestamp?: string;
  /** Defaults to 128 random bits as hex. */
  nonce?: string;
}

export interface SignedRequest {
  headers: Record<string, string>;
  canonical: string;
  signature: string;
}

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function signRequest(input: SignRequestInput): Promise<SignedRequest> {
  // The URL parser gives the same path and raw query the worker sees (dot segments resolved, encoding kept).
  const url = new URL(input.url, 'http://signing.invalid');
  const timestamp = input.timestamp ?? toRfc3339(Date.now());
  const nonce = input.nonce ?? randomNonce();
  const hasBody = input.body !== undefined && input.body.length > 0;
  const canonical = canonicalString({
    method: input.method,
    path: url.pathname,
    rawQuery: url.search,
    bodySha256: hasBody ? await sha256Hex(input.body!) : EMPTY_BODY_SHA256,
    timestamp,
    nonce,
  });
  const signature = await hmacHex(input.secret, canonical);
  const headers: Record<string, string> = {
    [HEADER.signature]: signature,
    [HEADER.timestamp]: timestamp,
    [HEADER.nonce]: nonce,
  };
  if (input.keyId !== undefined) headers[HEADER.keyId] = input.keyId;
  if (input.idempotencyKey !== undefined) headers[HEADER.idempotencyKey] = input.idempotencyKey;
  if (hasBody) headers['Content-Type'] = 'application/json';
  return { headers, canonical, signature };
}
