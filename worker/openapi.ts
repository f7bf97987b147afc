// The OpenAPI 3.1 description of the API, generated from the same zod schemas the routes validate with (never
// written by hand), served unsigned at GET /openapi.json. Request examples are validated by the tests.
import { z } from 'zod';
import pkg from '../package.json' with { type: 'json' };
import {
  ContentGenerationRequest,
  ContentGenerationResponse,
  ContentItem,
  JobStatusResponse,
  RecapPublishRequest,
  Transcript,
} from '../content-pipeline/index.ts';
import { ClipIngestRequest } from './jobs/clip-ingest.ts';
import { GitHubBackfillRequest } from './jobs/github-backfill.ts';
import { VerifiedRequest } from './routes/auth.ts';
import { CleanupResult, JobListQuery, JobStats } from './routes/jobs.ts';
import { ContentItemListQuery } from './storage/content-item-queries.ts';

const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), occurred_at: z.string(), details: z.unknown().optional() }),
  request_id: z.string(),
});
const JobAccepted = z.object({ job_id: z.string(), job_status: z.literal('queued'), status_url: z.url(), expires_at: z.string() });
const JobListing = z.object({
  jobs: z.array(JobStatusResponse),
  pagination: z.object({ next_cursor: z.string().optional(), prev_cursor: z.string().optional(), has_next: z.boolean(), has_prev: z.boolean() }),
  timestamp: z.string(),
});
const ItemListing = z.object({
  content_items: z.array(ContentItem),
  pagination: z.object({ limit: z.number().int(), has_next: z.boolean(), next_cursor: z.string().optional() }),
});

export const EXAMPLES = {
  generate: {
    date_range: { start: '2026-01-05T00:00:00Z', end: '2026-01-06T00:00:00Z' },
    content_type: 'daily_recap',
    limit: 20,
    sort_by: 'content_score',
    filters: { min_views: 10, categories: ['development'], min_confidence: 0.5 },
    repository: 'streamdev/clip-recap',
    mode: 'sync',
  },
  ingest: { broadcaster_login: 'streamdev', date_range: { start: '2026-01-05T00:00:00Z', end: '2026-01-06T00:00:00Z' } },
  backfill: { date_range: { start: '2026-01-05T00:00:00Z', end: '2026-01-06T00:00:00Z' }, repos: ['streamdev/clip-recap'] },
  publish: { content_type: 'daily_recap', date_range: { start: '2026-01-05T00:00:00Z', end: '2026-01-06T00:00:00Z' }, dry_run: true },
} as const;

const json = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};
const body = (schema: z.ZodType, example?: unknown) => ({
  required: true,
  content: { 'application/json': { schema: json(schema, 'input'), ...(example !== undefined && { example }) } },
});
const ok = (schema: z.ZodType, description = 'OK') => ({ description, content: { 'application/json': { schema: json(schema, 'output') } } });
const failure = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
/** What every signed route can answer besides its own statuses. */
const errors = {
  '400': failure('Invalid headers, query or body; `details.fields` names them'),
  '401': failure('Authentication failed (clock skew, key, signature or nonce)'),
};
/** What a signed route with a JSON body can answer too. */
const bodyErrors = {
  ...errors,
  '409': failure('Idempotency key reused with another request'),
  '413': failure('Body over the size limit'),
  '415': failure('Body is not application/json'),
};
/**
 * Query parameters from a zod object's input JSON Schema. An array is sent once, comma-separated
 * (`status=queued,failed`): a name given twice is refused, so that the signed query means one thing.
 */
function queryParameters(schema: z.ZodType) {
  const s = json(schema, 'input') as { properties: Record<string, { type?: string }>; required?: string[] };
  return Object.entries(s.properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: s.required?.includes(name) ?? false,
    ...(property.type === 'array' && { style: 'form', explode: false }),
    schema: property,
  }));
}
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const signed = [{ hmac: [] }];

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'clip-recap pipeline API',
      version: pkg.version,
      description: 'Twitch clips + GitHub context → scored content items → recap posts. Every /api/* route is HMAC-signed (docs/api.md).',
    },
    components: {
      securitySchemes: {
        hmac: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Signature',
          description:
            'HMAC-SHA256, hex, of `METHOD\\nPATH\\nQUERY\\nhex(sha256(body))\\nX-Timestamp\\nX-Nonce` (no trailing newline; QUERY sorted and RFC 3986-encoded). ' +
            'Also send X-Timestamp (RFC 3339, ±300 s), X-Nonce (1-128 of [A-Za-z0-9_-], single use), optionally X-Key-Id and X-Idempotency-Key. Keys rotate with a 24 h grace.',
        },
        githubSignature: { type: 'apiKey', in: 'header', name: 'X-Hub-Signature-256', description: "GitHub's webhook signature: sha256=<hex HMAC of the raw body> with GITHUB_WEBHOOK_SECRET." },
      },
      schemas: { Error: json(ErrorBody, 'output') },
    },
    paths: {
      '/health': { get: { summary: 'Version and binding health', security: [], responses: { '200': { description: 'All bindings answer' }, '503': { description: 'A binding does not answer' } } } },
      '/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } } },
      '/assets/{key}': {
        get: { summary: 'Public R2 objects (thumbnails/, transcripts/) with ETag and Range', security: [], parameters: [pathParam('key')], responses: { '200': { description: 'The object' }, '206': { description: 'A range' }, '304': { description: 'Not modified' }, '404': { description: 'Not public or absent' } } },
      },
      '/webhooks/github': {
        post: { summary: 'GitHub webhook receiver', security: [{ githubSignature: [] }], responses: { '200': { description: 'Stored, duplicate or ignored' }, '401': errors['401'], '503': { description: 'GITHUB_WEBHOOK_SECRET not set' } } },
      },
      '/api/auth/verify': {
        get: { summary: 'Check a signing client', security: signed, responses: { '200': ok(VerifiedRequest, 'What the server verified'), ...errors } },
        post: { summary: 'Check a signing client (with a body)', security: signed, responses: { '200': ok(VerifiedRequest, 'What the server verified'), ...bodyErrors } },
      },
      '/api/content/generate': {
        post: {
          summary: 'Content items worth a post for a date range, with pagination, GitHub summary and suggestions',
          security: signed,
          requestBody: body(ContentGenerationRequest, EXAMPLES.generate),
          responses: { '200': ok(ContentGenerationResponse, 'Sync: the page, with a completed job'), '202': ok(ContentGenerationResponse, 'Async: the job and counts'), ...bodyErrors },
        },
      },
      '/api/clips/ingest': {
        post: { summary: 'Start a clip ingest job', security: signed, requestBody: body(ClipIngestRequest, EXAMPLES.ingest), responses: { '202': ok(JobAccepted, 'Job queued'), '503': failure('Twitch not configured'), ...bodyErrors } },
      },
      '/api/github/backfill': {
        post: { summary: 'Start a GitHub backfill job', security: signed, requestBody: body(GitHubBackfillRequest, EXAMPLES.backfill), responses: { '202': ok(JobAccepted, 'Job queued'), '503': failure('GitHub not configured'), ...bodyErrors } },
      },
      '/api/recaps/publish': {
        post: {
          summary: 'Start a recap publish job (a pull request on BLOG_REPO, or a dry run); results name branch, commit, PR and files',
          security: signed,
          requestBody: body(RecapPublishRequest, EXAMPLES.publish),
          responses: { '202': ok(JobAccepted, 'Job queued'), ...bodyErrors },
        },
      },
      '/api/content-items': {
        get: { summary: 'Content items by date range, filters and sort, cursor-paginated', security: signed, parameters: queryParameters(ContentItemListQuery), responses: { '200': ok(ItemListing), ...errors } },
      },
      '/api/content-items/{id}': {
        get: {
          summary: 'One content item, optionally with its transcript',
          security: signed,
          parameters: [pathParam('id'), { name: 'include', in: 'query', required: false, schema: { enum: ['transcript'] } }],
          responses: { '200': ok(z.object({ content_item: ContentItem, transcript: Transcript.optional() })), '404': failure('Unknown id'), ...errors },
        },
      },
      '/api/content-items/{id}/retry': {
        post: { summary: 'Re-drive a failed item', security: signed, parameters: [pathParam('id')], responses: { '202': { description: 'Queued again' }, '404': failure('Unknown id'), '409': failure('Not failed'), ...errors } },
      },
      '/api/jobs': { get: { summary: 'Jobs, newest first, cursor-paginated', security: signed, parameters: queryParameters(JobListQuery), responses: { '200': ok(JobListing), ...errors } } },
      '/api/jobs/{jobId}/status': { get: { summary: 'One job', security: signed, parameters: [pathParam('jobId')], responses: { '200': ok(JobStatusResponse), '404': failure('Unknown or expired job'), ...errors } } },
      '/api/jobs/stats': { get: { summary: 'Jobs by status, oldest queued, recent failures, items, budgets', security: signed, responses: { '200': ok(JobStats, 'Statistics'), ...errors } } },
      '/api/jobs/cleanup': { post: { summary: 'Delete expired jobs, nonces and idempotency records; recover stuck jobs', security: signed, responses: { '200': ok(CleanupResult, 'What was deleted and recovered'), ...errors } } },
    },
  };
}
