// `npm run sign -- METHOD PATH --send BASE_URL` must send the signed request to BASE_URL (or refuse the
// PATH). A PATH starting with "//" (or "/\") passes the CLI's `startsWith('/')` check but is a scheme-relative URL:
// the request is signed for the path after the host and sent, valid signature included, to that other host.
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/dev-vars.ts';

const run = promisify(execFile);
const KEY = { id: 'cli-host-key', secret: 'cli-host-secret-0123456789' };

function listen(seen: Array<{ url: string; headers: IncomingHttpHeaders }>): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.setHeader('Content-Type', 'application/json');
    res.end('{"ok":true}');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      resolve({ server, origin: `http://127.0.0.1:${address.port}` });
    }),
  );
}

const intendedSeen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
const otherSeen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
let intended: { server: Server; origin: string };
let other: { server: Server; origin: string };

beforeAll(async () => {
  intended = await listen(intendedSeen);
  other = await listen(otherSeen);
});
afterAll(() => {
  intended.server.close();
  other.server.close();
});

describe('npm run sign --send with a PATH that starts with "//" or "/\\"', () => {
  it.each(['//', '/\\'])('never sends the signed request to a host other than --send (prefix %s)', async (prefix) => {
    otherSeen.length = 0;
    const otherHost = other.origin.replace('http://', '');
    const path = `${prefix}${otherHost}/api/auth/verify`;
    const refused = (await run(process.execPath, ['scripts/sign-request.ts', 'GET', path, '--send', intended.origin], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HMAC_KEYS: JSON.stringify([KEY]) },
    }).catch((error: unknown) => error)) as { code?: number; stderr?: string };
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('PATH must not start with "//"');
    // The CLI refuses the PATH. It used to send the other host a request with a valid signature for
    // GET /api/auth/verify, replayable against the real API for 5 minutes.
    expect(otherSeen.map((r) => ({ url: r.url, signed: r.headers['x-signature'] !== undefined }))).toEqual([]);
  });
});

describe('npm run sign GET with a body', () => {
  it('answers with a clear message (or sends and shows the 400), not an uncaught TypeError', async () => {
    const result = await run(process.execPath, ['scripts/sign-request.ts', 'GET', '/api/jobs', '--data', '{}', '--send', intended.origin], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HMAC_KEYS: JSON.stringify([KEY]) },
    }).then(
      (ok) => ({ ...ok, code: 0 }),
      (error: { stderr: string; code: number }) => error,
    );
    // A usage-style message (docs: GET carries no body) like every other CLI mistake, exit 2; it was an uncaught
    // "TypeError: Request with GET/HEAD method cannot have body", exit 1.
    expect(result.stderr).not.toContain('triggerUncaughtException');
    expect(result.stderr).not.toContain('TypeError');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('GET requests carry no body');
  });
});
