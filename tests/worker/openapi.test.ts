// GET /openapi.json: generated from the zod schemas, lists every route the app serves, and its examples validate.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ContentGenerationRequest } from '../../content-pipeline/index.ts';
import { createApp } from '../../worker/app.ts';
import { ClipIngestRequest } from '../../worker/jobs/clip-ingest.ts';
import { GitHubBackfillRequest } from '../../worker/jobs/github-backfill.ts';
import { RecapPublishRequest } from '../../worker/jobs/recap-publish.ts';
import { EXAMPLES } from '../../worker/openapi.ts';

type Doc = { openapi: string; paths: Record<string, Record<string, { security?: unknown[]; requestBody?: { content: Record<string, { example?: unknown }> } }>>; components: { securitySchemes: Record<string, unknown> } };

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
