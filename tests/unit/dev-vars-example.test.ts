// The README says every variable is documented in .dev.vars.example: every name the worker's environment schema
// (worker/env.ts, read as text: its types belong to the Worker's compilation) must appear there. Bindings and
// ENVIRONMENT come from wrangler.toml.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const FROM_WRANGLER_TOML = new Set(['DB', 'BUCKET', 'JOBS_QUEUE', 'AI', 'MEDIA', 'ENVIRONMENT']);

describe('.dev.vars.example', () => {
  it('documents every variable the worker reads', () => {
    const source = readFileSync(join(ROOT, 'worker/env.ts'), 'utf8');
    const schema = /export const EnvSchema = z\.object\(\{([\s\S]*?)\n\}\)/.exec(source)?.[1] ?? '';
    const names = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(30);
    const example = readFileSync(join(ROOT, '.dev.vars.example'), 'utf8');
    expect(names.filter((name) => !FROM_WRANGLER_TOML.has(name) && !new RegExp(`\\b${name}\\b`).test(example))).toEqual([]);
  });
});
