// Property: under random repeats, a signed request is processed at most once. An exact repeat (same nonce) is a
// NONCE_REUSED 401; a retry with a fresh nonce and the same idempotency key (header or body) gets the stored answer
// with Idempotent-Replayed; the same key on a different request is a 409. No repeat creates a job.
import { env, exports } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signRequest, toRfc3339 } from '../../content-pipeline/index.ts';
import { TEST_ACTIVE_KEY, TEST_SECOND_KEY } from '../support/keys.ts';
import { BASE } from './support.ts';

type Key = { id: string; secret: string };
interface Template {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
  /** Creates one job when answered 2xx. */
  createsJob: boolean;
}

const RANGE = { start: '2043-01-01T00:00:00Z', end: '2043-01-02T00:00:00Z' };
const templateArb: fc.Arbitrary<Template> = fc.oneof(
  fc.record({ mode: fc.constantFrom('sync', 'async'), limit: fc.integer({ min: 1, max: 3 }), bad: fc.boolean() }).map(({ mode, limit, bad }) => ({
    method: 'POST' as const,
    path: '/api/content/generate',
    body: { date_range: RANGE, content_type: 'daily_recap', mode, limit: bad ? 0 : limit },
    createsJob: true,
  })),
  fc.boolean().map((bad) => ({ method: 'POST' as const, path: '/api/recaps/publish', body: { content_type: 'daily_recap', date_range: RANGE, dry_run: true, ...(bad && { x: 1 }) }, createsJob: true })),
  fc.integer({ min: 0, max: 3 }).map((n) => ({ method: 'POST' as const, path: '/api/auth/verify', body: { n }, createsJob: false })),
  fc.integer({ min: 1, max: 5 }).map((limit) => ({ method: 'GET' as const, path: `/api/content-items?start=${RANGE.start}&end=${RANGE.end}&limit=${limit}`, createsJob: false })),
);

type Step =
  | { kind: 'fresh'; template: Template; idem: 'none' | 'header' | 'body' | 'both'; key: Key }
  | { kind: 'exact'; of: number }
  | { kind: 'retry'; of: number }
  | { kind: 'other'; of: number; template: Template };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('fresh' as const), template: templateArb, idem: fc.constantFrom('none' as const, 'header' as const, 'body' as const, 'both' as const), key: fc.constantFrom(TEST_ACTIVE_KEY, TEST_SECOND_KEY) }),
  fc.record({ kind: fc.constant('exact' as const), of: fc.nat() }),
  fc.record({ kind: fc.constant('retry' as const), of: fc.nat() }),
  fc.record({ kind: fc.constant('other' as const), of: fc.nat(), template: templateArb }),
);

interface Sent {
  template: Template;
  key: Key;
  idemKey?: string;
  idem: 'none' | 'header' | 'body' | 'both';
  headers: Headers;
  body?: string;
  status: number;
  text: string;
}

let counter = 0;
async function sign(template: Template, key: Key, idem: Sent['idem'], idemKey: string | undefined): Promise<{ headers: Headers; body?: string }> {
  const bodyObj = template.body && idemKey !== undefined && (idem === 'body' || idem === 'both') ? { ...template.body, idempotency_key: idemKey } : template.body;
  const body = bodyObj ? JSON.stringify(bodyObj) : undefined;
  const signed = await signRequest({
    method: template.method,
    url: template.path,
    secret: key.secret,
    keyId: key.id,
    timestamp: toRfc3339(Date.now()),
    ...(body !== undefined && { body }),
    ...(idemKey !== undefined && (idem === 'header' || idem === 'both') && { idempotencyKey: idemKey }),
  });
  return { headers: new Headers(signed.headers), ...(body !== undefined && { body }) };
}

async function send(template: Template, headers: Headers, body?: string): Promise<{ status: number; text: string; replayed: boolean }> {
  const response = await exports.default.fetch(new Request(new URL(template.path, BASE), { method: template.method, headers, body: body ?? null }));
  return { status: response.status, text: await response.text(), replayed: response.headers.get('Idempotent-Replayed') === 'true' };
}

const jobCount = async () => (await env.DB.prepare('SELECT COUNT(*) AS n FROM jobs').first<{ n: number }>())!.n;
const codeOf = (text: string) => (JSON.parse(text) as { error?: { code: string } }).error?.code;

describe('replays and idempotency under random repeats', () => {
  it('a repeat is never processed twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
        const sent: Sent[] = [];
        for (const step of steps) {
          const before = await jobCount();
          if (step.kind === 'fresh' || sent.length === 0) {
            const s = step.kind === 'fresh' ? step : { template: (step as { template?: Template }).template ?? { method: 'POST' as const, path: '/api/auth/verify', body: {}, createsJob: false }, idem: 'none' as const, key: TEST_ACTIVE_KEY };
            const idemKey = s.idem !== 'none' && s.template.method === 'POST' ? `idem-${Date.now()}-${counter++}` : undefined;
            const { headers, body } = await sign(s.template, s.key, s.idem, idemKey);
            const r = await send(s.template, headers, body);
            const where = `fresh ${JSON.stringify(s.template)} ${s.idem} -> ${r.status} ${r.text.slice(0, 300)}`;
            expect(r.status, where).toBeLessThan(500);
            expect(r.replayed, where).toBe(false);
            expect(await jobCount(), where).toBe(before + (s.template.createsJob && r.status < 300 ? 1 : 0));
            sent.push({ template: s.template, key: s.key, idem: s.idem, ...(idemKey !== undefined && { idemKey }), headers, ...(body !== undefined && { body }), status: r.status, text: r.text });
            continue;
          }
          const prev = sent[step.of % sent.length]!;
          if (step.kind === 'exact') {
            const r = await send(prev.template, prev.headers, prev.body);
            const where = `exact repeat of ${JSON.stringify(prev.template)} ${prev.idem} (first ${prev.status}) -> ${r.status} ${r.text.slice(0, 300)}`;
            expect(r.status, where).toBe(401);
            expect(codeOf(r.text), where).toBe('NONCE_REUSED');
          } else if (step.kind === 'retry') {
            const { headers, body } = await sign(prev.template, prev.key, prev.idem, prev.idemKey);
            const r = await send(prev.template, headers, body);
            const where = `retry of ${JSON.stringify(prev.template)} ${prev.idem} (first ${prev.status} ${prev.text.slice(0, 200)}) -> ${r.status} ${r.text.slice(0, 300)}`;
            expect(r.status, where).toBeLessThan(500);
            if (prev.idemKey !== undefined) {
              expect(r.replayed, where).toBe(true);
              expect(r.status, where).toBe(prev.status);
              expect(r.text, where).toBe(prev.text);
              expect(await jobCount(), where).toBe(before);
            } else {
              // No idempotency key: a new request, processed again.
              expect(await jobCount(), where).toBe(before + (prev.template.createsJob && r.status < 300 ? 1 : 0));
            }
          } else {
            if (prev.idemKey === undefined) continue;
            const template = JSON.stringify(step.template) === JSON.stringify(prev.template) ? { ...step.template, body: { ...step.template.body, limit: 4 } } : step.template;
            if (template.method !== 'POST') continue;
            const { headers, body } = await sign(template, prev.key, prev.idem, prev.idemKey);
            const r = await send(template, headers, body);
            const where = `other request with the idempotency key of ${JSON.stringify(prev.template)} ${prev.idem}: ${JSON.stringify(template)} -> ${r.status} ${r.text.slice(0, 300)}`;
            expect(r.status, where).toBe(409);
            expect(codeOf(r.text), where).toBe('IDEMPOTENCY_KEY_REUSED');
            expect(await jobCount(), where).toBe(before);
          }
        }
      }),
      { numRuns: 40, seed: 5 },
    );
  }, 120_000);

  it('concurrent copies of one signed request: exactly one is processed', async () => {
    await fc.assert(
      fc.asyncProperty(templateArb, fc.integer({ min: 2, max: 5 }), async (template, copies) => {
        const before = await jobCount();
        const { headers, body } = await sign(template, TEST_ACTIVE_KEY, 'none', undefined);
        const results = await Promise.all(Array.from({ length: copies }, () => send(template, headers, body)));
        const where = `${JSON.stringify(template)} x${copies} -> ${results.map((r) => `${r.status} ${r.text.slice(0, 120)}`).join(' | ')}`;
        const refused = results.filter((r) => r.status === 401 && codeOf(r.text) === 'NONCE_REUSED');
        expect(refused.length, where).toBe(copies - 1);
        expect(await jobCount(), where).toBe(before + (template.createsJob && results.some((r) => r.status < 300) ? 1 : 0));
      }),
      { numRuns: 20, seed: 6 },
    );
  }, 120_000);

  it('concurrent retries with one idempotency key (fresh nonces): one run, the others a 409 in progress or the replay', async () => {
    await fc.assert(
      fc.asyncProperty(templateArb.filter((t) => t.method === 'POST'), fc.constantFrom<'header' | 'body' | 'both'>('header', 'body', 'both'), fc.integer({ min: 2, max: 5 }), async (template, idem, copies) => {
        const before = await jobCount();
        const idemKey = `conc-${Date.now()}-${counter++}`;
        const signed = await Promise.all(Array.from({ length: copies }, () => sign(template, TEST_ACTIVE_KEY, idem, idemKey)));
        const results = await Promise.all(signed.map(({ headers, body }) => send(template, headers, body)));
        const where = `${JSON.stringify(template)} ${idem} x${copies} -> ${results.map((r) => `${r.status}${r.replayed ? ' (replayed)' : ''} ${r.text.slice(0, 120)}`).join(' | ')}`;
        const ran = results.filter((r) => !r.replayed && codeOf(r.text) !== 'IDEMPOTENCY_IN_PROGRESS');
        expect(ran.length, where).toBe(1);
        for (const r of results.filter((x) => x.replayed)) {
          expect(r.status, where).toBe(ran[0]!.status);
          expect(r.text, where).toBe(ran[0]!.text);
        }
        expect(await jobCount(), where).toBe(before + (template.createsJob && ran[0]!.status < 300 ? 1 : 0));
      }),
      { numRuns: 20, seed: 8 },
    );
  }, 120_000);
});
