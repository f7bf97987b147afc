// GET /openapi.json: generated from the zod schemas, lists every route the app serves, and its examples validate.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ContentGenerationRequest, RecapPublishRequest } from '../../content-pipeline/index.ts';
import { createApp } from '../../worker/app.ts';
import { ClipIngestRequest } from '../../worker/jobs/clip-ingest.ts';
import { GitHubBackfillRequest } from '../../worker/jobs/github-backfill.ts';
import { EXAMPLES } from '../../worker/openapi.ts';
import { VerifiedRequest } from '../../worker/routes/auth.ts';
import { CleanupResult, JobStats } from '../../worker/routes/jobs.ts';
import { signedFetch } from './support.ts';

type Operation = {
  security?: unknown[];
  requestBody?: { content: Record<string, { example?: unknown }> };
  parameters?: Array<{ name: string; in: string; style?: string; explode?: boolean; schema: { type?: string } }>;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1, unsigned, with the HMAC scheme described', async () => {
    const response = await exports.default.fetch('http://worker.test/openapi.json');
    expect(response.status).toBe(200);
    const doc = await response.json<Doc>();
    expect(doc.openapi).toBe('3.1.0');
    expect(JSON.stringify(doc.components.securitySchemes.hmac)).toContain('X-Nonce');
  });

  it('documents every route the app serves', async () => {
    const doc = await (await exports.default.fetch('http://worker.test/openapi.json')).json<Doc>();
    const served = createApp()
      .routes.filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}').replace(/\/\*$/, '/{key}')}`);
    expect(served.length).toBeGreaterThan(10);
    for (const route of new Set(served)) {
      const [method, path] = route.split(' ') as [string, string];
      if (method === 'head') continue;
      expect(doc.paths[path]?.[method], route).toBeDefined();
    }
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const op of Object.values(operations)) expect(op.security, path).toBeDefined();
      if (path.startsWith('/api/')) for (const op of Object.values(operations)) expect(op.security).toEqual([{ hmac: [] }]);
    }
  });

  it('documents the error answers signed routes give, with the Error shape, and how array parameters are sent', async () => {
    const doc = await (await exports.default.fetch('http://worker.test/openapi.json')).json<Doc>();
    const ref = { $ref: '#/components/schemas/Error' };
    for (const [path, operations] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, op] of Object.entries(operations)) {
        const statuses = method === 'post' && !path.includes('{') && path !== '/api/jobs/cleanup' ? ['400', '401', '409', '413', '415'] : ['400', '401'];
        for (const status of statuses) expect(op.responses[status]?.content?.['application/json']?.schema, `${method} ${path} ${status}`).toEqual(ref);
        for (const [status, answer] of Object.entries(op.responses)) if (/^[45]/.test(status)) expect(answer.content, `${method} ${path} ${status}`).toBeDefined();
        expect(op.responses['200'] ?? op.responses['202'], `${method} ${path}`).toBeDefined();
      }
    }
    // A repeated name is refused (the signed query must mean one thing), so arrays go comma-separated.
    const arrays = Object.values(doc.paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.parameters ?? [])).filter((p) => p.schema.type === 'array');
    expect(arrays.map((p) => p.name).sort()).toEqual(['category', 'status']);
    for (const p of arrays) expect([p.style, p.explode]).toEqual(['form', false]);
  });

  it('describes what stats, cleanup and verify really answer', async () => {
    const doc = await (await exports.default.fetch('http://worker.test/openapi.json')).json<Doc>();
    for (const [path, method] of [['/api/jobs/stats', 'get'], ['/api/jobs/cleanup', 'post'], ['/api/auth/verify', 'get']] as const) {
      expect(doc.paths[path]![method]!.responses['200']!.content?.['application/json']?.schema, path).toBeDefined();
    }
    JobStats.strict().parse(await (await signedFetch('GET', '/api/jobs/stats')).json());
    CleanupResult.strict().parse(await (await signedFetch('POST', '/api/jobs/cleanup')).json());
    VerifiedRequest.strict().parse(await (await signedFetch('GET', '/api/auth/verify?a=1')).json());
  });

  it('has request examples that validate against the schemas the routes use', async () => {
    const doc = await (await exports.default.fetch('http://worker.test/openapi.json')).json<Doc>();
    const example = (path: string) => doc.paths[path]!.post!.requestBody!.content['application/json']!.example;
    expect(ContentGenerationRequest.safeParse(example('/api/content/generate')).success).toBe(true);
    expect(ClipIngestRequest.safeParse(example('/api/clips/ingest')).success).toBe(true);
    expect(GitHubBackfillRequest.safeParse(example('/api/github/backfill')).success).toBe(true);
    expect(RecapPublishRequest.safeParse(example('/api/recaps/publish')).success).toBe(true);
    expect(example('/api/content/generate')).toEqual(EXAMPLES.generate);
  });
});
