// The bundled sample dataset: one week of a developer's streams (12 clips, transcripts) and the GitHub work around
// them across two repositories, with decoys (another org's repo, bot bursts, unrelated commits, a gaming break).
// `related` on each clip is the ground truth a viewer would give; it drives the matching accuracy benchmark and
// the offline demo. Edit the scenarios here; everything else is derived.
import type { GitHubEvent } from '../content-pipeline/schemas/github-event.ts';
import { at, commit, issue, pullRequest, type SampleClip } from './build.ts';

export const BROADCASTER = { id: '4242', login: 'streamdev', display_name: 'StreamDev' };
export const REPOS = ['streamdev/clip-recap', 'streamdev/payments-api'] as const;
export const WEEK = { start: '2026-01-05T00:00:00.000Z', end: '2026-01-12T00:00:00.000Z' };

const RECAP = 'streamdev/clip-recap';
const PAY = 'streamdev/payments-api';
const ACME = 'acme/website';

const e = {
  // Monday
  cursorFix: commit(RECAP, at('2026-01-05', '14:38'), 'Fix off-by-one in cursor pagination\n\nThe next cursor pointed at the last row of the page.', { files: ['worker/storage/jobs.ts', 'tests/worker/jobs.test.ts'] }),
  cursorPr: pullRequest(RECAP, 12, 'merged', at('2026-01-05', '14:52'), 'Cursor pagination for the jobs listing', { branch: 'feat/jobs-cursor' }),
  vitestBump: commit(RECAP, at('2026-01-05', '14:35'), 'Bump vitest to 5.1'),
  botMonday: commit(RECAP, at('2026-01-05', '14:41'), 'chore(deps): update dependency wrangler to v4.164.0', { actor: 'renovate[bot]' }),
  goldenVector: commit(RECAP, at('2026-01-05', '16:02'), 'Add HMAC golden vector test', { files: ['tests/unit/signing.test.ts'] }),
  morningIssue: issue(RECAP, 11, 'opened', at('2026-01-05', '10:00'), 'Jobs listing skips rows between pages'),
  lateMonday: commit(RECAP, at('2026-01-05', '21:30'), 'Document the signing scheme in docs/api.md'),
  // Tuesday
  stripeVerify: commit(PAY, at('2026-01-06', '15:01'), 'Verify Stripe webhook signatures on the raw body', { files: ['app/Http/Controllers/StripeWebhookController.php', 'tests/Feature/StripeWebhookTest.php'] }),
  stripeIssue: issue(PAY, 34, 'closed', at('2026-01-06', '15:10'), 'Webhook signature check fails because the body was re-encoded'),
  acmeFooter: commit(ACME, at('2026-01-06', '15:04'), 'Update footer links', { actor: 'acme-dev' }),
  refundMigration: commit(PAY, at('2026-01-06', '17:15'), 'Add refunds table migration', { files: ['database/migrations/2026_01_06_create_refunds_table.php'] }),
  refundPr: pullRequest(PAY, 35, 'opened', at('2026-01-06', '17:30'), 'Refund flow for card payments', { branch: 'feat/refunds' }),
  lateTuesday: commit(PAY, at('2026-01-06', '22:10'), 'Tidy up config/services.php'),
  // Wednesday
  d1Migration: commit(RECAP, at('2026-01-07', '14:12'), 'D1 migration for the content items index', { files: ['migrations/0003_content_items.sql'] }),
  ...Object.fromEntries(
    Array.from({ length: 6 }, (_, i) => [
      `botBurst${i}`,
      commit(RECAP, at('2026-01-07', `14:1${3 + (i % 4)}`), `chore(deps): update dependency ${['zod', 'hono', 'astro', 'ulid', 'remark', 'octokit'][i]} to latest`, { actor: 'renovate[bot]' }),
    ]),
  ),
  indexPr: pullRequest(RECAP, 15, 'opened', at('2026-01-07', '14:30'), 'Content items index on D1', { branch: 'feat/d1-index' }),
  readmeTypo: commit(PAY, at('2026-01-07', '16:40'), 'Fix typo in README'),
  // Thursday
  refundEnum: commit(PAY, at('2026-01-08', '09:00'), 'Refund states enum'),
  issueComment: {
    id: `comment:${RECAP}:9101:created`,
    type: 'issue_comment',
    action: 'created',
    repo: RECAP,
    actor: 'streamdev',
    title: 'Clip embeds are broken on preview deploys',
    message: 'The embed parent is frozen to the build host; it has to come from location.hostname at click time.',
    url: `https://github.com/${RECAP}/issues/17#issuecomment-9101`,
    number: 17,
    sha: null,
    branch: null,
    files: null,
    occurred_at: at('2026-01-08', '14:20'),
  } satisfies GitHubEvent,
  embedParent: commit(RECAP, at('2026-01-08', '14:26'), 'Compute the embed parent at click time', { branch: 'feat/clip-facade', files: ['site/components/ClipFacade.astro'] }),
  facadePr: pullRequest(RECAP, 18, 'opened', at('2026-01-08', '14:50'), 'Clip facade with click-to-load embeds', { branch: 'feat/clip-facade' }),
  queueBackoff: commit(RECAP, at('2026-01-08', '16:55'), 'Retry with exponential backoff in the queue consumer', { files: ['worker/queue/consumer.ts'] }),
  deadLetters: commit(RECAP, at('2026-01-08', '17:08'), 'Dead-letter handling for failed stages', { files: ['worker/pipeline/dead-letters.ts'] }),
  acmeQueue: commit(ACME, at('2026-01-08', '17:02'), 'New copy for the support queue page', { actor: 'acme-dev' }),
  // Friday
  payoutValidation: commit(PAY, at('2026-01-09', '15:18'), 'Server-side validation for the payout form', { files: ['resources/js/Pages/Payouts/Create.vue', 'app/Http/Requests/PayoutRequest.php'] }),
  payoutPr: pullRequest(PAY, 36, 'merged', at('2026-01-09', '15:40'), 'Payout form validation with Inertia errors', { branch: 'feat/payout-validation' }),
  acmeContactForm: commit(ACME, at('2026-01-09', '15:25'), 'Form validation messages on the contact page', { actor: 'acme-dev' }),
  releaseNotes: commit(RECAP, at('2026-01-09', '17:42'), 'Draft release notes'),
  nonceRace: commit(RECAP, at('2026-01-09', '17:50'), 'Make the nonce race test deterministic', { files: ['tests/worker/hmac-auth.test.ts'] }),
  lateFriday: commit(PAY, at('2026-01-09', '23:05'), 'Log payout failures with context'),
  // Saturday
  tagCreate: {
    id: `create:${RECAP}:tag:v0.2.0`,
    type: 'create',
    action: null,
    repo: RECAP,
    actor: 'streamdev',
    title: 'tag v0.2.0',
    message: null,
    url: null,
    number: null,
    sha: null,
    branch: null,
    files: null,
    occurred_at: at('2026-01-10', '14:04'),
  } satisfies GitHubEvent,
  release: {
    id: `release:${RECAP}:555:published`,
    type: 'release',
    action: 'published',
    repo: RECAP,
    actor: 'streamdev',
    title: 'v0.2.0: signed API and clip ingest',
    message: 'Signed API, clip ingest, transcripts.',
    url: `https://github.com/${RECAP}/releases/tag/v0.2.0`,
    number: null,
    sha: null,
    branch: null,
    files: null,
    occurred_at: at('2026-01-10', '14:05'),
  } satisfies GitHubEvent,
  payFeeRounding: commit(PAY, at('2026-01-10', '18:30'), 'Round fees half-up'),
  // Sunday
  whisper: commit(RECAP, at('2026-01-11', '14:55'), 'Transcribe clips with Whisper on Workers AI', { files: ['worker/adapters/workers-ai-transcriber.ts'] }),
  whisperIssue: issue(RECAP, 21, 'opened', at('2026-01-11', '15:20'), 'Whisper language detection returns names, not codes'),
  refundReview: {
    id: `review:${PAY}:7001:submitted`,
    type: 'pull_request_review',
    action: 'submitted',
    repo: PAY,
    actor: 'reviewer-rae',
    title: 'Refund flow for card payments',
    message: 'Looks good, one nit on the refund state names.',
    url: `https://github.com/${PAY}/pull/35#pullrequestreview-7001`,
    number: 35,
    sha: null,
    branch: 'feat/refunds',
    files: null,
    occurred_at: at('2026-01-11', '15:05'),
  } satisfies GitHubEvent,
  sundayDocs: commit(PAY, at('2026-01-11', '19:00'), 'Document refund states'),
} satisfies Record<string, GitHubEvent>;

export const GITHUB_EVENTS: GitHubEvent[] = Object.values(e);

export const CLIPS: SampleClip[] = [
  {
    id: 'CursorPaginationFinallyFixed',
    title: 'Finally fixed the cursor pagination bug',
    created_at: at('2026-01-05', '14:40'),
    duration: 42,
    view_count: 184,
    creator_name: 'chat_regular',
    transcript: [
      'Okay so the cursor pagination was skipping a row on every page.',
      'The next cursor pointed at the last row instead of after it, classic off by one.',
      'Tests are green, let me merge PR 12 and we are done with the jobs listing.',
    ],
    related: [e.cursorFix.id, e.cursorPr.id],
  },
  {
    id: 'ChatRoastsMyNaming',
    title: 'chat roasts my variable names',
    created_at: at('2026-01-05', '16:10'),
    duration: 25,
    view_count: 96,
    creator_name: 'lurker42',
    transcript: ['Okay okay, x2 is not a great name, I admit it.', 'You are all very mean today and I love it.'],
    related: [],
  },
  {
    id: 'StripeSignaturesLive',
    title: 'Stripe webhook signature verification is live',
    created_at: at('2026-01-06', '15:06'),
    duration: 55,
    view_count: 231,
    creator_name: 'payments_nerd',
    transcript: [
      'The Stripe webhook signature kept failing because Laravel re-encoded the body.',
      'Now we verify the signature on the raw body in the webhook controller.',
      'That closes the signature issue, thirty four.',
    ],
    related: [e.stripeVerify.id, e.stripeIssue.id],
  },
  {
    id: 'RefundFlowSketch',
    title: '<script>alert("xss")</script> refunds lol',
    created_at: at('2026-01-06', '17:20'),
    duration: 38,
    view_count: 57,
    creator_name: 'totally_not_a_hacker',
    transcript: ['Refunds need their own table, so here is the refunds migration.', 'Next up the refund flow itself, I will open a pull request for it.'],
    related: [e.refundMigration.id, e.refundPr.id],
  },
  {
    id: 'SpeedrunningD1Migration',
    title: 'Speedrunning the D1 migration',
    created_at: at('2026-01-07', '14:15'),
    duration: 60,
    view_count: 142,
    creator_name: 'sql_enjoyer',
    transcript: [
      'New migration for the content items index on D1.',
      'Every list query needs an index, otherwise D1 scans the whole table.',
      'Ignore the renovate spam, it updates dependencies every Wednesday.',
    ],
    related: [e.d1Migration.id, e.indexPr.id],
  },
  {
    id: 'GamingBreakBossFight',
    title: 'gaming break: we beat the boss first try',
    created_at: at('2026-01-07', '16:45'),
    duration: 30,
    view_count: 312,
    creator_name: 'gg_wp',
    transcript: ['No way, first try! The boss went down with one hit point left.', 'Okay back to the code in five minutes.'],
    related: [],
  },
  {
    id: 'EmbedParentParam',
    title: 'Twitch clip embeds need the parent param',
    created_at: at('2026-01-08', '14:30'),
    duration: 48,
    view_count: 205,
    creator_name: 'frontend_fan',
    transcript: [
      'Twitch embeds need the parent parameter to equal the host, so preview deploys broke.',
      'We compute the parent at click time from location hostname in the clip facade.',
      'I will open the facade pull request after lunch.',
    ],
    related: [e.issueComment.id, e.embedParent.id, e.facadePr.id],
  },
  {
    id: 'QueueConsumerRefactor',
    title: 'Refactoring the queue consumer',
    created_at: at('2026-01-08', '17:00'),
    duration: 50,
    view_count: 120,
    creator_name: 'backend_betty',
    transcript: [
      'Failed stages now retry with exponential backoff in the queue consumer.',
      'After the last retry the message goes to the dead letter queue and the item is marked failed.',
    ],
    related: [e.queueBackoff.id, e.deadLetters.id],
  },
  {
    id: 'InertiaPayoutValidation',
    title: 'Laravel + Inertia form validation for payouts',
    created_at: at('2026-01-09', '15:20'),
    duration: 44,
    view_count: 166,
    creator_name: 'vue_laravel_dev',
    transcript: [
      'The payout form now gets server-side validation from a form request.',
      'Inertia passes the validation errors straight back into the Vue page.',
    ],
    related: [e.payoutValidation.id, e.payoutPr.id],
  },
  {
    id: 'FlakyNonceRaceTest',
    title: 'Why is my test flaky?!',
    created_at: at('2026-01-09', '17:46'),
    duration: 35,
    view_count: 88,
    creator_name: 'qa_queen',
    transcript: [
      'The nonce race test sends twenty concurrent requests and sometimes two get through.',
      'Found it, the test reused a timestamp. Making it deterministic now.',
    ],
    related: [e.nonceRace.id],
  },
  {
    id: 'ReleaseV020',
    title: 'Release v0.2.0 🎉',
    created_at: at('2026-01-10', '14:08'),
    duration: 20,
    view_count: 402,
    creator_name: 'hype_train',
    transcript: ['And v0.2.0 is out! Signed API, clip ingest and transcripts.', 'Thanks chat for testing the release.'],
    related: [e.tagCreate.id, e.release.id],
  },
  {
    id: 'WhisperOnWorkersAI',
    title: 'Whisper transcription on Workers AI',
    created_at: at('2026-01-11', '15:00'),
    duration: 52,
    view_count: 133,
    creator_name: 'ai_curious',
    transcript: [
      'Transcripts now come from Whisper running on Workers AI.',
      'Language detection gives us names like english instead of codes, I will file an issue for that.',
    ],
    related: [e.whisper.id, e.whisperIssue.id],
    media_missing: true,
  },
];
