// GET|POST /api/auth/verify: a signed no-op that tells a client its signing works, and what the server hashed.
// Useful when writing a new client (see the README's bash example).
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppBindings } from '../context.ts';

export const VerifiedRequest = z.object({
  ok: z.literal(true),
  key_id: z.string(),
  method: z.string(),
  path: z.string(),
  canonical_query: z.string(),
  body_sha256: z.string(),
  request_id: z.string(),
});

function describeVerifiedRequest(c: Context<AppBindings>): Response {
  const signed = c.get('signed');
  return c.json<z.infer<typeof VerifiedRequest>>({
    ok: true,
    key_id: signed.keyId,
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    canonical_query: signed.canonicalQuery,
    body_sha256: signed.bodySha256,
    request_id: c.get('requestId'),
  });
}

export function registerAuthRoutes(app: Hono<AppBindings>): void {
  app.get('/api/auth/verify', describeVerifiedRequest);
  app.post('/api/auth/verify', describeVerifiedRequest);
}
