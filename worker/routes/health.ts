// Unsigned service routes: GET /health (version, and whether D1, R2 and the queue binding answer) and
// GET /openapi.json.
import type { Hono } from 'hono';
import pkg from '../../package.json' with { type: 'json' };
import type { AppBindings } from '../context.ts';
import { describeError, log } from '../log.ts';
import { openApiDocument } from '../openapi.ts';

interface Check {
  ok: boolean;
  latency_ms: number;
  error?: string;
}

async function timed(name: string, probe: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  try {
    await probe();
    return { ok: true, latency_ms: Math.round(performance.now() - started) };
  } catch (error) {
    log('error', 'health_check_failed', { check: name, ...describeError(error) });
    return { ok: false, latency_ms: Math.round(performance.now() - started), error: `${name} did not answer` };
  }
}

export function registerHealthRoutes(app: Hono<AppBindings>): void {
  let document: string | undefined;
  app.get('/openapi.json', (c) => {
    document ??= JSON.stringify(openApiDocument());
    return c.body(document, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' });
  });

  app.get('/health', async (c) => {
    const { db, bucket, jobsQueue, clock, environment } = c.get('services');
    const [d1, r2] = await Promise.all([
      timed('d1', () => db.prepare('SELECT 1').first()),
      timed('r2', () => bucket.head('health/probe')),
    ]);
    // A producer binding has no read call; sending a probe would put work on the queue, so presence is the check.
    const queue: Check = { ok: typeof jobsQueue.send === 'function', latency_ms: 0 };
    const ok = d1.ok && r2.ok && queue.ok;
    return c.json(
      {
        status: ok ? 'ok' : 'degraded',
        version: pkg.version,
        environment,
        time: new Date(clock()).toISOString(),
        checks: { d1, r2, queue },
      },
      ok ? 200 : 503,
      { 'Cache-Control': 'no-store' },
    );
  });
}
