// Reads and prepares .dev.vars, wrangler's local secrets file (dotenv syntax), for the dev server and CLIs.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKeysSchema, isKeyValid, type ApiKey } from '../../content-pipeline/index.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const DEV_VARS = join(ROOT, '.dev.vars');
export const DEV_VARS_EXAMPLE = join(ROOT, '.dev.vars.example');

/** Creates .dev.vars from the example when it is missing; returns true when it did. */
export function ensureDevVars(): boolean {
  if (existsSync(DEV_VARS)) return false;
  copyFileSync(DEV_VARS_EXAMPLE, DEV_VARS);
  return true;
}

/** Parses dotenv lines: `KEY=value`, `KEY='value'`, `KEY="value"`; `#` comments and blank lines skipped. */
export function parseDotenv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === "'" || quote === '"') && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1);
    vars[match[1]!] = value;
  }
  return vars;
}

export function readDevVars(path: string = DEV_VARS): Record<string, string> {
  return existsSync(path) ? parseDotenv(readFileSync(path, 'utf8')) : {};
}

/**
 * The key a local client signs with: `--key-id` if given, else the first key that is valid now. Keys come from
 * the HMAC_KEYS environment variable, else from .dev.vars.
 */
export function localSigningKey(keyId: string | undefined, nowMs: number = Date.now()): ApiKey {
  const raw = process.env.HMAC_KEYS ?? readDevVars().HMAC_KEYS;
  if (raw === undefined) throw new Error('No HMAC_KEYS: set the variable or run `npm run dev` once to create .dev.vars');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('HMAC_KEYS is not valid JSON');
  }
  const keys = ApiKeysSchema.parse(json);
  const key = keyId === undefined ? keys.find((k) => isKeyValid(k, nowMs)) : keys.find((k) => k.id === keyId);
  if (!key) throw new Error(keyId === undefined ? 'HMAC_KEYS has no valid key' : `HMAC_KEYS has no key "${keyId}"`);
  return key;
}
