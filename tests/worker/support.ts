// Helpers for worker tests: black-box requests through the worker's own fetch handler, signed by the project's
// signing client.
import { exports } from 'cloudflare:workers';
import { signRequest, toRfc3339 } from '../../content-pipeline/index.ts';
import { TEST_ACTIVE_KEY } from '../support/keys.ts';

export const BASE = 'http://worker.test';

export interface SignedFetchOptions {
  body?: string;
  key?: { id: string; secret: string };
  /** Send X-Key-Id (default true). */
  sendKeyId?: boolean;
  timestamp?: string;
  nonce?: string;
  idempotencyKey?: string;
  /** Extra or overriding headers, applied after signing; null removes a header. */
  headers?: Record<string, string | null>;
}

export async function signedFetch(method: string, url: string, options: SignedFetchOptions = {}): Promise<Response> {
  const key = options.key ?? TEST_ACTIVE_KEY;
  const signed = await signRequest({
    method,
    url,
    secret: key.secret,
    timestamp: options.timestamp ?? toRfc3339(Date.now()),
    ...(options.body !== undefined && { body: options.body }),
    ...(options.sendKeyId !== false && { keyId: key.id }),
    ...(options.nonce !== undefined && { nonce: options.nonce }),
    ...(options.idempotencyKey !== undefined && { idempotencyKey: options.idempotencyKey }),
  });
  const headers = new Headers(signed.headers);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return exports.default.fetch(new Request(new URL(url, BASE), { method, headers, body: options.body ?? null }));
}

export async function errorOf(response: Response): Promise<{ code: string; message: string; details?: any }> {
  const body = await response.json<{ error: { code: string; message: string; occurred_at: string }; request_id: string }>();
  if (!body.error || typeof body.request_id !== 'string' || Number.isNaN(Date.parse(body.error.occurred_at))) {
    throw new Error(`not the API error shape: ${JSON.stringify(body)}`);
  }
  return body.error;
}
