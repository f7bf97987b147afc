// The HTTP application: middleware order, routes, and the one mapper from thrown errors to the wire.
import { Hono } from 'hono';
import type { AppBindings } from './context.ts';
import { BadEnvironmentError, parseEnv } from './env.ts';
import { AppError, errorResponse } from './errors.ts';
import { describeError, log } from './log.ts';
import { hmacAuth } from './middleware/hmac-auth.ts';
import { idempotency } from './middleware/idempotency.ts';
import { nonceWithFirstWrite } from './middleware/nonce-claim.ts';
import { requestId } from './middleware/request-id.ts';
import { registerAssetRoutes } from './routes/assets.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerClipRoutes } from './routes/clips.ts';
import { registerContentItemRoutes } from './routes/content-items.ts';
import { registerContentRoutes } from './routes/content.ts';
import { registerGitHubRoutes } from './routes/github.ts';
import { registerRecapRoutes } from './routes/recaps.ts';
import { registerGitHubWebhookRoutes } from './routes/github-webhooks.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerJobRoutes } from './routes/jobs.ts';
import { createServices, type Clock } from './services.ts';

export interface AppOptions {
  /** Injected by tests that need to place "now"; production uses Date.now. */
  clock?: Clock;
}

/** Maps anything thrown to the API's error shape; unknown errors are logged and answered without internals. */
export function toAppError(error: unknown, requestId: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof BadEnvironmentError) {
    log('error', 'bad_environment', { variables: error.variables, request_id: requestId });
    return new AppError('BAD_ENVIRONMENT', `Worker environment is invalid: ${error.message}`, {
      variables: error.variables,
    });
  }
  log('error', 'unhandled_error', { request_id: requestId, ...describeError(error) });
  return new AppError('INTERNAL', 'Internal error');
}

export function createApp(options: AppOptions = {}): Hono<AppBindings> {
  const clock = options.clock ?? (() => Date.now());
  const app = new Hono<AppBindings>();

  app.use('*', requestId);
  app.use('*', async (c, next) => {
    c.set('services', createServices(parseEnv(c.env), clock));
    await next();
  });
  // The acknowledgement path: its nonce commits with its first D1 batch (one write transaction per request).
  app.use('/api/content/generate', nonceWithFirstWrite);
  app.use('/api/*', hmacAuth);
  app.use('/api/*', idempotency);

  registerHealthRoutes(app);
  registerAssetRoutes(app);
  registerGitHubWebhookRoutes(app);
  registerAuthRoutes(app);
  registerClipRoutes(app);
  registerContentItemRoutes(app);
  registerContentRoutes(app);
  registerGitHubRoutes(app);
  registerRecapRoutes(app);
  registerJobRoutes(app);

  app.notFound((c) =>
    errorResponse(new AppError('NOT_FOUND', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`), c.get('requestId'), clock()),
  );
  app.onError((error, c) => {
    const id = c.get('requestId') ?? crypto.randomUUID();
    return errorResponse(toAppError(error, id), id, clock());
  });
  return app;
}
