// Pure formatting helpers for the site. Everything is computed in UTC so a build gives the same pages on any
// machine, whatever its time zone. Returns plain strings: callers render them as text, never as HTML.
import type { RecapFrontmatter, RecapGitHubEvent } from '../../content-pipeline/schemas/recap.ts';
import { countWords } from './words.mjs';

const DAY_MS = 86_400_000;

const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
const longDayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
const shortDayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
const dayMonthFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' });
const monthFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' });
const weekdayDayMonthFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const numberFormat = new Intl.NumberFormat('en');

/** "Mon, 5 Jan 2026" */
export function formatDay(iso: string): string {
  return dayFormat.format(new Date(iso));
}

/** "5 January 2026" */
export function formatLongDay(iso: string): string {
  return longDayFormat.format(new Date(iso));
}

/** "January 2026" */
export function formatMonth(iso: string): string {
  return monthFormat.format(new Date(iso));
}

/** "14:12 UTC" */
export function formatTime(iso: string): string {
  return `${timeFormat.format(new Date(iso))} UTC`;
}

/** When a clip was made: "14:12 UTC" in a recap of one day, "Mon 5 Jan, 14:12 UTC" in one that covers several. */
export function formatClipTime(iso: string, covered: { start: string; end: string }): string {
  if (Date.parse(covered.end) - Date.parse(covered.start) <= DAY_MS) return formatTime(iso);
  return `${weekdayDayMonthFormat.format(new Date(iso))}, ${formatTime(iso)}`;
}

export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

/** `YYYY-MM` of a timestamp, in UTC. */
export function monthKey(iso: string): string {
  return new Date(iso).toISOString().slice(0, 7);
}

/**
 * A covered range, end exclusive (as in the schema): one day shows as that day, longer ranges as
 * "5–11 Jan 2026", "29 Dec 2025 – 4 Jan 2026".
 */
export function formatDateRange(start: string, end: string): string {
  const s = new Date(start);
  const e = new Date(Math.max(Date.parse(end) - 1, s.getTime()));
  const sameDay = s.toISOString().slice(0, 10) === e.toISOString().slice(0, 10);
  if (sameDay || Date.parse(end) - Date.parse(start) <= DAY_MS) return formatDay(start);
  const sameYear = s.getUTCFullYear() === e.getUTCFullYear();
  const sameMonth = sameYear && s.getUTCMonth() === e.getUTCMonth();
  const endText = shortDayFormat.format(e);
  if (sameMonth) return `${s.getUTCDate()}–${endText}`;
  const startText = (sameYear ? dayMonthFormat : shortDayFormat).format(s);
  return `${startText} – ${endText}`;
}

/** Clip length as the players show it: "0:42", "1:05", "1:02:03". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** ISO 8601 duration for schema.org: "PT43S", "PT1M5S", "PT1H0M3S". Rounded to whole seconds. */
export function isoDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `PT${h}H${m}M${s}S`;
  if (m > 0) return `PT${m}M${s}S`;
  return `PT${s}S`;
}

/** When a GitHub event happened relative to its clip: "12 min before the clip", "3 min after the clip". */
export function formatOffset(offsetSeconds: number, clipSeconds = 0): string {
  // The offset counts from the clip's creation, the end of the clipped moment: the clip itself is [-duration, 0].
  if (offsetSeconds <= 0 && offsetSeconds >= -clipSeconds) return 'during the clip';
  const side = offsetSeconds < 0 ? 'before' : 'after';
  const abs = Math.abs(offsetSeconds);
  if (abs < 30) return 'at the time of the clip';
  const minutes = Math.max(1, Math.round(abs / 60));
  if (minutes < 60) return `${minutes} min ${side} the clip`;
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return `${Math.round(minutes / 1440)} days ${side} the clip`;
  const rest = minutes % 60;
  return `${hours} h${rest ? ` ${rest} min` : ''} ${side} the clip`;
}

/** "92% match" */
export function formatConfidence(confidence: number): string {
  return `${Math.round(confidence * 100)}% match`;
}

export type ConfidenceLevel = 'high' | 'medium' | 'low';
export function confidenceLevel(confidence: number): ConfidenceLevel {
  if (confidence >= 0.8) return 'high';
  if (confidence >= 0.5) return 'medium';
  return 'low';
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

const WORDS_PER_MINUTE = 220;

/**
 * Minutes to read the post: the words of its Markdown body (`bodyWords`, counted with countWords when the body is
 * rendered: site/lib/markdown-store.mjs) plus those of the clip titles and transcript excerpts. At least 1.
 */
export function readingMinutes(bodyWords: number, data: Pick<RecapFrontmatter, 'clips'>): number {
  const words = bodyWords + countWords(data.clips.flatMap((c) => [c.title, c.transcript_excerpt]).join(' '));
  return Math.max(1, Math.ceil(words / WORDS_PER_MINUTE));
}

/** "2 commits, 2 PRs and 1 issue across 1 repository" */
export function githubSummaryLine(summary: RecapFrontmatter['github_summary']): string {
  const parts = [
    plural(summary.commits, 'commit'),
    plural(summary.pull_requests, 'PR'),
    plural(summary.issues, 'issue'),
  ];
  if (summary.commits + summary.pull_requests + summary.issues === 0) return 'No linked GitHub activity';
  const repos = summary.repositories.length;
  return `${parts[0]}, ${parts[1]} and ${parts[2]}${repos ? ` across ${plural(repos, 'repository', 'repositories')}` : ''}`;
}

export type EventState = 'open' | 'merged' | 'closed' | null;

/** What a GitHub card shows in its header: a kind, a reference (#42 or a short sha) and a state. */
export function describeEvent(event: RecapGitHubEvent): { kind: string; ref: string | null; state: EventState; stateLabel: string | null } {
  const ref = event.sha ? event.sha.slice(0, 7) : event.number !== null ? `#${event.number}` : null;
  const action = event.action ?? '';
  const state: EventState =
    action === 'merged' ? 'merged' : action === 'closed' ? 'closed' : action === 'opened' || action === 'reopened' ? 'open' : null;
  const stateLabel = state === null ? (action && event.type !== 'push' ? action.replace(/_/g, ' ') : null) : action;
  switch (event.type) {
    case 'push':
      return { kind: 'Commit', ref, state: null, stateLabel: null };
    case 'pull_request':
      return { kind: 'Pull request', ref, state, stateLabel };
    case 'pull_request_review':
      return { kind: 'PR review', ref, state: null, stateLabel };
    case 'issues':
      return { kind: 'Issue', ref, state, stateLabel };
    case 'issue_comment':
      return { kind: 'Comment', ref, state: null, stateLabel };
    case 'pull_request_comment':
      return { kind: 'PR comment', ref, state: null, stateLabel };
    case 'release':
      return { kind: 'Release', ref, state: null, stateLabel };
    case 'create':
      return { kind: 'Created', ref, state: null, stateLabel: null };
  }
}
