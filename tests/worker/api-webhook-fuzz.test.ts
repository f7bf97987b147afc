// Property: the GitHub webhook receiver never answers 5xx to a correctly signed delivery, whatever the payload:
// GitHub's example payloads with random fields replaced (wrong types, huge or odd strings, nulls, missing), and
// every 4xx has the API's error shape (a VALIDATION_FAILED listing its fields).
import { exports } from 'cloudflare:workers';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const SECRET = 'webhook-secret-for-tests';
const EVENTS = ['push', 'pull_request', 'issues', 'issue_comment', 'pull_request_review', 'release', 'create'];
const payloads = examples as Array<{ name: string; examples: any[] }>;
const byEvent = EVENTS.map((name) => ({ name, examples: payloads.find((e) => e.name === name)?.examples ?? [] })).filter((e) => e.examples.length > 0);

/** Every path to a value in the payload (objects and arrays), to pick mutation targets from. */
function paths(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = [...prefix, Array.isArray(value) ? Number(k) : k];
      out.push(p);
      paths(v, p, out);
    }
  }
  return out;
}

const nastyValue = fc.oneof(
  fc.constantFrom(null, '', ' ', 0, -1, 1e308, -1e308, true, false, [], {}, 'x'.repeat(70_000), '\u0000', '\ud800', '😀', '0000-01-01T00:00:00Z', 'not a date', '2024-02-30T00:00:00Z', 'a/b/c', 'A/B', '../x', 'merged', 'closed', 'opened', 'published'),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const deliveryArb = fc
  .record({ eventIndex: fc.nat(), exampleIndex: fc.nat(), mutations: fc.array(fc.tuple(fc.nat(), fc.oneof(nastyValue, fc.constant(undefined))), { minLength: 0, maxLength: 4 }) })
  .map(({ eventIndex, exampleIndex, mutations }) => {
    const event = byEvent[eventIndex % byEvent.length]!;
    const payload = structuredClone(event.examples[exampleIndex % event.examples.length]);
    const all = paths(payload);
    const applied: string[] = [];
    for (const [i, value] of mutations) {
      if (all.length === 0) break;
      const path = all[i % all.length]!;
      let parent: any = payload;
      for (const k of path.slice(0, -1)) parent = parent?.[k];
      if (!parent || typeof parent !== 'object') continue;
      const last = path.at(-1)!;
      if (value === undefined) delete parent[last];
      else parent[last] = value;
      applied.push(`${path.join('.')}=${JSON.stringify(value)?.slice(0, 40)}`);
    }
    return { event: event.name, payload, applied };
  });

let deliveries = 0;
describe('POST /webhooks/github under random payloads', () => {
  it('never answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryArb, async ({ event, payload, applied }) => {
        const body = JSON.stringify(payload);
        const headers = new Headers({
          'Content-Type': 'application/json',
          'X-GitHub-Event': event,
          'X-GitHub-Delivery': `fuzz-${Date.now()}-${deliveries++}`,
          'X-Hub-Signature-256': await sign(SECRET, body),
        });
        const response = await exports.default.fetch('http://worker.test/webhooks/github', { method: 'POST', headers, body });
        const text = await response.text();
        const where = `${event} ${applied.join(' ')} -> ${response.status} ${text.slice(0, 300)}`;
        expect(response.status, where).toBeLessThan(500);
        if (response.status >= 400) {
          const error = JSON.parse(text).error;
          expect(typeof error?.code, where).toBe('string');
          if (error.code === 'VALIDATION_FAILED') expect(error.details?.fields?.length, where).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150, seed: 4 },
    );
  }, 120_000);
});
