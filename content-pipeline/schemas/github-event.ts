// GitHubEvent: one normalised model for everything GitHub tells us, whether it came by webhook or by backfill.
// Ids are derived from what the event is (commit sha, PR number + transition), so both paths write one row.
import { z } from 'zod';
import { GitHubEventType } from './recap.ts';
import { HttpUrl, IsoDateTime, RepoName } from './primitives.ts';

export const GitHubEvent = z.object({
  // A ref is up to 255 bytes and an owner/name about 140: room for both in a create event's id.
  id: z.string().min(1).max(512),
  type: GitHubEventType,
  /** Webhook action; `merged` for a merged PR; null for push and create. */
  action: z.string().nullable(),
  repo: RepoName,
  actor: z.string().nullable(),
  /** PR, issue or release title; null for commits. */
  title: z.string().nullable(),
  /** Commit message, comment or review body. */
  message: z.string().nullable(),
  url: HttpUrl.nullable(),
  number: z.number().int().positive().nullable(),
  sha: z.string().nullable(),
  branch: z.string().nullable(),
  files: z.array(z.string()).nullable(),
  occurred_at: IsoDateTime,
});
export type GitHubEvent = z.infer<typeof GitHubEvent>;

/** Input form for tools (npm run match): missing fields default to null, extra fields are ignored. */
export const GitHubEventInput = z
  .object({
    id: z.string().min(1),
    type: GitHubEventType,
    action: z.string().nullish(),
    repo: RepoName,
    actor: z.string().nullish(),
    title: z.string().nullish(),
    message: z.string().nullish(),
    url: HttpUrl.nullish(),
    number: z.number().int().positive().nullish(),
    sha: z.string().nullish(),
    branch: z.string().nullish(),
    files: z.array(z.string()).nullish(),
    occurred_at: IsoDateTime,
  })
  .transform(
    (e): GitHubEvent => ({
      id: e.id,
      type: e.type,
      action: e.action ?? null,
      repo: e.repo,
      actor: e.actor ?? null,
      title: e.title ?? null,
      message: e.message ?? null,
      url: e.url ?? null,
      number: e.number ?? null,
      sha: e.sha ?? null,
      branch: e.branch ?? null,
      files: e.files ?? null,
      occurred_at: new Date(e.occurred_at).toISOString(),
    }),
  );

// GitHub's owner/name is case-insensitive: a webhook's full_name ("StreamDev/Clip-Recap") and a configured repo
// ("streamdev/clip-recap") name one repository, so ids use it lowercased and both paths write one row.
const key = (repo: string) => repo.toLowerCase();

export const eventIds = {
  commit: (repo: string, sha: string) => `commit:${key(repo)}:${sha}`,
  /** opened / merged / closed are the transitions backfill can see too; other actions are keyed by time. */
  pullRequest: (repo: string, number: number, action: string, at?: string) =>
    ['opened', 'merged', 'closed'].includes(action) ? `pr:${key(repo)}:${number}:${action}` : `pr:${key(repo)}:${number}:${action}:${at}`,
  issue: (repo: string, number: number, action: string, at?: string) =>
    ['opened', 'closed'].includes(action) ? `issue:${key(repo)}:${number}:${action}` : `issue:${key(repo)}:${number}:${action}:${at}`,
  comment: (repo: string, id: number, action: string) => `comment:${key(repo)}:${id}:${action}`,
  review: (repo: string, id: number, action: string) => `review:${key(repo)}:${id}:${action}`,
  release: (repo: string, id: number, action: string) => `release:${key(repo)}:${id}:${action}`,
  create: (repo: string, refType: string, ref: string) => `create:${key(repo)}:${refType}:${ref}`,
};
