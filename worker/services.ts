// The one wiring point: turns the validated environment into the adapters routes, consumers and crons use.
// Nothing else reads `env` directly.
import {
  ClipMediaLocator,
  createGitHubClient,
  DEFAULT_MATCH_OPTIONS,
  defaultHttpDeps,
  FixtureAudioSource,
  FixtureTranscriber,
  HelixClient,
  HttpAudioSource,
  memoryTokenCache,
  OpenAiCompatibleTranscriber,
  WorkersAiJudge,
  DiscordNotifier,
  DryRunPublisher,
  GitHubPublisher,
  type Publisher,
  silentNotifier,
  type Notifier,
  type TextModelRunner,
  type ApiKey,
  type AudioSource,
  type HttpDeps,
  type DecisionThresholds,
  type GitHubAuth,
  type Judge,
  type MatchOptions,
  type MediaLocator,
  type Transcriber,
} from '../content-pipeline/index.ts';
import type { Octokit } from 'octokit';
import { MediaBindingAudioSource } from './adapters/media-binding-audio.ts';
import { WorkersAiTranscriber } from './adapters/workers-ai-transcriber.ts';
import type { AppEnv } from './env.ts';
import { BudgetStore } from './storage/budgets.ts';
import { coalesceBatches } from './storage/coalesced-batches.ts';
import { ContentItemStore } from './storage/content-items.ts';
import { GitHubEventStore } from './storage/github-events.ts';
import { log } from './log.ts';
import { IdempotencyStore } from './storage/idempotency.ts';
import { JobStore } from './storage/jobs.ts';
import { NonceStore } from './storage/nonces.ts';

export type Clock = () => number;

export interface PipelineConfig {
  publicBaseUrl: string;
  mediaMaxBytes: number;
  aiDailyAudioSeconds: number;
  mediaDailyEgressBytes: number;
  broadcasters: string[];
  githubRepos: string[];
  matchOptions: MatchOptions;
  decisionThresholds: DecisionThresholds;
  /** Judge needs_review items into recaps too. */
  includeNeedsReview: boolean;
  /** Longest date range one generate request may cover, ms. */
  generateMaxRangeMs: number;
  discordCleanupThreshold: number;
  pagesProject: string;
  recapLabels: string[];
  recapReviewers: string[];
  recapPublishDelaySeconds: number;
}

export interface Services {
  clock: Clock;
  environment: AppEnv['ENVIRONMENT'];
  apiKeys: readonly ApiKey[];
  maxSkewMs: number;
  jobTtlMs: number;
  config: PipelineConfig;
  db: D1Database;
  bucket: R2Bucket;
  jobsQueue: Queue;
  nonces: NonceStore;
  idempotency: IdempotencyStore;
  jobs: JobStore;
  contentItems: ContentItemStore;
  budgets: BudgetStore;
  http: HttpDeps;
  /** Null when TWITCH_CLIENT_ID / TWITCH_CLIENT_SECRET are not set. */
  helix: HelixClient | null;
  mediaLocator: MediaLocator;
  audioSource: AudioSource;
  transcriber: Transcriber;
  githubEvents: GitHubEventStore;
  /** Where recaps go: a pull request on BLOG_REPO when configured, else the dry run. */
  publisher: () => Promise<Publisher>;
  dryRunPublisher: Publisher;
  /** Sends a Discord message; never throws (failures are logged). */
  notify: (message: string) => Promise<void>;
  /** Workers AI text generation when the AI binding is present (production), for recap prose. */
  aiText: TextModelRunner | null;
  /** The Workers AI judge when the AI binding is present (production), else null: the heuristic judge scores. */
  aiJudge: Judge | null;
  /** Null when GITHUB_WEBHOOK_SECRET is not set. */
  githubWebhookSecret: string | null;
  /** Makes an authenticated octokit; null when neither GITHUB_TOKEN nor a GitHub App is configured. */
  github: (() => Promise<Octokit>) | null;
}

const HOUR_MS = 3_600_000;

// One app token per isolate: Twitch tokens last ~60 days, so refetching per request would only add latency.
const twitchTokens = memoryTokenCache();

function pickAudioSource(env: AppEnv, http: HttpDeps): AudioSource {
  const choice = env.AUDIO_SOURCE === 'auto' ? (env.MEDIA ? 'media-binding' : env.AUDIO_API_URL ? 'http' : 'fixture') : env.AUDIO_SOURCE;
  if (choice === 'media-binding') return new MediaBindingAudioSource(env.MEDIA!);
  if (choice === 'http') return new HttpAudioSource(env.AUDIO_API_URL!, http);
  return new FixtureAudioSource();
}

function githubAuth(env: AppEnv): GitHubAuth | null {
  if (env.GITHUB_APP_ID && env.GITHUB_APP_PRIVATE_KEY && env.GITHUB_APP_INSTALLATION_ID) {
    return { kind: 'app', appId: env.GITHUB_APP_ID, privateKey: env.GITHUB_APP_PRIVATE_KEY, installationId: env.GITHUB_APP_INSTALLATION_ID };
  }
  return env.GITHUB_TOKEN ? { kind: 'token', token: env.GITHUB_TOKEN } : null;
}

function safeNotify(notifier: Notifier): (message: string) => Promise<void> {
  return async (message) => {
    try {
      await notifier.notify(message);
    } catch (error) {
      log('warn', 'notification_failed', { error_message: error instanceof Error ? error.message : String(error) });
    }
  };
}

// A GitHub App's installation tokens (an hour long) per isolate, so each job's client does not sign a JWT and ask
// for a new one. Only the token strings are kept: a client (its throttling timers, its in-flight requests) must not
// be shared between requests in workerd.
const githubTokens = new Map<string, { token: string; expiresAtMs: number }>();

function githubClientFactory(env: AppEnv): (() => Promise<Octokit>) | null {
  const auth = githubAuth(env);
  if (!auth) return null;
  return () => createGitHubClient(auth, { baseUrl: env.GITHUB_API_URL, log: (event, fields) => log('warn', event, fields), tokenCache: githubTokens });
}

/** A pull request on BLOG_REPO when it and GitHub auth are configured; otherwise every publish is a dry run. */
function publisherFactory(env: AppEnv): () => Promise<Publisher> {
  const github = githubClientFactory(env);
  if (!env.BLOG_REPO || !github) return async () => new DryRunPublisher();
  const repo = env.BLOG_REPO;
  return async () =>
    new GitHubPublisher(await github(), { repo, baseBranch: env.BLOG_BASE_BRANCH, labels: env.RECAP_LABELS, reviewers: env.RECAP_REVIEWERS });
}

function pickTranscriber(env: AppEnv, http: HttpDeps): Transcriber {
  const choice = env.TRANSCRIBER === 'auto' ? (env.TRANSCRIBE_API_URL ? 'http' : env.AI ? 'workers-ai' : 'fixture') : env.TRANSCRIBER;
  if (choice === 'workers-ai') return new WorkersAiTranscriber(env.AI!);
  if (choice === 'http') {
    return new OpenAiCompatibleTranscriber(
      { baseUrl: env.TRANSCRIBE_API_URL!, ...(env.TRANSCRIBE_API_KEY && { apiKey: env.TRANSCRIBE_API_KEY }), ...(env.TRANSCRIBE_MODEL && { model: env.TRANSCRIBE_MODEL }) },
      http,
    );
  }
  return new FixtureTranscriber();
}

export interface ServiceOptions {
  /**
   * Merge the D1 batches sent side by side into one round trip (storage/coalesced-batches.ts): for the queue
   * consumer, which runs a batch's read-only jobs side by side and whose handlers are all idempotent.
   */
  coalesceD1Batches?: boolean;
}

export function createServices(env: AppEnv, clock: Clock = () => Date.now(), options: ServiceOptions = {}): Services {
  const http: HttpDeps = { ...defaultHttpDeps(), now: clock };
  const db = options.coalesceD1Batches ? coalesceBatches(env.DB) : env.DB;
  return {
    clock,
    environment: env.ENVIRONMENT,
    apiKeys: env.HMAC_KEYS,
    maxSkewMs: env.HMAC_MAX_SKEW_SECONDS * 1000,
    jobTtlMs: env.JOB_TTL_HOURS * HOUR_MS,
    config: {
      publicBaseUrl: env.PUBLIC_BASE_URL,
      mediaMaxBytes: env.MEDIA_MAX_BYTES,
      aiDailyAudioSeconds: env.AI_DAILY_AUDIO_SECONDS,
      mediaDailyEgressBytes: env.MEDIA_DAILY_EGRESS_BYTES,
      broadcasters: env.TWITCH_BROADCASTERS,
      githubRepos: env.GITHUB_REPOS,
      decisionThresholds: { approve: env.SCORE_APPROVE_THRESHOLD, review: env.SCORE_REVIEW_THRESHOLD },
      includeNeedsReview: env.RECAP_INCLUDE_NEEDS_REVIEW,
      generateMaxRangeMs: env.GENERATE_MAX_RANGE_DAYS * 86_400_000,
      discordCleanupThreshold: env.DISCORD_CLEANUP_THRESHOLD,
      pagesProject: env.PAGES_PROJECT,
      recapLabels: env.RECAP_LABELS,
      recapReviewers: env.RECAP_REVIEWERS,
      recapPublishDelaySeconds: env.RECAP_PUBLISH_DELAY_MINUTES * 60,
      matchOptions: {
        ...DEFAULT_MATCH_OPTIONS,
        windowBeforeMinutes: env.MATCH_WINDOW_BEFORE_MINUTES,
        windowAfterMinutes: env.MATCH_WINDOW_AFTER_MINUTES,
        threshold: env.MATCH_THRESHOLD,
        ...(env.GITHUB_REPOS.length > 0 && { repos: env.GITHUB_REPOS }),
      },
    },
    db,
    bucket: env.BUCKET,
    jobsQueue: env.JOBS_QUEUE,
    nonces: new NonceStore(db),
    idempotency: new IdempotencyStore(db, env.IDEMPOTENCY_TTL_HOURS * HOUR_MS),
    jobs: new JobStore(db, env.BUCKET),
    contentItems: new ContentItemStore(db, env.BUCKET),
    budgets: new BudgetStore(db),
    http,
    helix:
      env.TWITCH_CLIENT_ID && env.TWITCH_CLIENT_SECRET
        ? new HelixClient(
            { apiBase: env.TWITCH_API_BASE, authBase: env.TWITCH_AUTH_BASE, clientId: env.TWITCH_CLIENT_ID, clientSecret: env.TWITCH_CLIENT_SECRET },
            twitchTokens,
            http,
          )
        : null,
    mediaLocator: new ClipMediaLocator(
      {
        apiBase: env.TWITCH_API_BASE,
        ...(env.TWITCH_CLIENT_ID && { clientId: env.TWITCH_CLIENT_ID }),
        ...(env.TWITCH_USER_TOKEN && { userToken: env.TWITCH_USER_TOKEN }),
        ...(env.TWITCH_EDITOR_ID && { editorId: env.TWITCH_EDITOR_ID }),
        ...(env.CLIP_MEDIA_URL_TEMPLATE && { urlTemplate: env.CLIP_MEDIA_URL_TEMPLATE }),
      },
      http,
    ),
    audioSource: pickAudioSource(env, http),
    transcriber: pickTranscriber(env, http),
    githubEvents: new GitHubEventStore(db),
    notify: safeNotify(env.DISCORD_WEBHOOK_URL ? new DiscordNotifier(env.DISCORD_WEBHOOK_URL, http) : silentNotifier),
    aiJudge: env.AI && env.JUDGE !== 'heuristic' ? new WorkersAiJudge(env.AI.run.bind(env.AI) as unknown as TextModelRunner) : null,
    aiText: env.AI ? (env.AI.run.bind(env.AI) as unknown as TextModelRunner) : null,
    githubWebhookSecret: env.GITHUB_WEBHOOK_SECRET ?? null,
    github: githubClientFactory(env),
    publisher: publisherFactory(env),
    dryRunPublisher: new DryRunPublisher(),
  };
}
