// Downloads a body with a size cap, refusing early on Content-Length and aborting mid-stream past the cap.
import { HttpError } from './retry.ts';

export class TooLargeError extends Error {
  override readonly name = 'TooLargeError';
}

/**
 * Reads a body (a response's or a request's) up to `maxBytes`: refused on a larger Content-Length before reading,
 * and cancelled mid-stream once past the cap.
 */
export async function readBodyCapped(body: ReadableStream<Uint8Array> | null, headers: Headers, maxBytes: number, what: string): Promise<Uint8Array> {
  const length = headers.get('Content-Length');
  const declared = length === null ? Number.NaN : Number(length);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await body?.cancel();
    throw new TooLargeError(`${what} is ${declared} bytes, over the ${maxBytes}-byte cap`);
  }
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new TooLargeError(`${what} exceeds the ${maxBytes}-byte cap`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export function readCapped(response: Response, maxBytes: number, what: string): Promise<Uint8Array> {
  return readBodyCapped(response.body, response.headers, maxBytes, what);
}

/** Throws HttpError for a non-2xx answer, naming what was fetched. */
export async function expectOk(response: Response, what: string): Promise<Response> {
  if (response.ok) return response;
  await response.body?.cancel();
  throw new HttpError(response.status, response.url, `${what}: HTTP ${response.status}`);
}
