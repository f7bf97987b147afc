// The README says every variable is documented in .dev.vars.example: every name the worker's environment schema
// reads must appear there (bindings and ENVIRONMENT come from wrangler.toml).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../worker/env.ts';

const FROM_WRANGLER_TOML = new Set(['DB', 'BUCKET', 'JOBS_QUEUE', 'AI', 'MEDIA', 'ENVIRONMENT']);

describe('.dev.vars.example', () => {
  it('documents every variable the worker reads', () => {
    const example = readFileSync(join(import.meta.dirname, '../../.dev.vars.example'), 'utf8');
    const names = Object.keys(EnvSchema.shape);
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((name) => !FROM_WRANGLER_TOML.has(name) && !new RegExp(`\\b${name}\\b`).test(example))).toEqual([]);
  });
});
