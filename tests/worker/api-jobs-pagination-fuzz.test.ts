// Property: GET /api/jobs keyset pagination is exact in both directions: walking next_cursor from the first page
// gives every live job (status filter applied, expired ones left out) newest first, once; walking prev_cursor back
// from the last page gives the same list; has_next/has_prev are false exactly at the ends.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from './support.ts';

const STATUSES = ['queued', 'processing', 'completed', 'failed'] as const;
const jobs: Array<{ id: string; status: string; expired: boolean }> = [];

beforeAll(async () => {
  const specs = fc.sample(
    fc.array(fc.record({ t: fc.integer({ min: 0, max: 50 }), status: fc.constantFrom(...STATUSES), expired: fc.boolean() }), { minLength: 60, maxLength: 90 }),
    { seed: 3, numRuns: 1 },
  )[0]!;
  const base = Date.now() - 3_600_000;
  const now = Date.now();
  const statements = specs.map((s) => {
    const id = ulid(base + s.t * 1000); // ties on the time part: the random part orders them
    jobs.push({ id, status: s.status, expired: s.expired });
    const created = new Date(base + s.t * 1000).toISOString();
    const expires = new Date(s.expired ? now - 60_000 : now + 3_600_000).toISOString();
    return env.DB.prepare(
      `INSERT INTO jobs (job_id, kind, status, created_at, updated_at, expires_at, request_data) VALUES (?, 'content_generation', ?, ?, ?, ?, '{}')`,
    ).bind(id, s.status, created, created, expires);
  });
  await env.DB.batch(statements);
});

type JobsPage = { jobs: Array<{ job_id: string }>; pagination: { next_cursor?: string; prev_cursor?: string; has_next: boolean; has_prev: boolean } };

async function page(query: string): Promise<JobsPage> {
  const response = await signedFetch('GET', `/api/jobs?${query}`);
  const text = await response.text();
  expect(response.status, `${query} -> ${text.slice(0, 300)}`).toBe(200);
  return JSON.parse(text) as JobsPage;
}

describe('GET /api/jobs pagination', () => {
  it('walks forward and back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 15 }), fc.option(fc.constantFrom(...STATUSES), { nil: undefined }), async (limit, status) => {
        // Every live job in the table (other files' jobs included), by the documented order.
        const { results } = await env.DB.prepare(`SELECT job_id FROM jobs WHERE expires_at > ? ${status ? 'AND status = ?' : ''} ORDER BY job_id DESC`)
          .bind(new Date().toISOString(), ...(status ? [status] : []))
          .all<{ job_id: string }>();
        const expected = results.map((r) => r.job_id);
        for (const j of jobs) if (!j.expired && (!status || j.status === status)) expect(expected).toContain(j.id);
        const filter = `limit=${limit}${status ? `&status=${status}` : ''}`;

        const forward: string[] = [];
        let p = await page(filter);
        expect(p.pagination.has_prev, 'first page has_prev').toBe(false);
        const pages: JobsPage[] = [p];
        forward.push(...p.jobs.map((j) => j.job_id));
        while (p.pagination.has_next) {
          expect(p.pagination.next_cursor).toBeDefined();
          p = await page(`${filter}&cursor=${p.pagination.next_cursor}&direction=next`);
          pages.push(p);
          forward.push(...p.jobs.map((j) => j.job_id));
          expect(pages.length).toBeLessThan(200);
        }
        expect(forward, `forward ${filter}`).toEqual(expected);

        // Back from the last page.
        const backward: string[] = [...p.jobs.map((j) => j.job_id)];
        let q = p;
        let guard = 0;
        while (q.pagination.has_prev) {
          expect(q.pagination.prev_cursor).toBeDefined();
          q = await page(`${filter}&cursor=${q.pagination.prev_cursor}&direction=prev`);
          backward.unshift(...q.jobs.map((j) => j.job_id));
          expect(++guard).toBeLessThan(200);
        }
        expect(backward, `backward ${filter}`).toEqual(expected);
      }),
      { numRuns: 60, seed: 9 },
    );
  }, 60_000);
});
