// `npm run dev` for real: wrangler dev on workerd, offline, with migrations applied, answering the README's
// bash + openssl client and the project's signing CLI. Also the clear message for a port in use.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSigningKey, ROOT } from '../../scripts/lib/dev-vars.ts';
import { freePort } from '../../scripts/lib/ports.ts';

const NODE = process.execPath;
let server: ChildProcess | undefined;
let output = '';
let baseUrl = '';
const state = mkdtempSync(join(tmpdir(), 'clip-recap-dev-'));

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server?.exitCode !== null) throw new Error(`dev server exited early:\n${output}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`dev server not healthy after ${timeoutMs} ms:\n${output}`);
}

function readmeBashClient(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- bash-client:start -->\s*```bash\n([\s\S]*?)```\s*<!-- bash-client:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no bash-client block');
  return block[1]!;
}

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(NODE, ['scripts/dev.ts', '--port', String(port), '--persist-to', state], {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
    detached: true,
  });
  server.stdout!.on('data', (chunk) => (output += chunk));
  server.stderr!.on('data', (chunk) => (output += chunk));
  await waitForHealth(baseUrl, 60_000);
}, 90_000);

afterAll(async () => {
  if (server?.pid !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    process.kill(-server.pid, 'SIGTERM');
    await exited;
  }
  rmSync(state, { recursive: true, force: true });
});

describe('npm run dev', () => {
  it('serves /health with D1, R2 and the queue answering', async () => {
    const health = await (await fetch(`${baseUrl}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', checks: { d1: { ok: true }, r2: { ok: true }, queue: { ok: true } } });
  });

  it('accepts a request signed by the README bash + openssl client', () => {
    const key = localSigningKey(undefined);
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', readmeBashClient()], {
      env: { ...process.env, BASE_URL: baseUrl, KEY_ID: key.id, SECRET: key.secret },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({
      ok: true,
      key_id: key.id,
      method: 'POST',
      canonical_query: 'a=1&b=x%20y',
      body_sha256: '93a23971a914e5eacbf0a8d25154cda309c3c1c72fbb9914d47c60f3cb681588',
    });
  });

  it('accepts a request sent by `npm run sign -- --send`, and refuses the same unsigned', async () => {
    const run = spawnSync(NODE, ['scripts/sign-request.ts', 'POST', '/api/jobs/cleanup', '--send', baseUrl], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ deleted: 0 });
    const unsigned = await fetch(`${baseUrl}/api/jobs/cleanup`, { method: 'POST' });
    expect(unsigned.status).toBe(400);
  });

  it('`npm run sign` sends to an absolute URL (a status_url) given as PATH, and answers a bad flag with its usage', () => {
    const run = spawnSync(NODE, ['scripts/sign-request.ts', 'GET', `${baseUrl}/api/jobs?limit=1`], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('jobs');
    const bad = spawnSync(NODE, ['scripts/sign-request.ts', 'GET', '/api/jobs', '--bogus'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--bogus'");
    expect(bad.stderr).toContain('usage: npm run sign');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('started offline: no DNS failures or stack traces in its output', () => {
    // A fresh state: the migrations were applied by this start.
    expect(output).toContain('D1 migrations: applied.');
    expect(output).not.toMatch(/ENOTFOUND|getaddrinfo|EAI_AGAIN|\n\s+at .+:\d+:\d+\)/);
  });

  it('says clearly when the port is taken', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const run = spawnSync(NODE, ['scripts/dev.ts', '--port', String(port), '--persist-to', state], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});
