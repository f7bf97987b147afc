// Edge cases of the domain logic found by review (matcher mentions and duplicates, webhook normalization, event ids,
// topic selection, the AI judge's JSON and tags, prose faithfulness), each taken to the behaviour a user needs.
import ex from '@octokit/webhooks-examples' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import {
  backfillRepository,
  buildRecap,
  contentItemFromClip,
  extractJson,
  githubSummary,
  matchClipsToEvents,
  normalizeWebhook,
  selectClips,
  WorkersAiJudge,
  type ContentItem,
  type MatchClip,
  type RecapSource,
} from '../../content-pipeline/index.ts';
import { isFaithful } from '../../content-pipeline/recaps/ai-prose.ts';
import { commit, pullRequest } from '../../sample-data/build.ts';
import { helixClip } from '../support/clips.ts';

const examples = ((ex as any).default ?? ex) as Array<{ name: string; examples: any[] }>;
const example = (name: string, action?: string) =>
  structuredClone(examples.find((g) => g.name === name)!.examples.find((p) => action === undefined || p.action === action));

const CREATED = '2026-01-05T15:00:00.000Z';
const at = (m: number) => new Date(Date.parse(CREATED) + m * 60_000).toISOString();
const clip = (title: string, transcript = ''): MatchClip => ({ id: 'c1', title, created_at: CREATED, duration: 30, transcript });

async function readyItem(id: string, title: string, extra: Partial<ContentItem> = {}): Promise<ContentItem> {
  const item = await contentItemFromClip(helixClip(id, { title, created_at: CREATED }), CREATED);
  return { ...item, processing_status: 'ready_for_content', content_decision: 'approved', content_score: 70, content_ready_at: CREATED, ...extra };
}

describe('matcher: number mentions', () => {
  it('does not treat a ranking ("top #1", "number 1") as a mention of PR #1', () => {
    const unrelated = pullRequest('o/r', 1, 'merged', at(-40), 'Billing export');
    for (const title of ['my top #1 moment of the stream', 'we are number 1']) {
      // 40 minutes away with no shared word, the PR alone scores 0.035: only the "mention" lifts it over 0.55.
      expect(matchClipsToEvents([clip(title)], [unrelated]), title).toEqual([]);
    }
  });

  it('returns one match per event even when the same event is given twice', () => {
    const e = commit('o/r', at(0), 'cursor pagination');
    expect(matchClipsToEvents([clip('cursor pagination')], [e, { ...e }])).toHaveLength(1);
  });
});

describe('recap selection: topics', () => {
  it('finds clips for topics made of short or common development words (CI, D1, tests)', async () => {
    const sources: RecapSource[] = [
      { item: await readyItem('ci', 'Fixing the CI pipeline'), context: null, transcript: 'the ci run is red again' },
      { item: await readyItem('d1', 'D1 migrations'), context: null, transcript: 'apply the d1 migration' },
      { item: await readyItem('tests', 'Writing tests for the parser'), context: null, transcript: 'more tests' },
    ];
    const pick = (topic: string) => selectClips(sources, { contentType: 'topic_focus', topic, includeNeedsReview: false }).map((s) => s.item.clip_id);
    expect.soft(pick('CI')).toEqual(['ci']);
    expect.soft(pick('D1')).toEqual(['d1']);
    expect.soft(pick('tests')).toEqual(['tests']);
    expect(pick('testing')).toEqual(['tests']);
  });
});

describe('GitHub events: one id per real event', () => {
  it('gives a commit the same id from backfill (configured repo name) as from its webhook (GitHub full_name)', async () => {
    const payload = (examples.find((g) => g.name === 'push')!.examples.find((p) => p.commits.length > 0))!;
    const [fromWebhook] = normalizeWebhook('push', payload, CREATED)!;
    const c = payload.commits[0];
    // GITHUB_REPOS is matched in any case elsewhere; a user writes it lowercase.
    const configured = payload.repository.full_name.toLowerCase();
    const octokit = {
      rest: { repos: { listCommits: 'commits' }, pulls: { list: 'pulls' }, issues: { listForRepo: 'issues' } },
      paginate: {
        async *iterator(kind: string) {
          if (kind === 'commits') {
            yield { data: [{ sha: c.id, html_url: c.url, author: { login: 'Codertocat' }, commit: { message: c.message, author: { date: c.timestamp, name: 'x' }, committer: { date: c.timestamp } } }] };
          } else yield { data: [] };
        },
      },
    };
    const { events } = await backfillRepository(octokit as any, configured, '2019-05-15T00:00:00Z', '2019-05-16T00:00:00Z');
    expect(events[0]!.id).toBe(fromWebhook!.id);
  });

  it('stores one event for one published release (GitHub sends created, published and released)', () => {
    const ids = new Set(['created', 'published', 'released'].flatMap((action) => normalizeWebhook('release', example('release', action), CREATED)!.map((e) => e.id)));
    expect(ids.size).toBe(1);
  });

  it('types a comment on a pull request as being on a PR, not an issue', async () => {
    const payload = example('issue_comment', 'created');
    payload.issue.pull_request = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1', html_url: 'https://github.com/Codertocat/Hello-World/pull/1' };
    const [event] = normalizeWebhook('issue_comment', payload, CREATED)!;
    const summary = githubSummary({ clip_id: 'c', matched_at: CREATED, window: { from: CREATED, to: CREATED }, repos: [], matches: [{ confidence: 0.9, reason: 'r', offset_seconds: 0, event: event! }] });
    expect.soft(summary).not.toMatch(/issue #1/);
    const item = await readyItem('c', 'PR review');
    const recap = await buildRecap({
      contentType: 'daily_recap',
      dateRange: { start: '2019-05-15T00:00:00Z', end: '2019-05-16T00:00:00Z' },
      sources: [{ item, transcript: '', context: { clip_id: 'c', matched_at: CREATED, window: { from: CREATED, to: CREATED }, repos: [], matches: [{ confidence: 0.9, reason: 'r', offset_seconds: 0, event: event! }] } }],
      generatorVersion: '0.1.0',
    });
    expect(recap.frontmatter.github_summary).toMatchObject({ issues: 0, pull_requests: 1 });
  });
});

describe('Workers AI judge', () => {
  const verdict = {
    coherence: { score: 0.8, reason: 'Makes sense.' },
    correctness: { score: 0.7, reason: 'Consistent with the commits.' },
    dev_signal: { score: 0.9, reason: 'Real code.' },
    category: 'development',
    tags: ['typescript', 'cloudflare-workers-durable-objects-migration'],
  };
  const input = async () => ({ item: await readyItem('j', 'Judge me'), transcript: 'x', githubConfidence: 0.5, githubTitles: [] });

  it('keeps a valid verdict whose tag is longer than 40 characters (tags are normalised anyway)', async () => {
    const judge = new WorkersAiJudge(async () => ({ response: verdict }));
    const result = await judge.judge(await input());
    expect(result.dev_signal.score).toBe(0.9);
    expect(result.tags.every((t) => t.length <= 40)).toBe(true);
  });

  it('reads a JSON answer followed by text that contains a brace', () => {
    const answer = `Here is the rating:\n${JSON.stringify(verdict)}\nNote: scores are in {0..1}.`;
    expect(extractJson(answer)).toEqual(verdict);
  });
});

describe('AI prose faithfulness', () => {
  it('accepts a day of the month written without its leading zero', () => {
    const facts = JSON.stringify({ kind: 'daily_recap', first_day: '2026-01-05', last_day: '2026-01-05', clips: 3 });
    expect(isFaithful('On January 5, 2026 the stream produced 3 clips.', facts)).toBe(true);
  });
});


describe('webhook normalization: unusual but valid payloads', () => {
  it('stores the transitions of a pull request or an issue, not its bookkeeping (labels, assignees, reviewers, pins)', () => {
    const stored = (name: string) =>
      examples
        .find((g) => g.name === name)!
        .examples.filter((p) => normalizeWebhook(name, structuredClone(p), CREATED)!.length > 0)
        .map((p) => p.action as string);
    expect(new Set(stored('pull_request'))).toEqual(new Set(['opened', 'closed', 'ready_for_review', 'reopened']));
    expect(new Set(stored('issues'))).toEqual(new Set(['opened', 'reopened']));
  });

    it('stores nothing for an edited or deleted release (it would land on the day of the original publication)', () => {
    for (const action of ['edited', 'deleted']) expect(normalizeWebhook('release', example('release', action), '2024-03-01T12:00:00.000Z'), action).toEqual([]);
  });

  it('does not throw on a create event for a long (valid) branch name', () => {
    const payload = example('create');
    payload.ref_type = 'branch';
    payload.ref = `feature/${'a'.repeat(200)}`;
    payload.repository.full_name = `some-organisation/${'r'.repeat(90)}`;
    expect(() => normalizeWebhook('create', payload, CREATED)).not.toThrow();
  });
});
