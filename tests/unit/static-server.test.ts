// The static server the demo and the site tests serve builds with (scripts/lib/static-server.ts), over real HTTP:
// directory indexes, the site's 404 page, nothing outside the folder, and a clear 400 for a malformed path.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../../scripts/lib/static-server.ts';

const root = mkdtempSync(join(tmpdir(), 'clip-recap-static-'));
let server: StaticServer;

/** GET with the path sent exactly as written (fetch would normalise it). */
function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.origin);
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(join(root, 'site', 'recaps', 'a'), { recursive: true });
  writeFileSync(join(root, 'secret.txt'), 'outside');
  writeFileSync(join(root, 'site', 'index.html'), '<h1>home</h1>');
  writeFileSync(join(root, 'site', 'recaps', 'a', 'index.html'), '<h1>recap a</h1>');
  writeFileSync(join(root, 'site', '404.html'), '<h1>not here</h1>');
  server = await serveStatic(join(root, 'site'));
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('serveStatic', () => {
  it('serves directory indexes and answers a missing page with the site’s 404 page', async () => {
    expect(await get('/')).toEqual({ status: 200, body: '<h1>home</h1>' });
    expect(await get('/recaps/a/')).toEqual({ status: 200, body: '<h1>recap a</h1>' });
    expect(await get('/recaps/b/')).toEqual({ status: 404, body: '<h1>not here</h1>' });
  });

  it('answers a malformed percent-encoding with 400, not 500', async () => {
    for (const path of ['/%', '/recaps/%zz/', '/%E0%A4%A']) {
      const answer = await get(path);
      expect(answer.status, path).toBe(400);
      expect(answer.body).toContain('malformed percent-encoding');
    }
  });

  it('never serves a file outside its folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/recaps/..%2f..%2fsecret.txt']) {
      const answer = await get(path);
      expect(answer.body, path).not.toContain('outside');
      expect([400, 404], path).toContain(answer.status);
    }
  });
});
