// The signed-request headers: names, formats, and the first checks of the scheme (presence, format, timestamp,
// skew), as a pure function so every rejection path is testable without a runtime.
import { parseRfc3339 } from './timestamp.ts';

export const HEADER = {
  signature: 'X-Signature',
  timestamp: 'X-Timestamp',
  nonce: 'X-Nonce',
  keyId: 'X-Key-Id',
  idempotencyKey: 'X-Idempotency-Key',
} as const;

export const MAX_SKEW_MS = 300_000;

const NONCE = /^[A-Za-z0-9_-]{1,128}$/;
const SIGNATURE = /^[0-9a-fA-F]{64}$/;
const KEY_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** Idempotency keys are opaque to us; printable ASCII keeps them safe to store and log. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export interface SignedHeaders {
  signature: string;
  timestamp: string;
  timestampMs: number;
  nonce: string;
  keyId?: string;
  idempotencyKey?: string;
}

export type HeaderRejection =
  | { kind: 'missing_header'; header: string }
  | { kind: 'invalid_header'; header: string; message: string }
  | { kind: 'invalid_timestamp' }
  | { kind: 'clock_skew'; skewMs: number };

export type HeaderCheck = { ok: true; headers: SignedHeaders } | { ok: false; rejection: HeaderRejection };

/**
 * Checks, in the scheme's order: required headers present → formats → timestamp parses → skew within
 * ±maxSkewMs (inclusive). `get` reads a header case-insensitively (as `Headers.get` does).
 */
export function checkSignedHeaders(
  get: (name: string) => string | null,
  nowMs: number,
  maxSkewMs: number = MAX_SKEW_MS,
): HeaderCheck {
  const signature = get(HEADER.signature);
  const timestamp = get(HEADER.timestamp);
  const nonce = get(HEADER.nonce);
  for (const [header, value] of [
    [HEADER.signature, signature],
    [HEADER.timestamp, timestamp],
    [HEADER.nonce, nonce],
  ] as const) {
    if (value === null || value === '') return { ok: false, rejection: { kind: 'missing_header', header } };
  }
  if (!SIGNATURE.test(signature!)) {
    return invalid(HEADER.signature, 'X-Signature must be 64 hexadecimal characters (HMAC-SHA256)');
  }
  if (!NONCE.test(nonce!)) {
    return invalid(HEADER.nonce, 'X-Nonce must be 1-128 characters of [A-Za-z0-9_-]');
  }
  const keyId = get(HEADER.keyId) ?? undefined;
  if (keyId !== undefined && !KEY_ID.test(keyId)) {
    return invalid(HEADER.keyId, 'X-Key-Id must be 1-64 characters of [A-Za-z0-9._:-]');
  }
  const idempotencyKey = get(HEADER.idempotencyKey) ?? undefined;
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    return invalid(HEADER.idempotencyKey, 'X-Idempotency-Key must be 1-255 printable ASCII characters');
  }
  const timestampMs = parseRfc3339(timestamp!);
  if (timestampMs === null) return { ok: false, rejection: { kind: 'invalid_timestamp' } };
  const skewMs = nowMs - timestampMs;
  if (Math.abs(skewMs) > maxSkewMs) return { ok: false, rejection: { kind: 'clock_skew', skewMs } };
  return {
    ok: true,
    headers: {
      signature: signature!,
      timestamp: timestamp!,
      timestampMs,
      nonce: nonce!,
      ...(keyId !== undefined && { keyId }),
      ...(idempotencyKey !== undefined && { idempotencyKey }),
    },
  };
}

function invalid(header: string, message: string): HeaderCheck {
  return { ok: false, rejection: { kind: 'invalid_header', header, message } };
}
