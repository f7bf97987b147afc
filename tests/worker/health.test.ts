import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };

describe('GET /health', () => {
  it('reports the version and that D1, R2 and the queue answer', async () => {
    const response = await exports.default.fetch('http://worker.test/health');
    expect(response.status).toBe(200);
    const body = await response.json<Record<string, any>>();
    expect(body.status).toBe('ok');
    expect(body.version).toBe(pkg.version);
    expect(body.checks.d1.ok).toBe(true);
    expect(body.checks.r2.ok).toBe(true);
    expect(body.checks.queue.ok).toBe(true);
    expect(response.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
