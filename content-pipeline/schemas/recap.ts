// The recap front-matter: one schema used to write posts (the publisher) and to read them (the site's content
// collection imports it). A post that fails it is never published and never built. All text fields from the
// outside (clip titles, transcripts, PR titles) are plain text: the site renders them escaped, never as HTML.
import { z } from 'zod';
import { ContentCategory } from './content-item.ts';
import { HttpUrl, IsoDateTime, RepoName } from './primitives.ts';

export const RECAP_CONTENT_TYPES = ['daily_recap', 'weekly_summary', 'topic_focus'] as const;

/** Lowercase ASCII words joined by single dashes: a recap's tags and its topic. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * `text` as a slug of at most `max` characters (SLUG, or '' when it has no letter or digit): accents dropped,
 * anything else a dash, and no dash left at either end, the cut one included.
 */
export function toSlug(text: string, max: number): string {
  return text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '');
}
export const RecapContentType = z.enum(RECAP_CONTENT_TYPES);
export type RecapContentType = z.infer<typeof RecapContentType>;

// pull_request_comment: GitHub sends a comment on a pull request's conversation as an issue_comment whose issue has
// a pull_request field; it is told apart so it counts and reads as a pull request's, not an issue's.
export const GitHubEventType = z.enum(['push', 'pull_request', 'issues', 'issue_comment', 'pull_request_comment', 'pull_request_review', 'release', 'create']);
export type GitHubEventType = z.infer<typeof GitHubEventType>;

/**
 * What the publisher turns into spaces in a line of recap text (plainLine): C0 and C1 controls, DEL, the Unicode
 * line and paragraph separators, and U+FFFE/U+FFFF, which XML cannot carry (one in a title made the RSS feed
 * unreadable). Lone surrogates become U+FFFD.
 */
// eslint-disable-next-line no-control-regex
export const NOT_IN_A_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]/;

/**
 * What a line of recap text must not hold, whoever wrote the file: control characters (a layout break-out) and
 * what XML cannot carry. Hand-written files may hold the rest (a U+2028 is escaped where it matters, in JSON-LD).
 */
// eslint-disable-next-line no-control-regex
const REFUSED_IN_A_LINE = /[\u0000-\u001f\u007f\ufffe\uffff]/;

/** Plain single-line text of bounded length. */
const Line = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !REFUSED_IN_A_LINE.test(s) && s.isWellFormed(), 'must be a single line without control characters');

/** A GitHub event matched to a clip, as a reader sees it on the card. */
export const RecapGitHubEvent = z.object({
  id: z.string().min(1),
  type: GitHubEventType,
  /** Webhook action, `merged` for a merged PR, null for push/create. */
  action: z.string().nullable(),
  repo: RepoName,
  /** PR/issue title or the first line of a commit message. */
  title: Line(300),
  url: HttpUrl,
  number: z.number().int().positive().nullable(),
  /** Full commit sha for pushes; the site shows the first 7 characters. */
  sha: z.string().regex(/^[0-9a-f]{7,40}$/).nullable(),
  actor: Line(100).nullable(),
  occurred_at: IsoDateTime,
  /** Seconds from the clip's creation to the event; negative when the event came first. */
  offset_seconds: z.number().int(),
  confidence: z.number().min(0).max(1),
  /** Why the matcher linked it, in one short sentence. */
  reason: Line(300),
});
export type RecapGitHubEvent = z.infer<typeof RecapGitHubEvent>;

export const RecapClip = z.object({
  /** Twitch clip id (the embed's `clip` parameter). */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/),
  title: Line(500),
  url: HttpUrl,
  /** `https://clips.twitch.tv/embed?clip=<id>`, without `parent` (added at click time from location.hostname). */
  embed_url: HttpUrl,
  /** Our own copy (…/assets/thumbnails/<id>.jpg), never Twitch's CDN. */
  thumbnail: HttpUrl,
  duration_seconds: z.number().nonnegative(),
  views: z.number().int().nonnegative(),
  created_at: IsoDateTime,
  broadcaster: Line(100),
  transcript_excerpt: z.string().max(600),
  score: z.number().min(0).max(100).optional(),
  github: z.array(RecapGitHubEvent).max(50),
});
export type RecapClip = z.infer<typeof RecapClip>;

export const RecapFrontmatter = z
  .object({
    title: Line(200).min(1),
    description: Line(400).min(1),
    /** Publication date: the end of the covered range for dailies, shown as the post date. */
    date: IsoDateTime,
    content_type: RecapContentType,
    date_range: z.object({ start: IsoDateTime, end: IsoDateTime }),
    /** For topic_focus posts: the topic's slug. */
    topic: z.string().regex(SLUG).max(60).optional(),
    tags: z.array(z.string().regex(SLUG, 'tags are lowercase slugs').max(40)).max(20),
    category: ContentCategory,
    clips: z.array(RecapClip).min(1).max(100),
    github_summary: z.object({
      commits: z.number().int().nonnegative(),
      pull_requests: z.number().int().nonnegative(),
      issues: z.number().int().nonnegative(),
      repositories: z.array(z.string()).max(20),
    }),
    repository: RepoName.optional(),
    scores: z.object({
      /** Mean content score of the clips, 0-100. */
      content_score: z.number().min(0).max(100),
      /** Best GitHub match confidence among the clips, 0-1. */
      best_match_confidence: z.number().min(0).max(1),
    }),
    draft: z.boolean().default(false),
    generated_at: IsoDateTime,
    generator: z.object({ name: z.literal('clip-recap'), version: z.string().min(1) }),
  })
  .strict();
export type RecapFrontmatter = z.infer<typeof RecapFrontmatter>;
