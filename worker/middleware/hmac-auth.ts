// HMAC authentication of every /api/* request, in the order docs/api.md fixes: headers → timestamp → skew → key →
// body limits → signature (constant time) → nonce (atomic; for some routes with their first write, see
// nonce-claim.ts). Each attempt is logged once, without secrets.
import { createMiddleware } from 'hono/factory';
import {
  BODYLESS_METHODS,
  candidateKeys,
  canonicalQuery,
  canonicalString,
  checkSignedHeaders,
  EMPTY_BODY_SHA256,
  MalformedQueryError,
  parseSignatureHex,
  sha256Hex,
  verifyHmac,
  type ApiKey,
  type HeaderRejection,
} from '../../content-pipeline/index.ts';
import type { AppBindings } from '../context.ts';
import { AppError, errorResponse } from '../errors.ts';
import { log } from '../log.ts';
import { hasBody, isJsonContentType, readCappedBody } from './body.ts';
import { NonceClaim } from './nonce-claim.ts';

function headerError(rejection: HeaderRejection): AppError {
  switch (rejection.kind) {
    case 'missing_header':
      return new AppError('MISSING_HEADER', `Missing required header ${rejection.header}`, { header: rejection.header });
    case 'invalid_header':
      return new AppError('INVALID_HEADER', rejection.message, { header: rejection.header });
    case 'invalid_timestamp':
      return new AppError('INVALID_TIMESTAMP', 'X-Timestamp must be an RFC 3339 date-time, e.g. 2025-01-15T10:30:00Z', {
        header: 'X-Timestamp',
      });
    case 'clock_skew':
      return new AppError('CLOCK_SKEW', 'Clock skew too large');
  }
}

export const hmacAuth = createMiddleware<AppBindings>(async (c, next) => {
  const services = c.get('services');
  const now = services.clock();
  const request = c.req.raw;
  const url = new URL(request.url);
  const method = request.method.toUpperCase();
  const attempt = { method, path: url.pathname, request_id: c.get('requestId') };
  let keyId: string | undefined;
  const reject = (error: AppError, reason: string): never => {
    log('warn', 'auth', { outcome: 'rejected', reason, key_id: keyId ?? null, ...attempt });
    throw error;
  };

  const check = checkSignedHeaders((name) => request.headers.get(name), now, services.maxSkewMs);
  if (!check.ok) return reject(headerError(check.rejection), check.rejection.kind);
  const signed = check.headers;
  keyId = signed.keyId;

  const keys = candidateKeys(services.apiKeys, signed.keyId, now);
  if (keys.length === 0) return reject(new AppError('INVALID_API_KEY', 'Invalid API key'), 'invalid_api_key');

  let raw: Uint8Array = new Uint8Array(0);
  if (hasBody(request)) {
    // A body streamed without Content-Length may turn out to be empty, which counts as no body: it is read (capped)
    // before it is judged. A body of announced length is judged first, then read.
    const streamed = request.headers.get('Content-Length') === null;
    const read = async (): Promise<Response | null> => {
      try {
        raw = await readCappedBody(request);
        return null;
      } catch (error) {
        if (error instanceof AppError) return reject(error, 'payload_too_large');
        throw error;
      }
    };
    if (streamed) {
      const refused = await read();
      if (refused) return refused;
    }
    if (!streamed || raw.byteLength > 0) {
      if (BODYLESS_METHODS.has(method)) {
        return reject(
          new AppError('VALIDATION_FAILED', `${method} requests must not have a body`, { fields: [{ field: '(body)', message: `${method} requests must not have a body` }] }),
          'unexpected_body',
        );
      }
      if (!isJsonContentType(request.headers.get('Content-Type'))) {
        return reject(
          new AppError('UNSUPPORTED_MEDIA_TYPE', 'Requests with a body must be Content-Type: application/json'),
          'unsupported_media_type',
        );
      }
    }
    if (!streamed) {
      const refused = await read();
      if (refused) return refused;
    }
  }
  const bodySha256 = raw.byteLength > 0 ? await sha256Hex(raw) : EMPTY_BODY_SHA256;

  let canonical: string;
  let query: string;
  try {
    query = canonicalQuery(url.search);
    canonical = canonicalString({
      method,
      path: url.pathname,
      rawQuery: url.search,
      bodySha256,
      timestamp: signed.timestamp,
      nonce: signed.nonce,
    });
  } catch (error) {
    if (error instanceof MalformedQueryError) {
      return reject(new AppError('INVALID_QUERY', `Malformed query string: ${error.message}`), 'malformed_query');
    }
    throw error;
  }

  const signature = parseSignatureHex(signed.signature)!;
  let matched: ApiKey | undefined;
  for (const key of keys) {
    if (await verifyHmac(key.secret, canonical, signature)) {
      matched = key;
      break;
    }
  }
  if (!matched) return reject(new AppError('INVALID_SIGNATURE', 'Invalid signature'), 'invalid_signature');
  keyId = matched.id;

  // Kept until the request's own timestamp + the skew window: a future-dated request stays unreplayable for as
  // long as its timestamp could still pass the skew check.
  const nonce = new NonceClaim({
    store: services.nonces,
    db: services.db,
    nonce: signed.nonce,
    keyId: matched.id,
    expiresAtMs: signed.timestampMs + services.maxSkewMs,
    nowMs: now,
    attempt,
  });
  c.set('nonce', nonce);
  const deferred = c.get('nonceWithFirstWrite') === true;
  if (!deferred) await nonce.settle();

  let body: unknown;
  if (raw.byteLength > 0) {
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw));
    } catch {
      await nonce.settle();
      throw new AppError('INVALID_JSON', 'Request body is not valid JSON (UTF-8)');
    }
  }
  c.set('signed', {
    keyId: matched.id,
    canonicalQuery: query,
    bodySha256,
    body,
    ...(signed.idempotencyKey !== undefined && { idempotencyKey: signed.idempotencyKey }),
  });
  await next();
  if (deferred && !nonce.isSettled) {
    // The route ended before any write (e.g. it refused the body): a replay must still be refused as one.
    if (c.res.status < 400) log('error', 'nonce_not_claimed', { ...attempt, status: c.res.status });
    try {
      await nonce.settle();
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      c.res = errorResponse(error, c.get('requestId'), now);
    }
  }
});
