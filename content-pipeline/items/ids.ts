// Deterministic ULIDs for content items: the time part is the clip's creation time, the random part comes from
// a hash of platform and clip id. The same clip always maps to the same id, so a re-run after a crash rewrites the
// same R2 object instead of leaving an orphan, and ids still sort by clip time.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encodeTime(ms: number): string {
  let out = '';
  let rest = Math.floor(ms);
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 16 characters of 5 bits = 80 bits, taken from the first 10 bytes.
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes.subarray(0, 10)) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

export async function contentItemIdFor(platform: string, clipId: string, createdAtMs: number): Promise<string> {
  if (!Number.isFinite(createdAtMs) || createdAtMs < 0) throw new RangeError('clip creation time must be a valid date');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${platform}:${clipId}`)));
  return encodeTime(createdAtMs) + encodeRandom(digest);
}
