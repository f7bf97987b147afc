// API keys for the HMAC scheme: the shape of the HMAC_KEYS secret and which keys are valid at a given moment.
import { z } from 'zod';
import { parseRfc3339 } from './timestamp.ts';

/** How long a rotated key keeps working, so clients have a day to pick up the new one. */
export const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

const KEY_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export const ApiKeySchema = z
  .object({
    /** Identifier sent by clients in `X-Key-Id`; never secret. */
    id: z.string().regex(KEY_ID, 'id must be 1-64 chars of [A-Za-z0-9._:-]'),
    /** Shared secret; its UTF-8 bytes are the HMAC key. */
    secret: z.string().min(16, 'secret must be at least 16 characters'),
    /** When the key was replaced: it stays valid until this moment + 24 h. Absent: the key is active. */
    rotated_at: z
      .string()
      .refine((v) => parseRfc3339(v) !== null, 'rotated_at must be an RFC 3339 date-time')
      .optional(),
  })
  .strict();

export type ApiKey = z.infer<typeof ApiKeySchema>;

/** The HMAC_KEYS secret: a JSON array of keys with unique ids. */
export const ApiKeysSchema = z
  .array(ApiKeySchema)
  .min(1, 'at least one key is required')
  .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, 'key ids must be unique');

/** True while the key may sign requests: always when active, until rotated_at + 24 h (exclusive) when rotated. */
export function isKeyValid(key: ApiKey, nowMs: number): boolean {
  if (key.rotated_at === undefined) return true;
  const rotatedAt = parseRfc3339(key.rotated_at);
  return rotatedAt !== null && nowMs < rotatedAt + ROTATION_GRACE_MS;
}

/**
 * Keys to try for a request: with `X-Key-Id` only that key (if valid), without it every valid key.
 * An empty result means "Invalid API key".
 */
export function candidateKeys(keys: readonly ApiKey[], keyId: string | undefined, nowMs: number): ApiKey[] {
  const valid = keys.filter((k) => isKeyValid(k, nowMs));
  return keyId === undefined ? valid : valid.filter((k) => k.id === keyId);
}
