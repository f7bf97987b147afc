// The environment is validated at every entry point; a bad one is a clear BAD_ENVIRONMENT naming the variable,
// and never echoes a secret.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, createScheduledController } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import worker from '../../worker/index.ts';
import { errorOf } from './support.ts';

const withEnv = (overrides: Record<string, unknown>) => ({ ...env, ...overrides }) as typeof env;

async function health(overrides: Record<string, unknown>) {
  const silence = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    return await worker.fetch(new Request('http://worker.test/health'), withEnv(overrides), createExecutionContext());
  } finally {
    silence.mockRestore();
  }
}

describe('environment validation', () => {
  it.each([
    [{ HMAC_KEYS: undefined }, 'HMAC_KEYS', 'is required'],
    [{ HMAC_KEYS: '[{"id":"k","secret":"supersecretvalue-' }, 'HMAC_KEYS', 'is not valid JSON'],
    [{ HMAC_KEYS: '[]' }, 'HMAC_KEYS', 'at least one key'],
    [{ HMAC_KEYS: '[{"id":"k","secret":"short"}]' }, 'HMAC_KEYS', 'at least 16 characters'],
    [{ HMAC_KEYS: '[{"id":"k","secret":"0123456789abcdef","rotated_at":"soon"}]' }, 'HMAC_KEYS', 'rotated_at'],
    [{ HMAC_MAX_SKEW_SECONDS: 'abc' }, 'HMAC_MAX_SKEW_SECONDS', 'positive number'],
    [{ ENVIRONMENT: 'staging' }, 'ENVIRONMENT', ''],
    [{ DB: undefined }, 'DB', 'binding'],
    [{ BUCKET: {} }, 'BUCKET', 'binding'],
  ])('500 BAD_ENVIRONMENT for %j', async (overrides, variable, hint) => {
    const response = await health(overrides);
    expect(response.status).toBe(500);
    const error = await errorOf(response);
    expect(error.code).toBe('BAD_ENVIRONMENT');
    expect(error.message).toContain(variable);
    expect(error.message).toContain(hint);
    expect(error.details.variables).toContain(variable);
    expect(error.message).not.toContain('supersecretvalue');
  });

  it('refuses to run queue and cron work with a bad environment', async () => {
    const silence = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const bad = withEnv({ HMAC_KEYS: 'nope' });
      const batch = createMessageBatch('clip-recap-jobs', [{ id: 'm1', timestamp: new Date(), attempts: 1, body: { type: 'x' } }]);
      await expect(worker.queue(batch, bad, createExecutionContext())).rejects.toThrow(/HMAC_KEYS/);
      await expect(worker.scheduled(createScheduledController({ cron: '0 */12 * * *' }), bad, createExecutionContext())).rejects.toThrow(
        /HMAC_KEYS/,
      );
    } finally {
      silence.mockRestore();
    }
  });
});
