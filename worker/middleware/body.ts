// Reads a request body exactly once, refusing it (413) past the cap before it is hashed or parsed.
import { readBodyCapped, TooLargeError } from '../../content-pipeline/index.ts';
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
  try {
    return await readBodyCapped(request.body, request.headers, maxBytes, 'request body');
  } catch (error) {
    if (error instanceof TooLargeError) throw tooLarge(maxBytes);
    throw error;
  }
}
