// The site's full-text search index, built from the recaps while Astro builds the pages
// (site/pages/search-index/[file].json.ts) and read by the search page's script (site/lib/search-client.ts).
// Static JSON files, fetched only as a query needs them:
//   manifest.json        the build's id, how many recaps, how many per doc file, and the key of every term shard
//   t-<n>.<build>.json   term shard n: every term that starts with its key -> postings (recap, weight)
//   d-<n>.<build>.json   recaps n*DOCS_PER_FILE...: slug, title, date and the text excerpts are cut from
// The build id is a hash of the index, in every file name but the manifest's: a search page left open across a
// deploy holds the old manifest, and its next shard would otherwise come from the new index, numbered and split
// differently (wrong results, silently). With the id, the old files are gone (404) and the page reloads the index.
// Recaps are numbered in the site's order (newest first), so equal scores list the newer recap first.
// No Astro imports: the tests build and query indexes directly.
import { createHash } from 'node:crypto';
import { indexFileName } from './search-client.ts';
import { terms } from './search-text.ts';

export interface SearchDoc {
  slug: string;
  title: string;
  /** As listings show it ("Mon, 5 Jan 2026"). */
  dateLabel: string;
  description: string;
  tags: readonly string[];
  category: string;
  /** The rendered body as plain text, one line per paragraph or list item. */
  body: string;
  clips: readonly { title: string; transcript: string; github: readonly string[] }[];
}

/**
 * What one occurrence of a term is worth, by where it is. A title hit (24) outweighs a term found everywhere
 * else together (8 + 6 + 4 + 2 + 3), so for a one-word query every recap with the word in its title ranks above
 * every recap without it. Body text (body, transcripts, GitHub titles) counts each occurrence, up to 3.
 */
export const WEIGHTS = { title: 24, tags: 8, clipTitles: 6, description: 4, category: 2, text: 1, textCap: 3 } as const;

/** Recaps per doc file: a result page of 10 fetches a few small files, not every recap's text. */
export const DOCS_PER_FILE = 8;
/** A term shard is split by one more character of its key when its JSON would be longer than this. */
export const SHARD_CHARS = 32_000;
const MAX_KEY = 4;

export interface SearchManifest {
  version: 2;
  /** Hash of the index's content: part of every other file's name. */
  build: string;
  docs: number;
  docsPerFile: number;
  /** Shard n holds the terms whose longest prefix among these keys is shards[n]. */
  shards: string[];
}

/** A doc file entry: slug, title, date label, and the text for excerpts (lines separated by "\n"). */
export type DocEntry = [slug: string, title: string, dateLabel: string, text: string];

/** Postings of one term: recap number, weight, then (gap to the previous recap number, weight) pairs. */
export type Postings = number[];

export interface SearchIndex {
  manifest: SearchManifest;
  shards: Record<string, Postings>[];
  docFiles: DocEntry[][];
}

/** The text an excerpt can come from: summary, body, then each clip's title and transcript. */
export function docText(doc: SearchDoc): string {
  const lines = [doc.description, doc.body, ...doc.clips.flatMap((c) => [c.title, c.transcript])];
  return lines.map((l) => l.replace(/\s*\n\s*/g, '\n').trim()).filter(Boolean).join('\n');
}

/** Term -> weight in one recap (WEIGHTS). */
export function termWeights(doc: SearchDoc): Map<string, number> {
  const presence = new Map<string, number>();
  const mark = (text: string, weight: number) => {
    for (const term of new Set(terms(text))) presence.set(term, (presence.get(term) ?? 0) + weight);
  };
  mark(doc.title, WEIGHTS.title);
  mark(doc.tags.join(' '), WEIGHTS.tags);
  mark(doc.clips.map((c) => c.title).join(' '), WEIGHTS.clipTitles);
  mark(doc.description, WEIGHTS.description);
  mark(doc.category, WEIGHTS.category);
  const counts = new Map<string, number>();
  const text = [doc.body, ...doc.clips.flatMap((c) => [c.transcript, ...c.github])].join('\n');
  for (const term of terms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  for (const [term, n] of counts) presence.set(term, (presence.get(term) ?? 0) + Math.min(n, WEIGHTS.textCap) * WEIGHTS.text);
  return presence;
}

/** Builds the index of `docs` (in the order results break ties: newest first). */
export function buildSearchIndex(docs: readonly SearchDoc[]): SearchIndex {
  const postings = new Map<string, Postings>();
  const last = new Map<string, number>();
  docs.forEach((doc, id) => {
    for (const [term, weight] of termWeights(doc)) {
      const list = postings.get(term);
      if (list) {
        list.push(id - last.get(term)!, weight);
      } else {
        postings.set(term, [id, weight]);
      }
      last.set(term, id);
    }
  });

  const keys: string[] = [];
  const shards: Record<string, Postings>[] = [];
  const emit = (key: string, list: readonly string[]) => {
    keys.push(key);
    shards.push(Object.fromEntries(list.map((t) => [t, postings.get(t)!])));
  };
  const termChars = new Map<string, number>();
  for (const [t, list] of postings) termChars.set(t, t.length + 4 + JSON.stringify(list).length);
  const size = (list: readonly string[]) => list.reduce((n, t) => n + termChars.get(t)!, 2);
  // Splits a group of terms sharing `key` by the next character until each shard is small enough.
  const split = (key: string, list: string[]) => {
    if (key && (size(list) <= SHARD_CHARS || key.length >= MAX_KEY || list.length === 1)) return emit(key, list);
    const exact = list.filter((t) => t.length === key.length);
    if (exact.length) emit(key, exact);
    const groups = new Map<string, string[]>();
    for (const t of list) {
      if (t.length === key.length) continue;
      const k = t.slice(0, key.length + 1);
      const g = groups.get(k);
      if (g) g.push(t);
      else groups.set(k, [t]);
    }
    for (const [k, g] of groups) split(k, g);
  };
  split('', [...postings.keys()].sort());

  const docFiles: DocEntry[][] = [];
  for (let i = 0; i < docs.length; i += DOCS_PER_FILE) {
    docFiles.push(docs.slice(i, i + DOCS_PER_FILE).map((d) => [d.slug, d.title, d.dateLabel, docText(d)]));
  }
  const build = createHash('sha256').update(JSON.stringify([keys, shards, docFiles])).digest('hex').slice(0, 12);
  return { manifest: { version: 2, build, docs: docs.length, docsPerFile: DOCS_PER_FILE, shards: keys }, shards, docFiles };
}

/** The index as the files the site serves under /search-index/: name -> JSON. */
export function searchIndexFiles(index: SearchIndex): Map<string, string> {
  const { build } = index.manifest;
  const files = new Map<string, string>([['manifest', JSON.stringify(index.manifest)]]);
  index.shards.forEach((shard, n) => files.set(indexFileName('t', n, build), JSON.stringify(shard)));
  index.docFiles.forEach((entries, n) => files.set(indexFileName('d', n, build), JSON.stringify(entries)));
  return files;
}
