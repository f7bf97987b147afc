// Builds a recap post: front matter from data only (validated by the shared schema), a Markdown body written as an
// mdast tree and serialised by remark (untrusted text only ever becomes text nodes), under a `---` YAML block.
// Deterministic: the same items give byte-identical files, so re-publishing an unchanged recap is a no-op.
import { dump, load } from 'js-yaml';
import type { Heading, List, ListItem, Paragraph, PhrasingContent, Root, RootContent, Text } from 'mdast';
import type { Handle } from 'mdast-util-to-markdown';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import type { GitHubEvent } from '../schemas/github-event.ts';
import { NOT_IN_A_LINE, RecapFrontmatter, type RecapClip, type RecapContentType, type RecapGitHubEvent } from '../schemas/recap.ts';
import { meanScore, suggestedTitle } from './suggestions.ts';
import { topicSlug, type RecapSource } from './select.ts';
import { templateProse, type ProseWriter } from './prose.ts';

export interface RecapInput {
  contentType: RecapContentType;
  dateRange: { start: string; end: string };
  topic?: string;
  repository?: string;
  sources: RecapSource[];
  generatorVersion: string;
  draft?: boolean;
}

export interface BuiltRecap {
  frontmatter: RecapFrontmatter;
  body: string;
  /** The whole file: front matter and body. */
  markdown: string;
}

/**
 * One line of plain text: control characters, line breaks and what XML cannot carry become spaces (the schema's
 * NOT_IN_A_LINE), a lone surrogate becomes U+FFFD, runs of spaces collapse.
 */
export function plainLine(text: string, max: number): string {
  const clean = text.toWellFormed().replace(new RegExp(`${NOT_IN_A_LINE.source}+`, 'g'), ' ').replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  // Never cut between the two halves of a surrogate pair (an emoji at the limit).
  const cut = clean.slice(0, max - 1);
  return `${(/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut).trimEnd()}…`;
}

const SHA = /^[0-9a-f]{7,40}$/;

function recapEvent(match: NonNullable<RecapSource['context']>['matches'][number]): RecapGitHubEvent {
  const e: GitHubEvent = match.event;
  return {
    id: e.id,
    type: e.type,
    action: e.action,
    repo: e.repo,
    title: plainLine(e.title ?? e.message?.split('\n', 1)[0] ?? e.type, 300) || e.type,
    url: e.url && /^https?:\/\//.test(e.url) ? e.url : `https://github.com/${e.repo}`,
    number: e.number,
    sha: e.sha && SHA.test(e.sha) ? e.sha : null,
    actor: e.actor ? plainLine(e.actor, 100) : null,
    occurred_at: e.occurred_at,
    offset_seconds: Math.round(match.offset_seconds),
    confidence: match.confidence,
    reason: plainLine(match.reason, 300),
  };
}

function recapClip({ item, context, transcript }: RecapSource): RecapClip {
  return {
    id: item.clip_id,
    title: plainLine(item.clip_title, 500) || item.clip_id,
    url: item.clip_url,
    embed_url: item.clip_embed_url,
    thumbnail: item.clip_thumbnail_url,
    duration_seconds: item.clip_duration,
    views: item.clip_view_count,
    created_at: item.clip_created_at,
    broadcaster: plainLine(item.broadcaster_name, 100),
    // An empty summary (a transcriber that gave none) must not hide the transcript itself.
    transcript_excerpt: plainLine(item.transcript_summary?.trim() || transcript, 600),
    ...(item.content_score !== undefined && { score: item.content_score }),
    github: (context?.matches ?? []).slice(0, 50).map(recapEvent),
  };
}

function githubSummary(clips: readonly RecapClip[]): RecapFrontmatter['github_summary'] {
  const events = new Map(clips.flatMap((c) => c.github).map((e) => [e.id, e]));
  const all = [...events.values()];
  return {
    commits: all.filter((e) => e.type === 'push').length,
    pull_requests: new Set(all.filter((e) => ['pull_request', 'pull_request_review', 'pull_request_comment'].includes(e.type)).map((e) => `${e.repo}#${e.number}`)).size,
    issues: new Set(all.filter((e) => e.type === 'issues' || e.type === 'issue_comment').map((e) => `${e.repo}#${e.number}`)).size,
    repositories: [...new Set(all.map((e) => e.repo))].sort().slice(0, 20),
  };
}

const text = (value: string): PhrasingContent => ({ type: 'text', value });
const strong = (value: string): PhrasingContent => ({ type: 'strong', children: [text(value)] });
const paragraph = (...children: PhrasingContent[]): Paragraph => ({ type: 'paragraph', children });
const heading = (value: string): Heading => ({ type: 'heading', depth: 2, children: [text(value)] });
const list = (items: PhrasingContent[][]): List => ({
  type: 'list',
  ordered: false,
  spread: false,
  children: items.map((children): ListItem => ({ type: 'listItem', spread: false, children: [paragraph(...children)] })),
});

function eventLabel(e: RecapGitHubEvent): string {
  if (e.type === 'pull_request') return `PR #${e.number} ${e.action ?? ''}`.trim();
  if (e.type === 'issues' || e.type === 'issue_comment') return `Issue #${e.number}`;
  if (e.type === 'push') return `Commit ${e.sha?.slice(0, 7) ?? ''}`.trim();
  if (e.type === 'pull_request_review') return `Review on PR #${e.number}`;
  if (e.type === 'pull_request_comment') return `Comment on PR #${e.number}`;
  return e.type === 'release' ? 'Release' : 'New ref';
}

async function body(clips: readonly RecapClip[], frontmatter: Omit<RecapFrontmatter, 'description'>, prose: ProseWriter): Promise<string> {
  const intro = plainLine(await prose.intro({ frontmatter, clips }), 600);
  const nodes: RootContent[] = [paragraph(text(intro)), heading('Highlights')];
  const highlights: PhrasingContent[][] = [];
  for (const clip of clips) highlights.push([strong(clip.title), text(` (${Math.round(clip.duration_seconds)} s, ${clip.views} views): ${plainLine(await prose.clipSummary({ clip }), 400)}`)]);
  nodes.push(list(highlights));
  const events = [...new Map(clips.flatMap((c) => c.github).map((e) => [e.id, e])).values()].sort((a, b) => b.confidence - a.confidence || (a.id < b.id ? -1 : 1));
  if (events.length > 0) {
    nodes.push(heading('On GitHub'));
    nodes.push(
      list(
        events.slice(0, 12).map((e) => [
          { type: 'link', url: e.url, children: [text(`${eventLabel(e)} in ${e.repo}`)] },
          text(`: ${e.title} (${Math.round(e.confidence * 100)}% match)`),
        ]),
      ),
    );
  }
  const tree: Root = { type: 'root', children: nodes };
  // With GFM's rules, as the site reads the body: text that GFM would turn into a link (`www.x.com`, `a@b.com`,
  // `https://…`) or a strikethrough (`~~x~~`) is escaped, so a viewer's title stays text.
  return remark().use(remarkGfm).data('settings', { handlers: { text: textWithEveryUnderscoreEscaped } }).stringify(tree);
}

/**
 * Text nodes as remark writes them, plus every `_` escaped. remark leaves an underscore between two "word"
 * characters bare (`a_b` cannot open emphasis), but it judges a character by one UTF-16 unit: next to an emoji or
 * another symbol beyond U+FFFF, which CommonMark counts as punctuation, `🎉_x_𛲜` became emphasis on the blog.
 */
const textWithEveryUnderscoreEscaped: Handle = (node: Text, _parent, state, info) => {
  const written = state.safe(node.value, info);
  let out = '';
  for (let i = 0; i < written.length; i++) {
    const c = written[i]!;
    if (c === '\\') {
      // An escape and what it escapes pass as they are.
      out += c + (written[i + 1] ?? '');
      i++;
    } else out += c === '_' ? '\\_' : c;
  }
  return out;
};

/** Builds and validates the post. Throws (a ZodError) rather than produce a post the site would refuse. */
export async function buildRecap(input: RecapInput, prose: ProseWriter = templateProse): Promise<BuiltRecap> {
  if (input.sources.length === 0) throw new Error('a recap needs at least one clip');
  const clips = input.sources.map(recapClip);
  const items = input.sources.map((s) => s.item);
  const categories = new Map<string, number>();
  for (const item of items) if (item.content_category) categories.set(item.content_category, (categories.get(item.content_category) ?? 0) + 1);
  const category = ([...categories.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'other') as RecapFrontmatter['category'];
  const tagCounts = new Map<string, number>();
  for (const item of items) for (const tag of item.content_tags ?? []) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
  const tags = [...tagCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t).filter((t) => /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(t)).slice(0, 8);
  const best = Math.max(0, ...clips.flatMap((c) => c.github.map((e) => e.confidence)));
  // The newest change to any selected item: a re-run over unchanged data writes the identical file.
  const generatedAt = items.map((i) => i.content_ready_at ?? i.updated_at ?? i.stored_at).sort().at(-1)!;
  const base = {
    title: plainLine(suggestedTitle(input.contentType, input.dateRange, items, input.topic), 200),
    date: new Date(input.dateRange.end).toISOString(),
    content_type: input.contentType,
    date_range: { start: new Date(input.dateRange.start).toISOString(), end: new Date(input.dateRange.end).toISOString() },
    ...(input.topic !== undefined && { topic: topicSlug(input.topic) }),
    tags,
    category,
    clips,
    github_summary: githubSummary(clips),
    ...(input.repository !== undefined && { repository: input.repository }),
    scores: { content_score: meanScore(items) ?? 0, best_match_confidence: best },
    draft: input.draft ?? false,
    generated_at: generatedAt,
    generator: { name: 'clip-recap' as const, version: input.generatorVersion },
  };
  const bodyMarkdown = await body(clips, base, prose);
  // The description (meta tags, listings) names the highlights; the intro opens the body.
  const description = plainLine(`${clips.length === 1 ? 'Highlight' : `${clips.length} highlights`}: ${clips.map((c) => c.title).join('; ')}`, 300);
  const frontmatter = RecapFrontmatter.parse({ ...base, description });
  // js-yaml 4 is what Astro reads front matter with: its dump quotes every string its load would take for
  // something else, so a viewer's clip title such as `08` or `0o17` stays a string on the site. (gray-matter's
  // js-yaml 3 wrote those plain, and Astro read numbers: the schema then failed the whole site build.)
  const yaml = dump(frontmatter, { lineWidth: -1, noRefs: true });
  const markdown = `---\n${yaml}---\n${bodyMarkdown.endsWith('\n') ? bodyMarkdown : `${bodyMarkdown}\n`}`;
  // Round trip: what the site will read back must be exactly what we validated.
  RecapFrontmatter.parse(load(yaml));
  return { frontmatter, body: bodyMarkdown, markdown };
}
