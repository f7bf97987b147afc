// Reads a request body exactly once, refusing it (413) past the cap before it is hashed or parsed.
import { AppError } from '../errors.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = (max: number) => new AppError('PAYLOAD_TOO_LARGE', `Request body exceeds ${max} bytes`);

/** True when the request announces or carries a body. */
export function hasBody(request: Request): boolean {
  const length = request.headers.get('Content-Length');
  if (length !== null) return length.trim() !== '0';
  return request.body !== null;
}

/** `application/json`, optionally with parameters such as `; charset=utf-8`. */
export function isJsonContentType(value: string | null): boolean {
  if (value === null) return false;
  return value.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

export async function readCappedBody(request: Request, maxBytes: number = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
