// Regressions found by the API property tests (tests/worker/api-fuzz.test.ts and friends); each failed before its
// fix (schema bounds on repository and filter lists, the inline size guard, details.fields for a bodyless method).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { finishedJob } from './support-pipeline.ts';
import { errorOf, signedFetch } from './support.ts';

describe('VALIDATION_FAILED always names the failing field(s) (docs/api.md, "Validation errors")', () => {
  it('a signed DELETE with a JSON body: 400 VALIDATION_FAILED lists details.fields', async () => {
    const response = await signedFetch('DELETE', '/api/jobs', { body: '{}' });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('VALIDATION_FAILED');
    // Docs: "Validation errors are 400 VALIDATION_FAILED with details.fields: [{field, message}]".
    expect(Array.isArray(error.details?.fields) && error.details.fields.length > 0).toBe(true);
  });
});

describe('POST /api/content/generate, mode async: valid requests near the body limit', () => {
  const range = { start: '2041-03-01T00:00:00Z', end: '2041-03-02T00:00:00Z' };
  const jobCount = async () => (await env.DB.prepare('SELECT COUNT(*) AS n FROM jobs').first<{ n: number }>())!.n;

  it('a long (schema-valid) repository is answered 202 or a 400 naming it, not 500 with a job left behind', async () => {
    // 130 000 + 2 chars: matches the owner/name regex, the body is ~130 KB (limit 1 MiB). The sync mode answers 200.
    const body = JSON.stringify({ date_range: range, content_type: 'daily_recap', repository: `${'a'.repeat(130_000)}/b`, mode: 'async' });
    const before = await jobCount();
    const response = await signedFetch('POST', '/api/content/generate', { body });
    const text = await response.text();
    expect(response.status, text).toBeLessThan(500);
    // A refused request must leave nothing behind; an accepted one leaves exactly its job.
    expect(await jobCount()).toBe(before + (response.status === 202 ? 1 : 0));
  });

  it('a request too large for a queue message (a 130,000-digit fraction the date format allows) is accepted, and its job runs from its row', async () => {
    const start = `2041-03-01T00:00:00.${'0'.repeat(130_000)}Z`;
    const body = JSON.stringify({ date_range: { start, end: range.end }, content_type: 'daily_recap', mode: 'async' });
    const before = await jobCount();
    const response = await signedFetch('POST', '/api/content/generate', { body });
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBe(202);
    expect(await jobCount()).toBe(before + 1);
    const done = await finishedJob((JSON.parse(text) as { job_id: string }).job_id);
    expect(done.status).toBe('completed');
  });

  it('a long (schema-valid) filters.categories list is answered 202 or a 400 naming it, not 500', async () => {
    const categories = Array.from({ length: 12_000 }, () => 'development');
    const body = JSON.stringify({ date_range: range, content_type: 'daily_recap', filters: { categories }, mode: 'async' });
    const response = await signedFetch('POST', '/api/content/generate', { body });
    const text = await response.text();
    expect(response.status, text.slice(0, 200)).toBeLessThan(500);
  });
});
