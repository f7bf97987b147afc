// Gives every request an id (the caller's X-Request-Id when it is sane, else a fresh UUID) and echoes it back.
import { createMiddleware } from 'hono/factory';
import type { AppBindings } from '../context.ts';

const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdOf(request: Request): string {
  const given = request.headers.get('X-Request-Id');
  return given !== null && SAFE_ID.test(given) ? given : crypto.randomUUID();
}

export const requestId = createMiddleware<AppBindings>(async (c, next) => {
  c.set('requestId', requestIdOf(c.req.raw));
  await next();
  c.res.headers.set('X-Request-Id', c.get('requestId'));
});
