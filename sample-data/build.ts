// Helpers that turn the compact scenario descriptions in dataset.ts into Helix clips, transcripts and normalised
// GitHub events. Deterministic: the same file always yields the same data.
import type { GitHubEvent } from '../content-pipeline/schemas/github-event.ts';

/** 40 hex chars derived from a string (FNV-1a rounds): stable fake commit shas. */
export function fakeSha(seed: string): string {
  let out = '';
  let h = 0x811c9dc5;
  for (let round = 0; out.length < 40; round++) {
    for (const ch of `${seed}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}

export const at = (day: string, time: string) => new Date(`${day}T${time}:00Z`).toISOString();

export function commit(repo: string, when: string, message: string, extra: Partial<GitHubEvent> = {}): GitHubEvent {
  const sha = fakeSha(`${repo}:${message}:${when}`);
  return {
    id: `commit:${repo}:${sha}`,
    type: 'push',
    action: null,
    repo,
    actor: 'streamdev',
    title: message.split('\n')[0]!,
    message,
    url: `https://github.com/${repo}/commit/${sha}`,
    number: null,
    sha,
    branch: 'main',
    files: null,
    occurred_at: when,
    ...extra,
  };
}

export function pullRequest(repo: string, number: number, action: 'opened' | 'merged' | 'closed', when: string, title: string, extra: Partial<GitHubEvent> = {}): GitHubEvent {
  return {
    id: `pr:${repo}:${number}:${action}`,
    type: 'pull_request',
    action,
    repo,
    actor: 'streamdev',
    title,
    message: null,
    url: `https://github.com/${repo}/pull/${number}`,
    number,
    sha: null,
    branch: null,
    files: null,
    occurred_at: when,
    ...extra,
  };
}

export function issue(repo: string, number: number, action: 'opened' | 'closed', when: string, title: string, extra: Partial<GitHubEvent> = {}): GitHubEvent {
  return {
    id: `issue:${repo}:${number}:${action}`,
    type: 'issues',
    action,
    repo,
    actor: 'streamdev',
    title,
    message: null,
    url: `https://github.com/${repo}/issues/${number}`,
    number,
    sha: null,
    branch: null,
    files: null,
    occurred_at: when,
    ...extra,
  };
}

export interface SampleClip {
  id: string;
  title: string;
  created_at: string;
  duration: number;
  view_count: number;
  creator_name: string;
  /** Sentences spoken, spread evenly over the clip. */
  transcript: string[];
  /** Event ids a person watching the clip would link to it: the ground truth of the accuracy benchmark. */
  related: string[];
  /** The clip's MP4 is gone (Twitch answers 404), to show a failing item. */
  media_missing?: boolean;
}
