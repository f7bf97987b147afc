// The README bash + openssl client and `npm run sign` sign exactly as signRequest does, for the same inputs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalQuery, signRequest } from '../../content-pipeline/index.ts';
import { ROOT } from '../../scripts/lib/dev-vars.ts';

const NODE = process.execPath;
const KEY = { id: 'prop-key', secret: 'prop-secret-0123456789-äöü-$`"\\!' };

function readmeBashClient(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- bash-client:start -->\s*```bash\n([\s\S]*?)```\s*<!-- bash-client:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no bash-client block');
  return block[1]!;
}

/** The README block with its inputs taken from the environment, and date / openssl rand / curl stubbed. */
function scriptedClient(): string {
  const block = readmeBashClient()
    .replace(/^METHOD=.*$/m, 'METHOD="$IN_METHOD"')
    .replace(/^URL_PATH=.*$/m, 'URL_PATH="$IN_PATH"')
    .replace(/^QUERY=.*$/m, 'QUERY="$IN_QUERY"')
    .replace(/^BODY=.*$/m, 'BODY="$IN_BODY"');
  for (const name of ['IN_METHOD', 'IN_PATH', 'IN_QUERY', 'IN_BODY']) expect(block).toContain(name);
  const stubs = [
    'date() { printf "%s\\n" "$IN_TIMESTAMP"; }',
    'openssl() { if [ "$1" = rand ]; then printf "%s\\n" "$IN_NONCE"; else command openssl "$@"; fi; }',
    'curl() { printf "%s\\n" "$SIGNATURE"; }',
  ].join('\n');
  return `${stubs}\n${block}`;
}

const methodArb = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE');
const segArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/).filter((s) => s !== '.' && s !== '..'),
  fc.constantFrom('%C3%A9', '%20', '01HZX', 'a%2Fb', '%7E'),
);
const pathArb = fc.array(segArb, { minLength: 1, maxLength: 3 }).map((s) => `/api/${s.join('/')}`);
const queryArb = fc.oneof(
  fc.constant(''),
  fc
    .uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{1,4}$/), fc.string({ unit: 'grapheme', maxLength: 6 })), {
      selector: ([k]) => k,
      maxLength: 4,
    })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')),
);
const bodyArb = fc.oneof(
  fc.constant(''),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => JSON.stringify({ s, n: '\n', t: '\t' })),
  fc.constantFrom('{"a":1}\n', '{"a":1}\n\n', ' {"a": "b"} ', '{"x":"%s\\n%d"}', '-n', '-e {"a":1}'),
);
const tsArb = fc.constantFrom('2026-01-01T12:00:00Z', '2026-01-01T12:00:00.123Z', '2026-01-01T13:00:00+01:00');
const nonceArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);

describe('README bash + openssl client', () => {
  it('signs like signRequest', async () => {
    const script = scriptedClient();
    await fc.assert(
      fc.asyncProperty(methodArb, pathArb, queryArb, bodyArb, tsArb, nonceArb, async (method, path, rawQuery, body, timestamp, nonce) => {
        const query = canonicalQuery(rawQuery);
        const run = spawnSync('bash', ['--norc', '--noprofile', '-euo', 'pipefail', '-c', script], {
          env: {
            PATH: process.env.PATH,
            KEY_ID: KEY.id,
            SECRET: KEY.secret,
            IN_METHOD: method,
            IN_PATH: path,
            IN_QUERY: query,
            IN_BODY: body,
            IN_TIMESTAMP: timestamp,
            IN_NONCE: nonce,
          },
          encoding: 'utf8',
        });
        expect(run.stderr).toBe('');
        const signed = await signRequest({
          method,
          url: `${path}${query ? `?${query}` : ''}`,
          secret: KEY.secret,
          body,
          timestamp,
          nonce,
        });
        expect(run.stdout.trim(), JSON.stringify({ method, path, query, body })).toBe(signed.signature);
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});

describe('npm run sign', () => {
  it('prints the headers signRequest computes (same canonical string)', async () => {
    await fc.assert(
      fc.asyncProperty(methodArb, pathArb, queryArb, bodyArb, async (method, path, query, body) => {
        const url = `${path}${query ? `?${query}` : ''}`;
        const args = ['scripts/sign-request.ts', method, url, '--verbose', ...(body !== '' || method === 'POST' ? [`--data=${body}`] : [])];
        const run = spawnSync(NODE, args, {
          cwd: ROOT,
          env: { PATH: process.env.PATH, HMAC_KEYS: JSON.stringify([KEY]) },
          encoding: 'utf8',
        });
        expect(run.status, run.stderr).toBe(0);
        const headers = Object.fromEntries(
          run.stdout
            .trim()
            .split('\n')
            .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
        );
        const signed = await signRequest({
          method,
          url,
          secret: KEY.secret,
          keyId: KEY.id,
          ...(body !== '' || method === 'POST' ? { body } : {}),
          timestamp: headers['X-Timestamp'],
          nonce: headers['X-Nonce'],
        });
        expect(headers, JSON.stringify({ method, url, body })).toEqual(signed.headers);
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});
