// Webhook payloads → GitHubEvents. Real payloads differ from the documentation (missing fields, nulls, tag pushes
// without commits), so each shape is read with a loose zod schema of only the fields we use.
import { z } from 'zod';
import { eventIds, GitHubEvent } from '../schemas/github-event.ts';
import type { GitHubEventType } from '../schemas/recap.ts';

export const ACCEPTED_WEBHOOK_EVENTS: readonly GitHubEventType[] = [
  'push',
  'pull_request',
  'issues',
  'issue_comment',
  'pull_request_review',
  'release',
  'create',
];

const User = z.object({ login: z.string() }).loose().nullish();
const Repository = z.object({ full_name: z.string() }).loose();
const time = z.string().nullish();

const Push = z
  .object({
    ref: z.string(),
    repository: Repository,
    sender: User,
    pusher: z.object({ name: z.string().nullish() }).loose().nullish(),
    commits: z
      .array(
        z
          .object({
            id: z.string(),
            message: z.string(),
            timestamp: z.string(),
            url: z.string(),
            author: z.object({ username: z.string().nullish(), name: z.string().nullish() }).loose().nullish(),
            added: z.array(z.string()).nullish(),
            removed: z.array(z.string()).nullish(),
            modified: z.array(z.string()).nullish(),
          })
          .loose(),
      )
      .default([]),
  })
  .loose();

const PullRequest = z
  .object({
    action: z.string(),
    repository: Repository,
    sender: User,
    pull_request: z
      .object({
        number: z.number(),
        title: z.string(),
        body: z.string().nullish(),
        html_url: z.string(),
        user: User,
        head: z.object({ ref: z.string() }).loose().nullish(),
        merged: z.boolean().nullish(),
        merged_at: time,
        created_at: z.string(),
        updated_at: time,
        closed_at: time,
      })
      .loose(),
  })
  .loose();

const Issues = z
  .object({
    action: z.string(),
    repository: Repository,
    sender: User,
    issue: z
      .object({ number: z.number(), title: z.string(), html_url: z.string(), user: User, created_at: z.string(), updated_at: time, closed_at: time })
      .loose(),
  })
  .loose();

/**
 * The pull request and issue actions that are a moment of work. Bookkeeping (labeled, assigned, review_requested,
 * milestoned, pinned, locked, edited, …) carries the PR's title, so it would match as strongly as the real
 * transitions and crowd the recap's cards; synchronize is the push, which arrives as its own event.
 */
const PULL_REQUEST_WORK = new Set(['opened', 'reopened', 'closed', 'ready_for_review']);
const ISSUE_WORK = new Set(['opened', 'reopened', 'closed']);

const IssueComment = z
  .object({
    action: z.string(),
    repository: Repository,
    sender: User,
    issue: z.object({ number: z.number(), title: z.string(), pull_request: z.unknown().optional() }).loose(),
    comment: z.object({ id: z.number(), body: z.string().nullish(), html_url: z.string(), user: User, created_at: z.string(), updated_at: time }).loose(),
  })
  .loose();

const Review = z
  .object({
    action: z.string(),
    repository: Repository,
    sender: User,
    pull_request: z.object({ number: z.number(), title: z.string(), head: z.object({ ref: z.string() }).loose().nullish() }).loose(),
    review: z.object({ id: z.number(), body: z.string().nullish(), html_url: z.string(), user: User, submitted_at: time, state: z.string().nullish() }).loose(),
  })
  .loose();

const Release = z
  .object({
    action: z.string(),
    repository: Repository,
    sender: User,
    release: z
      .object({ id: z.number(), name: z.string().nullish(), tag_name: z.string(), body: z.string().nullish(), html_url: z.string(), author: User, created_at: time, published_at: time })
      .loose(),
  })
  .loose();

const Create = z.object({ ref: z.string(), ref_type: z.string(), repository: Repository, sender: User }).loose();

const iso = (value: string | null | undefined, fallback: string) => {
  const ms = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? fallback : new Date(ms).toISOString();
};
const httpUrl = (value: string | null | undefined) => (value && /^https?:\/\//.test(value) ? value : null);
const branchOf = (ref: string) => (ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null);
const firstLine = (text: string | null | undefined) => (text ? text.split('\n', 1)[0]!.trim() : null);

/**
 * The events a webhook delivery describes. `null` for event types we do not store; an empty list for accepted
 * types that describe nothing to match (a tag push without commits). Throws a ZodError for a malformed payload.
 */
export function normalizeWebhook(eventName: string, payload: unknown, receivedAt: string): GitHubEvent[] | null {
  const events = normalize(eventName, payload, receivedAt);
  return events === null ? null : events.map((event) => GitHubEvent.parse(event));
}

function normalize(eventName: string, payload: unknown, receivedAt: string): GitHubEvent[] | null {
  switch (eventName) {
    case 'push': {
      const p = Push.parse(payload);
      const repo = p.repository.full_name;
      return p.commits.map((commit) => ({
        id: eventIds.commit(repo, commit.id),
        type: 'push',
        action: null,
        repo,
        actor: commit.author?.username ?? commit.author?.name ?? p.sender?.login ?? null,
        title: firstLine(commit.message),
        message: commit.message,
        url: httpUrl(commit.url),
        number: null,
        sha: commit.id,
        branch: branchOf(p.ref),
        files: [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])],
        occurred_at: iso(commit.timestamp, receivedAt),
      }));
    }
    case 'pull_request': {
      const p = PullRequest.parse(payload);
      if (!PULL_REQUEST_WORK.has(p.action)) return [];
      const pr = p.pull_request;
      const action = p.action === 'closed' && (pr.merged || pr.merged_at) ? 'merged' : p.action;
      const at =
        action === 'opened' ? pr.created_at : action === 'merged' ? (pr.merged_at ?? pr.closed_at) : action === 'closed' ? pr.closed_at : pr.updated_at;
      const occurredAt = iso(at, receivedAt);
      return [
        {
          id: eventIds.pullRequest(p.repository.full_name, pr.number, action, occurredAt),
          type: 'pull_request',
          action,
          repo: p.repository.full_name,
          actor: (action === 'opened' ? pr.user?.login : p.sender?.login) ?? pr.user?.login ?? null,
          title: pr.title,
          message: pr.body ?? null,
          url: httpUrl(pr.html_url),
          number: pr.number,
          sha: null,
          branch: pr.head?.ref ?? null,
          files: null,
          occurred_at: occurredAt,
        },
      ];
    }
    case 'issues': {
      const p = Issues.parse(payload);
      if (!ISSUE_WORK.has(p.action)) return [];
      const issue = p.issue;
      const at = p.action === 'opened' ? issue.created_at : p.action === 'closed' ? issue.closed_at : issue.updated_at;
      const occurredAt = iso(at, receivedAt);
      return [
        {
          id: eventIds.issue(p.repository.full_name, issue.number, p.action, occurredAt),
          type: 'issues',
          action: p.action,
          repo: p.repository.full_name,
          actor: p.sender?.login ?? issue.user?.login ?? null,
          title: issue.title,
          message: null,
          url: httpUrl(issue.html_url),
          number: issue.number,
          sha: null,
          branch: null,
          files: null,
          occurred_at: occurredAt,
        },
      ];
    }
    case 'issue_comment': {
      const p = IssueComment.parse(payload);
      return [
        {
          id: eventIds.comment(p.repository.full_name, p.comment.id, p.action),
          type: p.issue.pull_request ? 'pull_request_comment' : 'issue_comment',
          action: p.action,
          repo: p.repository.full_name,
          actor: p.comment.user?.login ?? p.sender?.login ?? null,
          title: p.issue.title,
          message: p.comment.body ?? null,
          url: httpUrl(p.comment.html_url),
          number: p.issue.number,
          sha: null,
          branch: null,
          files: null,
          occurred_at: iso(p.action === 'created' ? p.comment.created_at : p.comment.updated_at, receivedAt),
        },
      ];
    }
    case 'pull_request_review': {
      const p = Review.parse(payload);
      return [
        {
          id: eventIds.review(p.repository.full_name, p.review.id, p.action),
          type: 'pull_request_review',
          action: p.action,
          repo: p.repository.full_name,
          actor: p.review.user?.login ?? p.sender?.login ?? null,
          title: p.pull_request.title,
          message: p.review.body ?? null,
          url: httpUrl(p.review.html_url),
          number: p.pull_request.number,
          sha: null,
          branch: p.pull_request.head?.ref ?? null,
          files: null,
          occurred_at: iso(p.review.submitted_at, receivedAt),
        },
      ];
    }
    case 'release': {
      const p = Release.parse(payload);
      const r = p.release;
      // One publication is sent as created, published and released (prereleased for a pre-release), and edits
      // and deletions come later with the old dates: the moment of work is the publication, stored once.
      if (p.action !== 'published') return [];
      return [
        {
          id: eventIds.release(p.repository.full_name, r.id, p.action),
          type: 'release',
          action: p.action,
          repo: p.repository.full_name,
          actor: r.author?.login ?? p.sender?.login ?? null,
          title: r.name || r.tag_name,
          message: r.body ?? null,
          url: httpUrl(r.html_url),
          number: null,
          sha: null,
          branch: null,
          files: null,
          occurred_at: iso(r.published_at ?? r.created_at, receivedAt),
        },
      ];
    }
    case 'create': {
      const p = Create.parse(payload);
      // The payload has no timestamp: the delivery time is the best we know.
      return [
        {
          id: eventIds.create(p.repository.full_name, p.ref_type, p.ref),
          type: 'create',
          action: null,
          repo: p.repository.full_name,
          actor: p.sender?.login ?? null,
          title: `${p.ref_type} ${p.ref}`,
          message: null,
          url: null,
          number: null,
          sha: null,
          branch: p.ref_type === 'branch' ? p.ref : null,
          files: null,
          occurred_at: receivedAt,
        },
      ];
    }
    default:
      return null;
  }
}
