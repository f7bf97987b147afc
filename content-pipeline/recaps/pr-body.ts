// The pull request a reviewer judges a recap by: what it covers, each clip with its score and the judge's reasons,
// the matched GitHub events with confidence, warnings, and where the Pages preview appears. Untrusted text (clip
// titles, event titles) goes inside code spans so it cannot mention anyone, link anywhere or inject HTML.
import type { ContentItem } from '../schemas/content-item.ts';
import type { RecapFrontmatter } from '../schemas/recap.ts';

/**
 * Text as an inline code span: backticks swapped out, one line, bounded. In a table cell (`inTable`), a `|` ends
 * the cell even inside a code span, which would let the rest of the text out of it: there it is escaped, and GFM
 * shows `\|` in a cell's code span as `|`. GFM reads backslashes in a row two by two before it looks for pipes, so
 * a pipe after an odd run of backslashes (`\|` in a title) needs one more backslash to stay escaped; the cell then
 * shows that run one backslash longer, which no escaping can avoid.
 */
export function codeSpan(text: string, max = 120, { inTable = false } = {}): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/`/g, "'").trim();
  // Cut on a code point, not inside a surrogate pair.
  const cut = clean.length > max ? `${clean.slice(0, /[\ud800-\udbff]/.test(clean[max - 2] ?? '') ? max - 2 : max - 1)}…` : clean || ' ';
  const escaped = inTable ? cut.replace(/(\\*)\|/g, (_, run: string) => `${run}${run.length % 2 ? '\\' : ''}\\|`) : cut;
  return `\`${escaped}\``;
}

/** Cloudflare Pages' branch alias: lowercase, anything but [a-z0-9] becomes '-', at most 28 characters. */
export function pagesPreviewUrl(project: string, branch: string): string {
  const alias = branch.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 28).replace(/-+$/, '');
  return `https://${alias}.${project}.pages.dev`;
}

export interface PrBodyInput {
  frontmatter: RecapFrontmatter;
  items: readonly ContentItem[];
  path: string;
  branch: string;
  pagesProject: string;
  slug: string;
}

export function pullRequestBody({ frontmatter, items, path, branch, pagesProject, slug }: PrBodyInput): string {
  const byClip = new Map(items.map((i) => [i.clip_id, i]));
  const s = frontmatter.github_summary;
  const lines = [
    `Generated **${frontmatter.content_type.replace(/_/g, ' ')}** for ${frontmatter.date_range.start.slice(0, 10)} – ${new Date(Date.parse(frontmatter.date_range.end) - 1).toISOString().slice(0, 10)}: ${frontmatter.clips.length} clip(s), ${s.commits} commit(s), ${s.pull_requests} PR(s), ${s.issues} issue(s). Mean score ${frontmatter.scores.content_score}, best GitHub match ${Math.round(frontmatter.scores.best_match_confidence * 100)}%.`,
    '',
    `File: \`${path}\``,
    `Preview (Cloudflare Pages, after the build): ${pagesPreviewUrl(pagesProject, branch)}/recaps/${slug}/`,
    '',
    '### Clips',
    '',
    '| Clip | Score | Decision | Judge |',
    '| --- | --- | --- | --- |',
  ];
  const warnings: string[] = [];
  for (const clip of frontmatter.clips) {
    const item = byClip.get(clip.id);
    const criteria = item?.content_criteria;
    const cell = { inTable: true };
    const reasons = criteria ? [criteria.coherence.reason, criteria.correctness.reason, criteria.dev_signal.reason].map((r) => codeSpan(r, 100, cell)).join(' ') : '';
    lines.push(`| ${codeSpan(clip.title, 80, cell)} ([clip](${clip.url})) | ${clip.score ?? '–'} | ${item?.content_decision ?? '–'} | ${item?.judge ?? '–'} ${reasons} |`);
    if (item?.content_decision === 'needs_review') warnings.push(`${codeSpan(clip.title, 60)} was scored **needs_review**: check it belongs here.`);
    if (item?.judge_fallback_reason) warnings.push(`${codeSpan(clip.title, 60)} was scored by the heuristic judge (${codeSpan(item.judge_fallback_reason, 80)}).`);
    if (!/\/assets\/thumbnails\//.test(clip.thumbnail)) warnings.push(`${codeSpan(clip.title, 60)} has no hosted thumbnail; the post links Twitch's image.`);
  }
  const events = [...new Map(frontmatter.clips.flatMap((c) => c.github.map((e) => [e.id, { e, clip: c.title }] as const))).values()];
  const eventLines = events
    .sort((a, b) => b.e.confidence - a.e.confidence)
    .map(({ e, clip }) => `- ${Math.round(e.confidence * 100)}% [${e.type}${e.number ? ` #${e.number}` : ''}${e.action ? ` ${e.action}` : ''}](${e.url}) in ${codeSpan(e.repo, 60)}: ${codeSpan(e.title, 80)} → ${codeSpan(clip, 50)} (${codeSpan(e.reason, 100)})`);
  const tail = [
    '',
    '### Warnings',
    '',
    ...(warnings.length > 0 ? warnings.map((w) => `- ${w}`) : ['None.']),
    '',
    `<sub>clip-recap ${frontmatter.generator.version}; regenerating this recap updates this pull request.</sub>`,
  ];
  lines.push('', '### Matched GitHub events', '');
  // Events are what can outgrow the body (up to 50 per clip): whole lines while they fit, then a count, so the
  // warnings and the footer stay and no cut lands inside a code span.
  let room = MAX_BODY_CHARS - joinedLength([...lines, ...tail]) - MORE_EVENTS_LINE_CHARS;
  const shown = eventLines.filter((line) => (room -= line.length + 1) >= 0);
  if (events.length === 0) lines.push('None.');
  lines.push(...shown);
  if (shown.length < eventLines.length) lines.push(`- … and ${eventLines.length - shown.length} more, in the recap file.`);
  lines.push(...tail);
  return fitLines(lines, MAX_BODY_CHARS).join('\n');
}

/** GitHub refuses a pull request body over 65,536 characters. */
export const MAX_BODY_CHARS = 60_000;
const MORE_EVENTS_LINE_CHARS = 60;

const joinedLength = (lines: readonly string[]) => lines.reduce((n, line) => n + line.length + 1, -1);

/** The first lines that fit in `max` characters joined: whole lines, so a cut never opens a code span. */
function fitLines(lines: readonly string[], max: number): readonly string[] {
  let length = -1;
  const fit = lines.findIndex((line) => (length += line.length + 1) > max);
  return fit < 0 ? lines : lines.slice(0, fit);
}
