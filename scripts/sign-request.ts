// `npm run sign -- METHOD PATH [--body file.json | --data '{...}'] [--key-id ID] [--idempotency-key K] [--send URL]`
// Prints the signed request's headers (and the canonical string with --verbose), or sends it and prints the
// answer. The key comes from HMAC_KEYS in the environment, else from .dev.vars.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signRequest } from '../content-pipeline/index.ts';
import { localSigningKey } from './lib/dev-vars.ts';

const USAGE = `usage: npm run sign -- METHOD PATH [--body FILE|-] [--data JSON] [--key-id ID]
                       [--idempotency-key KEY] [--send BASE_URL] [--verbose]`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    body: { type: 'string' },
    data: { type: 'string' },
    'key-id': { type: 'string' },
    'idempotency-key': { type: 'string' },
    send: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const [method, path] = positionals;
if (!method || !path || positionals.length > 2) fail('METHOD and PATH are required.');
if (!path.startsWith('/')) fail(`PATH must start with "/": ${path}`);
if (values.body !== undefined && values.data !== undefined) fail('Use --body or --data, not both.');

const body = values.data ?? (values.body === undefined ? undefined : readFileSync(values.body === '-' ? 0 : values.body, 'utf8'));
let key;
try {
  key = localSigningKey(values['key-id']);
} catch (error) {
  fail((error as Error).message);
}

const signed = await signRequest({
  method,
  url: path,
  secret: key.secret,
  keyId: key.id,
  ...(body !== undefined && { body }),
  ...(values['idempotency-key'] !== undefined && { idempotencyKey: values['idempotency-key'] }),
});

if (values.verbose) console.error(`canonical string:\n${signed.canonical}\n`);
if (values.send === undefined) {
  for (const [name, value] of Object.entries(signed.headers)) console.log(`${name}: ${value}`);
} else {
  const url = new URL(path, values.send);
  const response = await fetch(url, { method: method.toUpperCase(), headers: signed.headers, body: body ?? null });
  console.error(`${response.status} ${response.statusText}`);
  console.log(await response.text());
  process.exitCode = response.ok ? 0 : 1;
}
