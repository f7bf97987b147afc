// Webhook signatures (GitHub's documented vector, and @octokit/webhooks-methods as an independent signer) and
// normalisation of every public example payload of the accepted events.
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import { describe, expect, it } from 'vitest';
import { ACCEPTED_WEBHOOK_EVENTS, GitHubEvent, normalizeWebhook, verifyWebhookSignature } from '../../content-pipeline/index.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const RECEIVED = '2026-01-05T12:00:00.000Z';

describe('verifyWebhookSignature', () => {
  it("accepts GitHub's documented vector", async () => {
    const result = await verifyWebhookSignature(
      "It's a Secret to Everybody",
      bytes('Hello, World!'),
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
    expect(result).toEqual({ ok: true });
  });

  it('agrees with @octokit/webhooks-methods', async () => {
    const body = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const signature = await sign('another secret', body);
    expect(await verifyWebhookSignature('another secret', bytes(body), signature)).toEqual({ ok: true });
    expect(await verifyWebhookSignature('another secret', bytes(`${body} `), signature)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it.each([
    [null, null, 'missing'],
    ['', null, 'missing'],
    [null, 'sha1=0123456789abcdef0123456789abcdef01234567', 'sha1_only'],
    ['sha256=xyz', null, 'malformed'],
    ['757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17', null, 'malformed'],
    ['sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17', null, 'malformed'],
    ['sha256=' + '0'.repeat(64), null, 'mismatch'],
  ])('refuses %j (sha1 header %j) as %s', async (sig256, sig1, reason) => {
    expect(await verifyWebhookSignature("It's a Secret to Everybody", bytes('Hello, World!'), sig256, sig1)).toEqual({ ok: false, reason });
  });
});

describe('normalizeWebhook', () => {
  const accepted = (examples as Array<{ name: string; examples: unknown[] }>).filter((e) => (ACCEPTED_WEBHOOK_EVENTS as readonly string[]).includes(e.name));

  it('covers every accepted event type with public examples', () => {
    expect(accepted.map((e) => e.name).sort()).toEqual([...ACCEPTED_WEBHOOK_EVENTS].sort());
  });

  for (const { name, examples: payloads } of accepted) {
    it(`parses all ${payloads.length} example payloads of ${name}`, () => {
      for (const payload of payloads) {
        const events = normalizeWebhook(name, payload, RECEIVED);
        expect(events).not.toBeNull();
        for (const event of events!) expect(GitHubEvent.parse(event)).toEqual(event);
      }
    });
  }

  it('turns a push into one event per commit with files and branch', () => {
    const push = (examples as Array<{ name: string; examples: any[] }>).find((e) => e.name === 'push')!.examples.find((p) => p.commits.length > 0);
    const [event] = normalizeWebhook('push', push, RECEIVED)!;
    expect(event).toMatchObject({ type: 'push', action: null, repo: push.repository.full_name, sha: push.commits[0].id, branch: 'master' });
    // The id uses owner/name lowercased: GitHub names are case-insensitive, and backfill may know the repo in another case.
    expect(event!.id).toBe(`commit:${push.repository.full_name.toLowerCase()}:${push.commits[0].id}`);
    expect(Array.isArray(event!.files)).toBe(true);
  });

  it('calls a closed, merged pull request "merged", at merged_at', () => {
    const pr = {
      action: 'closed',
      repository: { full_name: 'o/r' },
      sender: { login: 'merger' },
      pull_request: { number: 7, title: 'Add cursor pagination', html_url: 'https://github.com/o/r/pull/7', user: { login: 'author' }, head: { ref: 'feat/cursor' }, merged: true, merged_at: '2026-01-05T10:00:00Z', created_at: '2026-01-04T10:00:00Z', closed_at: '2026-01-05T10:00:00Z' },
    };
    expect(normalizeWebhook('pull_request', pr, RECEIVED)).toEqual([
      expect.objectContaining({ id: 'pr:o/r:7:merged', action: 'merged', number: 7, branch: 'feat/cursor', actor: 'merger', occurred_at: '2026-01-05T10:00:00.000Z' }),
    ]);
  });

  it('ignores event types it does not store, and refuses malformed payloads', () => {
    expect(normalizeWebhook('star', { action: 'created' }, RECEIVED)).toBeNull();
    expect(() => normalizeWebhook('pull_request', { action: 'opened' }, RECEIVED)).toThrow();
  });

  it('never keeps a non-http(s) URL', () => {
    const issue = { action: 'opened', repository: { full_name: 'o/r' }, sender: { login: 'x' }, issue: { number: 1, title: 't', html_url: 'javascript:alert(1)', user: { login: 'x' }, created_at: '2026-01-05T10:00:00Z' } };
    expect(normalizeWebhook('issues', issue, RECEIVED)![0]!.url).toBeNull();
  });
});
