// Words for text evidence: lowercase, split on punctuation and camelCase, common English and filler words dropped,
// a light suffix strip so "paginating" meets "pagination". Deterministic and dependency-free.

const STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both
  but by can could did do does doing done down during each few for from further get got had has have having he her here
  hers him his how i if in into is it its itself just let like me more most my no nor not now of off on once only or
  other our ours out over own really right same she should so some something such than that the their theirs them then
  there these they this those through to too under until up very was we were what when where which while who whom why
  will with would you your yours yeah okay ok oh um uh gonna wanna thing things stuff going go see look looks know think
  want need make makes made one two three lot little bit actually basically kind sort way guys chat stream today now
  work working worked let's it's that's i'm we're don't can't www http https com github`.split(/\s+/),
);

/** Generic verbs of commit messages: present in most events, so they carry little evidence even after IDF. */
const GENERIC = new Set(['name', 'names', 'fix', 'fixes', 'fixed', 'add', 'adds', 'added', 'update', 'updates', 'updated', 'change', 'changes', 'remove', 'removed', 'wip', 'merge', 'branch', 'main', 'master', 'pull', 'request', 'src', 'lib', 'index', 'test', 'tests']);

function stem(word: string): string {
  if (word.length > 6 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 6 && word.endsWith('ion')) return word.slice(0, -3);
  if (word.length > 5 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && /(?:ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

const VERSION = /\bv?(\d+\.\d+(?:\.\d+)?)\b/gi;

/** Whether a word (lowercase) is too common in speech and prose to carry meaning. */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/**
 * Every word of `text`, lowercased and stemmed as `tokenize` does, with nothing dropped and no camelCase split:
 * for looking words up in a vocabulary, where "ci", "pr", "d1", "test" and "GitHub" are words like any other
 * (`tokenize` drops them as too short, too common in commits, or splits them).
 */
export function vocabularyWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '' && !/^\d+$/.test(word))
    .map(stem);
}

export function tokenize(text: string): string[] {
  // Version numbers ("v0.2.0") are strong evidence but would fall apart into digits below: keep them whole.
  const versions = [...text.matchAll(VERSION)].map((m) => `v${m[1]}`);
  const words = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  const out: string[] = [];
  for (const word of words) {
    if (word.length < 3 || /^\d+$/.test(word) || STOPWORDS.has(word) || GENERIC.has(word)) continue;
    out.push(stem(word));
  }
  return [...out, ...versions];
}
