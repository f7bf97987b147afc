// `npm run sign -- METHOD PATH [--body file.json | --data '{...}'] [--key-id ID] [--idempotency-key K] [--send URL]`
// Prints the signed request's headers (and the canonical string with --verbose), or sends it and prints the
// answer: to --send's origin, or to PATH itself when it is an absolute URL (a response's status_url).
// The key comes from HMAC_KEYS in the environment, else from .dev.vars.
import { readFileSync } from 'node:fs';
import { BODYLESS_METHODS, signRequest } from '../content-pipeline/index.ts';
import { parseCli, usageError } from './lib/cli-args.ts';
import { localSigningKey } from './lib/dev-vars.ts';

const USAGE = `usage: npm run sign -- METHOD PATH|URL [--body FILE|-] [--data JSON] [--key-id ID]
                       [--idempotency-key KEY] [--send BASE_URL] [--verbose]`;

function fail(message: string): never {
  usageError(USAGE, message);
}

const { values, positionals } = parseCli(USAGE, {
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
const [method, target] = positionals;
if (!method || !target || positionals.length > 2) fail('METHOD and PATH are required.');
// An absolute URL (the status_url of a response) is signed by its path and query, and sent to.
const absolute = /^https?:\/\//i.test(target) ? new URL(target) : undefined;
const path = absolute ? `${absolute.pathname}${absolute.search}` : target;
if (!path.startsWith('/')) fail(`PATH must start with "/" (or be an http(s) URL): ${path}`);
// "//host/x" (and "/\\host/x") would be a URL of another host to the URL parser: the request, validly signed for
// "/x", would go there and could be replayed against the API.
if (/^\/[/\\]/.test(path)) fail(`PATH must not start with "//" or "/\\" (another host to a URL parser): ${path}`);
if (values.send !== undefined && !(/^https?:\/\//i.test(values.send) && URL.canParse(values.send))) {
  fail(`--send must be an http(s) base URL, such as http://127.0.0.1:8787 (got ${values.send})`);
}
const sendTo = values.send ?? absolute?.origin;
if (values.body !== undefined && values.data !== undefined) fail('Use --body or --data, not both.');

function readBody(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    fail(`cannot read --body ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
const body = values.data ?? (values.body === undefined ? undefined : readBody(values.body));
// An empty body is no body, to the API as to fetch; a GET with one cannot be sent (the headers can be printed).
if (sendTo !== undefined && body && BODYLESS_METHODS.has(method.toUpperCase())) {
  fail(`${method.toUpperCase()} requests carry no body (the API refuses one): drop --body/--data.`);
}
let key;
try {
  key = localSigningKey(values['key-id']);
} catch (error) {
  fail((error as Error).message);
}

let signed;
try {
  signed = await signRequest({
    method,
    url: path,
    secret: key.secret,
    keyId: key.id,
    ...(body !== undefined && { body }),
    ...(values['idempotency-key'] !== undefined && { idempotencyKey: values['idempotency-key'] }),
  });
} catch (error) {
  fail((error as Error).message);
}

if (values.verbose) console.error(`canonical string:\n${signed.canonical}\n`);
if (sendTo === undefined) {
  for (const [name, value] of Object.entries(signed.headers)) console.log(`${name}: ${value}`);
} else {
  const url = new URL(path, sendTo);
  if (url.origin !== new URL(sendTo).origin) fail(`PATH ${path} would leave ${new URL(sendTo).origin}; not sent.`);
  let response: Response;
  try {
    response = await fetch(url, { method: method.toUpperCase(), headers: signed.headers, body: body || null });
  } catch (error) {
    // Not a usage error: the command line was right, the server was not there (exit 1, as for an error answer).
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    console.error(`could not reach ${url.origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    process.exit(1);
  }
  console.error(`${response.status} ${response.statusText}`);
  console.log(await response.text());
  process.exitCode = response.ok ? 0 : 1;
}
