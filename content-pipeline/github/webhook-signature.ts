// GitHub webhook signatures: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, verified in constant
// time (WebCrypto's verify). GitHub's older `X-Hub-Signature` (sha1) is never accepted on its own.
import { hmacKey } from '../signing/canonical.ts';

export type WebhookSignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'sha1_only' | 'mismatch' };

export async function verifyWebhookSignature(
  secret: string,
  body: Uint8Array,
  signature256: string | null,
  signature1: string | null = null,
): Promise<WebhookSignatureCheck> {
  if (signature256 === null || signature256 === '') return { ok: false, reason: signature1 ? 'sha1_only' : 'missing' };
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(signature256.trim());
  if (!match) return { ok: false, reason: 'malformed' };
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(match[1]!.slice(i * 2, i * 2 + 2), 16);
  const valid = await crypto.subtle.verify('HMAC', await hmacKey(secret), bytes, body as Uint8Array<ArrayBuffer>);
  return valid ? { ok: true } : { ok: false, reason: 'mismatch' };
}
