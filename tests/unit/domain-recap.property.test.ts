// Property tests (review) of the heuristic judge, recap selection and buildRecap on random but valid sources.
import fc from 'fast-check';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import { describe, expect, it } from 'vitest';
import { plainLine } from '../../content-pipeline/recaps/build-recap.ts';
import {
  buildRecap,
  ContentItem,
  contentItemFromClip,
  contentScore,
  decide,
  DEFAULT_MATCH_OPTIONS,
  HeuristicJudge,
  matchClipsToEvents,
  MAX_CLIPS,
  normaliseTags,
  RecapFrontmatter,
  RecapPublishRequest as PublishRequest,
  selectClips,
  transition,
  type GitHubContext,
  type GitHubEvent,
  type RecapSource,
} from '../../content-pipeline/index.ts';
import { helixClip } from '../support/clips.ts';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const WORDS = ['cursor', 'pagination', 'queue', 'consumer', 'webhook', 'refactor', 'boss', 'raid', 'tutorial', 'review', 'PR', '#3', 'd1', 'API', 'merge', 'test', 'the', '🎉', 'é', '_x_', '<b>', '\u2028', '\u0085', '08', 'yes', '~~s~~'];
const words = fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 12 }).map((w) => w.join(' '));

const judgeInput = fc.record({
  title: fc.oneof(words, fc.string({ maxLength: 600 })),
  transcript: fc.oneof(words, fc.constant(''), fc.string({ unit: 'binary', maxLength: 200 })),
  views: fc.oneof(fc.nat(), fc.constantFrom(0, Number.MAX_SAFE_INTEGER)),
  duration: fc.oneof(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.constantFrom(0, 5, 20, 60, 120, 1e308)),
  githubConfidence: fc.double({ min: 0, max: 1, noNaN: true }),
  githubTitles: fc.array(words, { maxLength: 3 }),
});

async function item(id: string, title: string, created: string, extra: Partial<ContentItem> = {}): Promise<ContentItem> {
  const base = await contentItemFromClip(helixClip(id, { title, created_at: created }), created);
  return { ...base, ...extra };
}

describe('heuristic judge: properties', () => {
  it('gives a valid verdict and a finite content_score in 0-100 whose decision follows the thresholds, deterministically', async () => {
    const judge = new HeuristicJudge();
    const base = await item('j', 'x', '2026-01-05T15:00:00Z');
    await fc.assert(
      fc.asyncProperty(judgeInput, async (i) => {
        const input = { item: { ...base, clip_title: i.title.slice(0, 500), clip_view_count: i.views, clip_duration: i.duration }, transcript: i.transcript, githubConfidence: i.githubConfidence, githubTitles: i.githubTitles };
        expect(ContentItem.safeParse(input.item).success).toBe(true);
        const verdict = await judge.judge(input);
        expect(await judge.judge(input)).toEqual(verdict);
        const score = contentScore(input, verdict);
        expect(Number.isFinite(score)).toBe(true);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
        expect(Math.round(score * 10) / 10).toBe(score);
        const d = decide(score);
        expect(d).toBe(score >= 60 ? 'approved' : score >= 40 ? 'needs_review' : 'rejected');
        for (const c of [verdict.coherence, verdict.correctness, verdict.dev_signal]) expect(Number.isFinite(c.score)).toBe(true);
        for (const t of verdict.tags) expect(t).toMatch(SLUG);
        expect(verdict.tags.length).toBeLessThanOrEqual(5);
        expect(new Set(verdict.tags).size).toBe(verdict.tags.length);
      }),
      { numRuns: 300 },
    );
  });
});

// --- random valid recap sources -------------------------------------------------------------------------------
const DAY0 = Date.parse('2026-01-05T00:00:00.000Z');
const hex = fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 40, maxLength: 40 }).map((a) => a.join(''));
const eventArb = fc
  .record({
    id: fc.oneof(fc.constantFrom('e1', 'e2', 'e3'), fc.string({ minLength: 1, maxLength: 10 })),
    type: fc.constantFrom('push', 'pull_request', 'issues', 'issue_comment', 'pull_request_comment', 'pull_request_review', 'release', 'create'),
    action: fc.constantFrom(null, 'opened', 'merged', 'closed', 'published'),
    repo: fc.constantFrom('o/r', 'O/R', 'x/y', 'streamdev/clip-recap'),
    actor: fc.option(fc.string({ maxLength: 120 }), { nil: null }),
    title: fc.option(fc.oneof(words, fc.string({ maxLength: 400 })), { nil: null }),
    message: fc.option(words, { nil: null }),
    url: fc.option(fc.constantFrom('https://github.com/o/r/pull/3', 'http://example.com/x_y'), { nil: null }),
    number: fc.option(fc.integer({ min: 1, max: 99 }), { nil: null }),
    sha: fc.option(hex, { nil: null }),
    branch: fc.constant(null),
    files: fc.constant(null),
    occurred_at: fc.integer({ min: 0, max: 14 * 24 * 60 }).map((m) => new Date(DAY0 + m * 60_000).toISOString()),
  })
  .map((e) => e as GitHubEvent);

const sourceArb = fc.record({
  id: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
  title: fc.oneof(words, fc.string({ maxLength: 500 }), fc.constant('   ')),
  broadcaster: fc.oneof(fc.constant('TwitchDev'), fc.string({ maxLength: 150 })),
  minute: fc.integer({ min: 0, max: 14 * 24 * 60 }),
  duration: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.double({ min: 0, max: 1000, noNaN: true })),
  views: fc.nat({ max: 1_000_000 }),
  score: fc.option(fc.double({ min: 0, max: 100, noNaN: true }).map((s) => Math.round(s * 10) / 10), { nil: undefined }),
  decision: fc.constantFrom('approved', 'needs_review', 'rejected', undefined),
  ready: fc.boolean(),
  tags: fc.array(fc.oneof(fc.constantFrom('cursor', 'queue', 'd1', 'typescript'), fc.string({ maxLength: 50 })), { maxLength: 8 }).map(normaliseTags),
  category: fc.constantFrom('development', 'gaming', 'tutorial', 'review', 'other', undefined),
  transcript: fc.oneof(words, fc.string({ maxLength: 800 })),
  summary: fc.option(fc.string({ maxLength: 500 }), { nil: undefined }),
  events: fc.array(eventArb, { maxLength: 6 }),
  readyMinute: fc.integer({ min: 0, max: 30 * 24 * 60 }),
});
type SourceSpec = typeof sourceArb extends fc.Arbitrary<infer T> ? T : never;

async function toSource(s: SourceSpec): Promise<RecapSource> {
  const created = new Date(DAY0 + s.minute * 60_000).toISOString();
  const readyAt = new Date(DAY0 + s.readyMinute * 60_000).toISOString();
  let it = await contentItemFromClip(helixClip(s.id, { title: s.title, created_at: created, broadcaster_name: s.broadcaster, duration: s.duration, view_count: s.views }), created);
  for (const st of ['queued', 'audio_ready', 'transcribed', 'enhanced'] as const) it = transition(it, st, created);
  if (s.ready) {
    it = transition(it, 'ready_for_content', readyAt, {
      ...(s.score !== undefined && { content_score: s.score }),
      ...(s.decision && { content_decision: s.decision }),
      ...(s.category && { content_category: s.category }),
      content_tags: s.tags,
      ...(s.summary !== undefined && { transcript_summary: s.summary }),
    });
  }
  ContentItem.parse(it);
  const matches = matchClipsToEvents([{ id: s.id, title: it.clip_title, created_at: created, duration: it.clip_duration, transcript: s.transcript }], s.events, { ...DEFAULT_MATCH_OPTIONS, threshold: 0 });
  const byId = new Map((s.events as GitHubEvent[]).map((e) => [e.id, e]));
  const context: GitHubContext = { clip_id: s.id, matched_at: readyAt, window: { from: created, to: created }, repos: [], matches: matches.map(({ clip_id: _c, event_id, ...rest }) => ({ ...rest, event: byId.get(event_id)! })) };
  return { item: it, context, transcript: s.transcript };
}

const sourcesArb = fc.uniqueArray(sourceArb, { selector: (s) => s.id, maxLength: 30 });
const typeArb = fc.constantFrom('daily_recap', 'weekly_summary', 'topic_focus') as fc.Arbitrary<'daily_recap' | 'weekly_summary' | 'topic_focus'>;
const topicArb = fc.oneof(fc.constantFrom('cursor', 'queue', 'd1', 'the queue', 'PR'), fc.string({ minLength: 1, maxLength: 60 }));

describe('selectClips: properties', () => {
  it('respects the cap, takes no clip twice, keeps the best scored, orders them by time then id, ignores input order', async () => {
    await fc.assert(
      fc.asyncProperty(sourcesArb, typeArb, topicArb, fc.boolean(), async (raw, contentType, topic, includeNeedsReview) => {
        const sources = await Promise.all(raw.map(toSource));
        const options = { contentType, includeNeedsReview, ...(contentType === 'topic_focus' && { topic }) };
        const selected = selectClips(sources, options);
        expect(selected.length).toBeLessThanOrEqual(MAX_CLIPS[contentType]);
        expect(new Set(selected.map((s) => s.item.content_item_id)).size).toBe(selected.length);
        for (const s of selected) {
          expect(s.item.processing_status).toBe('ready_for_content');
          expect(s.item.content_decision === 'approved' || (includeNeedsReview && s.item.content_decision === 'needs_review')).toBe(true);
        }
        for (let i = 1; i < selected.length; i++) {
          const a = selected[i - 1]!.item, b = selected[i]!.item;
          expect(Date.parse(a.clip_created_at) < Date.parse(b.clip_created_at) || (a.clip_created_at === b.clip_created_at && a.content_item_id < b.content_item_id)).toBe(true);
        }
        const reversed = selectClips([...sources].reverse(), options);
        expect(reversed.map((s) => s.item.content_item_id)).toEqual(selected.map((s) => s.item.content_item_id));
        // nothing left out scores better than something kept
        const minKept = Math.min(...selected.map((s) => s.item.content_score ?? 0));
        const eligible = selectClips(sources, options).length;
        if (eligible === MAX_CLIPS[contentType]) {
          const unselected = sources.filter((s) => !selected.includes(s) && selectClips([s], options).length === 1);
          for (const u of unselected) expect(u.item.content_score ?? 0).toBeLessThanOrEqual(minKept);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('buildRecap: properties', () => {
  it('never throws for valid, selected sources and a valid publish request, and ignores input order', async () => {
    await fc.assert(
      fc.asyncProperty(sourcesArb, typeArb, topicArb, fc.integer({ min: 0, max: 13 }), fc.boolean(), async (raw, contentType, topic, startDay, needsReview) => {
        const days = contentType === 'daily_recap' ? 1 : 7;
        const range = { start: new Date(DAY0 + startDay * 86_400_000).toISOString(), end: new Date(DAY0 + (startDay + days) * 86_400_000).toISOString() };
        const request = PublishRequest.safeParse({ content_type: contentType, date_range: range, ...(contentType === 'topic_focus' && { topic }) });
        fc.pre(request.success);
        const sources = (await Promise.all(raw.map(toSource))).filter((s) => s.item.clip_created_at >= range.start && s.item.clip_created_at < range.end);
        const options = { contentType, includeNeedsReview: needsReview, ...(contentType === 'topic_focus' && { topic }) };
        const selected = selectClips(sources, options);
        fc.pre(selected.length > 0);
        const input = { contentType, dateRange: range, sources: selected, generatorVersion: '0.1.0', ...(contentType === 'topic_focus' && { topic }) };
        const recap = await buildRecap(input);
        expect(RecapFrontmatter.safeParse(recap.frontmatter).success).toBe(true);
        const again = await buildRecap({ ...input, sources: selectClips([...sources].reverse(), options) });
        expect(again.markdown).toBe(recap.markdown);
      }),
      { numRuns: 200 },
    );
  });
});

describe('buildRecap body: properties', () => {
  const toText = (n: any): string => (n.type === 'text' || n.type === 'inlineCode' ? n.value : (n.children ?? []).map(toText).join(''));
  it('clip titles survive the body as text', async () => {
  const base = await contentItemFromClip(helixClip('c1', { created_at: '2026-01-05T15:00:00Z' }), '2026-01-05T15:00:00Z');
  await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.array(fc.constantFrom('_', '*', '\\', '~', '`', '[', ']', '(', ')', '<', '>', '#', '!', 'a', ' ', '1.', '-', '|', '&amp;', 'www.x.com', '🎉', 'é', 'http://a.b'), { maxLength: 12 }).map(a => a.join(''))), async (title) => {
    const item = { ...base, clip_title: title, processing_status: 'ready_for_content' as const, content_decision: 'approved' as const, content_score: 70, content_ready_at: base.stored_at };
    const recap = await buildRecap({ contentType: 'daily_recap', dateRange: { start: '2026-01-05T00:00:00Z', end: '2026-01-06T00:00:00Z' }, sources: [{ item, context: null, transcript: '' }], generatorVersion: '0.1.0' });
    const tree: any = remark().use(remarkGfm).parse(recap.body);
    const list = tree.children.find((n: any) => n.type === 'list');
    const first = list.children[0].children[0];
    expect(first.children[0].type).toBe('strong');
    expect(toText(first.children[0])).toBe(plainLine(title, 500) || 'c1');
    for (const n of first.children) expect(['strong', 'text']).toContain(n.type);
  }), { numRuns: 1500 });
});
});
