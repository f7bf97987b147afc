// The GitHub context of one clip as stored in R2 (github-context/{clip_id}.json), and its one-line summary.
import type { GitHubEvent } from '../schemas/github-event.ts';
import type { Match, MatchOptions } from './temporal.ts';

export interface GitHubContext {
  clip_id: string;
  matched_at: string;
  window: { from: string; to: string };
  repos: string[];
  matches: Array<Omit<Match, 'clip_id' | 'event_id'> & { event: GitHubEvent }>;
}

/** Where to look for candidate events: the clip's span widened by the matching window. */
export function candidateWindow(createdAt: string, durationSeconds: number, options: MatchOptions): { from: string; to: string } {
  const end = Date.parse(createdAt);
  return {
    from: new Date(end - durationSeconds * 1000 - options.windowBeforeMinutes * 60_000).toISOString(),
    to: new Date(end + options.windowAfterMinutes * 60_000).toISOString(),
  };
}

/**
 * The other way round: the creation times of clips (at most `maxClipSeconds` long) whose candidate window can
 * hold an event at `occurredAt`, for finding the clips a late event may belong to. Check each found clip with
 * `candidateWindow` and its real duration.
 */
export function clipWindowForEvent(occurredAt: string, maxClipSeconds: number, options: MatchOptions): { from: string; to: string } {
  const at = Date.parse(occurredAt);
  return {
    from: new Date(at - options.windowAfterMinutes * 60_000).toISOString(),
    to: new Date(at + maxClipSeconds * 1000 + options.windowBeforeMinutes * 60_000).toISOString(),
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** e.g. "PR #12 merged, 2 commits in streamdev/clip-recap (best match 93%)", or a line saying nothing matched. */
export function githubSummary(context: GitHubContext): string {
  if (context.matches.length === 0) return 'No GitHub activity matched this clip.';
  const events = context.matches.map((m) => m.event);
  const parts: string[] = [];
  for (const pr of events.filter((e) => e.type === 'pull_request')) parts.push(`PR #${pr.number} ${pr.action}`);
  for (const comment of events.filter((e) => e.type === 'pull_request_comment')) parts.push(`comment on PR #${comment.number}`);
  const commits = events.filter((e) => e.type === 'push').length;
  if (commits > 0) parts.push(plural(commits, 'commit'));
  for (const issue of events.filter((e) => e.type === 'issues' || e.type === 'issue_comment')) parts.push(`issue #${issue.number} ${issue.action}`);
  const others = events.filter((e) => !['pull_request', 'pull_request_comment', 'push', 'issues', 'issue_comment'].includes(e.type)).length;
  if (others > 0) parts.push(plural(others, 'other event'));
  const repos = [...new Set(events.map((e) => e.repo))];
  const best = Math.round(Math.max(...context.matches.map((m) => m.confidence)) * 100);
  return `${parts.slice(0, 4).join(', ')} in ${repos.join(', ')} (best match ${best}%)`.slice(0, 300);
}
