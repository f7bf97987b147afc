// Temporal matching: which GitHub events belong to a clip. Pure and deterministic. Each candidate in a window
// around the clip is scored by time proximity and by text evidence (shared rare words between the clip's
// title/transcript and the event's title, message, branch and file paths; PR/issue numbers or shas said aloud),
// combined so confidence never rises as the event moves away in time. Every match carries a one-line reason.
import type { GitHubEvent } from '../schemas/github-event.ts';
import { tokenize } from './tokens.ts';

export interface MatchClip {
  id: string;
  title: string;
  /** When the clip was created: its end. */
  created_at: string;
  /** Seconds: the clip covers [created_at - duration, created_at]. */
  duration: number;
  transcript?: string;
}

export interface MatchOptions {
  /** Minutes before the clip's start an event may be and still be considered. */
  windowBeforeMinutes: number;
  /** Minutes after the clip's end. */
  windowAfterMinutes: number;
  /** Matches below this confidence are dropped. */
  threshold: number;
  /** Minutes over which time proximity decays by a factor e. */
  timeDecayMinutes: number;
  /** When set, only events of these repositories (owner/name) are considered: the ones the streamer works in. */
  repos?: readonly string[];
}

export const DEFAULT_MATCH_OPTIONS: MatchOptions = {
  windowBeforeMinutes: 45,
  windowAfterMinutes: 30,
  threshold: 0.55,
  timeDecayMinutes: 15,
};

export interface Match {
  clip_id: string;
  event_id: string;
  confidence: number;
  reason: string;
  /** Seconds from the clip's creation to the event (negative: before). */
  offset_seconds: number;
}

const MINUTE = 60_000;
const BOT_ACTOR = /(\[bot\]$|^dependabot|^renovate|^github-actions|^snyk-bot)/i;
/** "PR 12", "pull request #12", "issue 7", "ticket #3": a number said to be one of these. */
const NAMED_NUMBER = /\b(?:pr|pull request|issue|ticket)\s*#?\s*(\d{1,6})\b/gi;
/** A bare "#12": often a PR or an issue, but also a ranking ("my #1 moment"), so weaker evidence. */
const BARE_NUMBER = /(?:^|[^\w&])#(\d{1,6})\b/g;
/** Text evidence of a number mention: near certain when named, a hint when bare. */
const NAMED_MENTION_SCORE = 0.95;
const BARE_MENTION_SCORE = 0.5;
const SHA_MENTION = /\b[0-9a-f]{7,40}\b/g;

/** Words of the event a viewer could hear or read in the clip. */
function eventText(event: GitHubEvent): string {
  const files = (event.files ?? []).flatMap((path) => path.split('/'));
  return [event.title, event.message, event.branch, ...files].filter(Boolean).join(' ');
}

/** Inverse document frequency over the events: words every commit shares ("fix", "update") weigh little. */
function idfTable(events: readonly GitHubEvent[], tokensOf: Map<string, Set<string>>): Map<string, number> {
  const df = new Map<string, number>();
  for (const event of events) for (const token of tokensOf.get(event.id)!) df.set(token, (df.get(token) ?? 0) + 1);
  const n = Math.max(events.length, 1);
  const idf = new Map<string, number>();
  for (const [token, count] of df) idf.set(token, Math.log(1 + n / count) / Math.log(1 + n));
  return idf;
}

function describeTime(event: GitHubEvent, offsetMs: number, inside: boolean): string {
  const verb =
    event.type === 'push' ? 'committed'
    : event.type === 'pull_request' ? `PR #${event.number} ${event.action ?? 'updated'}`
    : event.type === 'issues' ? `issue #${event.number} ${event.action ?? 'updated'}`
    : event.type === 'issue_comment' ? `commented on issue #${event.number}`
    : event.type === 'pull_request_comment' ? `commented on PR #${event.number}`
    : event.type === 'pull_request_review' ? `reviewed PR #${event.number}`
    : event.type === 'release' ? 'released'
    : 'created';
  if (inside) return `${verb} during the clip`;
  const minutes = Math.max(1, Math.round(Math.abs(offsetMs) / MINUTE));
  return `${verb} ${minutes} min ${offsetMs < 0 ? 'before' : 'after'} the clip`;
}

/** Numbers the text mentions, each with how strong the mention is (the stronger when both). */
function mentionedNumbers(text: string): Map<number, number> {
  const numbers = new Map<number, number>();
  for (const m of text.matchAll(BARE_NUMBER)) numbers.set(Number(m[1]), BARE_MENTION_SCORE);
  for (const m of text.matchAll(NAMED_NUMBER)) numbers.set(Number(m[1]), NAMED_MENTION_SCORE);
  return numbers;
}

/** All matches at or above the threshold, by clip (input order), then confidence, then event id. */
export function matchClipsToEvents(
  clips: readonly MatchClip[],
  events: readonly GitHubEvent[],
  options: MatchOptions = DEFAULT_MATCH_OPTIONS,
): Match[] {
  const repos = options.repos ? new Set(options.repos.map((r) => r.toLowerCase())) : null;
  // One event given twice (inputs merged from two exports) is one event: matched once, counted once by the IDF.
  // Copies that differ (two exports disagreeing) keep the same one whatever the input order: the first by content.
  const byId = new Map<string, GitHubEvent>();
  for (const event of events) {
    const kept = byId.get(event.id);
    if (!kept || (kept !== event && JSON.stringify(event) < JSON.stringify(kept))) byId.set(event.id, event);
  }
  const usable = [...byId.values()].filter((e) => !(e.actor && BOT_ACTOR.test(e.actor)) && (!repos || repos.has(e.repo.toLowerCase())));
  const tokensOf = new Map(usable.map((e) => [e.id, new Set(tokenize(eventText(e)))]));
  const times = new Map(usable.map((e) => [e.id, Date.parse(e.occurred_at)]));
  const matches: Match[] = [];

  for (const clip of clips) {
    const end = Date.parse(clip.created_at);
    const start = end - Math.max(0, clip.duration) * 1000;
    const clipText = `${clip.title} ${clip.transcript ?? ''}`;
    const clipTokens = new Set(tokenize(clipText));
    const numbers = mentionedNumbers(clipText);
    const shas = clipText.toLowerCase().match(SHA_MENTION) ?? [];
    const perClip: Match[] = [];
    const candidates = usable.filter((e) => {
      const at = times.get(e.id)!;
      return at >= start - options.windowBeforeMinutes * MINUTE && at <= end + options.windowAfterMinutes * MINUTE;
    });
    // Word rarity among this clip's candidates, the events in its window: what the enhance stage gives the matcher
    // (it reads that window from D1), so a clip matches the same with the whole week's events as with its own.
    const idf = idfTable(candidates, tokensOf);

    for (const event of candidates) {
      const at = times.get(event.id)!;
      const inside = at >= start && at <= end;
      const distanceMs = inside ? 0 : at < start ? start - at : at - end;
      const timeScore = Math.exp(-distanceMs / (options.timeDecayMinutes * MINUTE));

      const shared = [...tokensOf.get(event.id)!].filter((t) => clipTokens.has(t));
      const weight = shared.reduce((sum, t) => sum + (idf.get(t) ?? 0), 0);
      let textScore = 1 - Math.exp(-weight / 1.5);
      let mention: string | undefined;
      const said = event.number !== null ? numbers.get(event.number) : undefined;
      if (said !== undefined && said >= textScore) {
        textScore = said;
        mention = `#${event.number} is mentioned in the clip`;
      } else if (event.sha && shas.some((s) => event.sha!.startsWith(s))) {
        textScore = Math.max(textScore, 0.95);
        mention = `commit ${event.sha.slice(0, 7)} is mentioned in the clip`;
      }
      // Noisy-OR of the two kinds of evidence; text counts less far from the clip, so confidence only falls with distance.
      const confidence = 1 - (1 - 0.5 * timeScore) * (1 - textScore * (0.6 + 0.4 * timeScore));
      if (confidence < options.threshold) continue;

      const offsetMs = at - end;
      const words = shared
        .sort((a, b) => (idf.get(b) ?? 0) - (idf.get(a) ?? 0) || (a < b ? -1 : 1))
        .slice(0, 3)
        .map((w) => `"${w}"`);
      const evidence = mention ?? (words.length > 0 ? `shares ${words.join(', ')} with the clip` : 'no shared words');
      perClip.push({
        clip_id: clip.id,
        event_id: event.id,
        confidence: Math.round(confidence * 1000) / 1000,
        reason: `${describeTime(event, inside ? 0 : offsetMs, inside)}; ${evidence}`.slice(0, 300),
        offset_seconds: Math.round(offsetMs / 1000),
      });
    }
    perClip.sort((a, b) => b.confidence - a.confidence || (a.event_id < b.event_id ? -1 : 1));
    matches.push(...perClip);
  }
  return matches;
}

/** The naive baseline the matcher is measured against: every event within ±minutes of the clip's creation. */
export function baselineMatches(
  clips: readonly MatchClip[],
  events: readonly GitHubEvent[],
  minutes: number,
  repos?: readonly string[],
): Array<Pick<Match, 'clip_id' | 'event_id'>> {
  const out: Array<Pick<Match, 'clip_id' | 'event_id'>> = [];
  const allowed = repos ? new Set(repos.map((r) => r.toLowerCase())) : null;
  for (const clip of clips) {
    const end = Date.parse(clip.created_at);
    for (const event of events) {
      if (allowed && !allowed.has(event.repo.toLowerCase())) continue;
      if (Math.abs(Date.parse(event.occurred_at) - end) <= minutes * MINUTE) out.push({ clip_id: clip.id, event_id: event.id });
    }
  }
  return out;
}
