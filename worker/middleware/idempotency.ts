// X-Idempotency-Key on signed POSTs: the first response (status and body) is kept for the configured TTL and
// replayed to retries of the same request; the same key on a different request is a 409, and so is a retry that
// arrives while the first attempt still runs (so concurrent duplicates never run the handler twice).
import { createMiddleware } from 'hono/factory';
import type { AppBindings } from '../context.ts';
import { AppError } from '../errors.ts';

/** The header's key, or the body's `idempotency_key` (same semantics); both must agree when both are given. */
function idempotencyKeyOf(headerKey: string | undefined, body: unknown): string | undefined {
  const bodyKey = typeof body === 'object' && body !== null ? (body as { idempotency_key?: unknown }).idempotency_key : undefined;
  if (typeof bodyKey !== 'string') return headerKey;
  if (headerKey !== undefined && headerKey !== bodyKey) {
    throw new AppError('VALIDATION_FAILED', 'Invalid request body: idempotency_key: differs from the X-Idempotency-Key header', {
      fields: [{ field: 'idempotency_key', message: 'differs from the X-Idempotency-Key header' }],
    });
  }
  return /^[\x21-\x7e]{1,255}$/.test(bodyKey) ? bodyKey : headerKey;
}

export const idempotency = createMiddleware<AppBindings>(async (c, next) => {
  const signed = c.get('signed');
  if (c.req.method !== 'POST') return next();
  const key = idempotencyKeyOf(signed.idempotencyKey, signed.body);
  if (key === undefined) return next();

  // The idempotency record is a write of its own: the nonce must be settled before it.
  await c.get('nonce').settle();
  const services = c.get('services');
  const scope = `${signed.keyId}\u0000${key}`;
  const fingerprint = [c.req.method, new URL(c.req.url).pathname, signed.canonicalQuery, signed.bodySha256].join('\n');
  const claim = await services.idempotency.claim(scope, fingerprint, services.clock());

  switch (claim.outcome) {
    case 'mismatch':
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        'X-Idempotency-Key was already used with a different request (method, path, query or body)',
        { header: 'X-Idempotency-Key' },
      );
    case 'in_progress':
      throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'A request with this X-Idempotency-Key is still being processed', {
        header: 'X-Idempotency-Key',
        retry_after_seconds: 1,
      });
    case 'replay':
      return new Response(claim.response.body, {
        status: claim.response.status,
        headers: { 'Content-Type': claim.response.contentType, 'Idempotent-Replayed': 'true' },
      });
    case 'claimed':
      break;
  }

  await next();
  // Our own failures (5xx) are not the request's answer: release the key so a retry runs it again.
  if (c.res.status >= 500) {
    await services.idempotency.release(scope);
    return;
  }
  await services.idempotency.complete(scope, {
    status: c.res.status,
    body: await c.res.clone().text(),
    contentType: c.res.headers.get('Content-Type') ?? 'application/json',
  });
});
