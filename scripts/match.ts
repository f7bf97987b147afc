// `npm run match -- input.json`: reads {"clips": [...Helix clips with optional "transcript"], "events": [...]}
// and prints {"matches": [{"clip_id", "event_id", "confidence", "reason"}]}. The format is fixed so matching can be
// measured on any labelled set. Options: --before MIN --after MIN --threshold X.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseCli } from './lib/cli-args.ts';
import { DEFAULT_MATCH_OPTIONS, GitHubEventInput, IsoDateTime, matchClipsToEvents } from '../content-pipeline/index.ts';

const InputClip = z
  .object({
    id: z.string().min(1),
    title: z.string(),
    created_at: IsoDateTime,
    duration: z.number().nonnegative(),
    transcript: z.string().optional(),
  })
  .loose();
const Input = z.object({ clips: z.array(InputClip), events: z.array(GitHubEventInput) }).loose();

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const USAGE = 'usage: npm run match -- input.json [--before MIN] [--after MIN] [--threshold X]';
const { values, positionals } = parseCli(USAGE, {
  allowPositionals: true,
  options: { before: { type: 'string' }, after: { type: 'string' }, threshold: { type: 'string' } },
});
if (positionals.length !== 1) fail(USAGE);

let raw: unknown;
try {
  raw = JSON.parse(readFileSync(positionals[0]!, 'utf8'));
} catch (error) {
  fail(`cannot read ${positionals[0]}: ${(error as Error).message}`);
}
const parsed = Input.safeParse(raw);
if (!parsed.success) {
  fail(`invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
}
const num = (v: string | undefined, fallback: number, name: string) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a non-negative number`);
  return n;
};
const options = {
  ...DEFAULT_MATCH_OPTIONS,
  windowBeforeMinutes: num(values.before, DEFAULT_MATCH_OPTIONS.windowBeforeMinutes, 'before'),
  windowAfterMinutes: num(values.after, DEFAULT_MATCH_OPTIONS.windowAfterMinutes, 'after'),
  threshold: num(values.threshold, DEFAULT_MATCH_OPTIONS.threshold, 'threshold'),
};
const matches = matchClipsToEvents(parsed.data.clips, parsed.data.events, options).map(({ clip_id, event_id, confidence, reason }) => ({
  clip_id,
  event_id,
  confidence,
  reason,
}));
console.log(JSON.stringify({ matches }, null, 2));
