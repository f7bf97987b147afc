// The search page's engine: reads the index files written by the build (site/lib/search-index.ts) through a
// loader, fetching only the manifest, the term shards a query needs and the doc files of the results shown.
// No DOM here (site/lib/search-page.ts draws the results), so the tests run it in Node over a built index.
// Every file but the manifest is named after the build it belongs to; when one is gone, a deploy has replaced the
// index since the manifest was read, and the Searcher starts over with the new one (IndexChangedError).
import type { DocEntry, Postings, SearchManifest } from './search-index.ts';
import { foldWord, terms, WORD } from './search-text.ts';

export interface QueryTerm {
  term: string;
  /** The last word, still being typed: it also matches longer terms ("poiso" -> "poison"). */
  prefix: boolean;
}

/** A prefix completion counts for less than the exact word. */
const PREFIX_FACTOR = 0.5;
/** Shortest last word that is completed: one letter would match a good part of the index. */
const MIN_PREFIX = 2;

/** The query's distinct terms; the last one is a prefix unless the query ends after it (a space, punctuation). */
export function parseQuery(input: string): QueryTerm[] {
  const all = terms(input);
  const typing = /[\p{L}\p{M}\p{N}]$/u.test(input);
  const out = new Map<string, boolean>();
  all.forEach((term, i) => out.set(term, (out.get(term) ?? false) || (typing && i === all.length - 1 && term.length >= MIN_PREFIX)));
  return [...out].map(([term, prefix]) => ({ term, prefix }));
}

/** Which query term a folded word is (exactly, or as a completion of the last one); -1 for none. */
export function queryTermOf(word: string, query: readonly QueryTerm[]): number {
  return query.findIndex((q) => word === q.term || (q.prefix && word.startsWith(q.term)));
}

/** Index of the shard holding `term`: the one whose key is the longest prefix of it; -1 if none. */
export function shardOf(keys: readonly string[], term: string): number {
  let best = -1;
  keys.forEach((key, i) => {
    if (term.startsWith(key) && (best < 0 || key.length > keys[best]!.length)) best = i;
  });
  return best;
}

/** Shards that can hold terms starting with `prefix`: the one `prefix` itself would be in, and longer keys. */
export function shardsOfPrefix(keys: readonly string[], prefix: string): number[] {
  const out = new Set<number>();
  const own = shardOf(keys, prefix);
  if (own >= 0) out.add(own);
  keys.forEach((key, i) => key.startsWith(prefix) && out.add(i));
  return [...out];
}

/** Recap number -> weight, from postings as written (numbers as gaps). */
export function decodePostings(list: Postings): Map<number, number> {
  const out = new Map<number, number>();
  let id = 0;
  for (let i = 0; i < list.length; i += 2) {
    id += list[i]!;
    out.set(id, list[i + 1]!);
  }
  return out;
}

export interface Hit {
  slug: string;
  title: string;
  dateLabel: string;
  text: string;
}

/** The loader's answer for a file the site does not have (HTTP 404). */
export class MissingIndexFileError extends Error {
  override readonly name = 'MissingIndexFileError';
  readonly file: string;
  constructor(file: string) {
    super(`search index: no file ${file}`);
    this.file = file;
  }
}

/**
 * The index was replaced by a deploy after this page read its manifest. The Searcher has forgotten the old one;
 * recap numbers it gave before mean nothing now, so the query has to run again.
 */
export class IndexChangedError extends Error {
  override readonly name = 'IndexChangedError';
  constructor() {
    super('search index: replaced by a new build; search again');
  }
}

/** The name (without .json) of term shard or doc file `n` of build `build`. */
export function indexFileName(kind: 't' | 'd', n: number, build: string): string {
  return `${kind}-${n}.${build}`;
}

/** `file` of the index: a (JSON) value, or MissingIndexFileError when the site does not have it. */
export type Loader = (file: string) => Promise<unknown>;

/** A query's recap numbers, best first, and the build of the index they number. */
export interface Results {
  ids: number[];
  build: string;
}

export class Searcher {
  #manifest: Promise<SearchManifest> | undefined;
  /** Loaded (or loading) term shards and doc files, by file name, which names the build. */
  readonly #files = new Map<string, Promise<unknown>>();

  readonly load: Loader;

  /** `load('manifest')` resolves to the parsed /search-index/manifest.json, and so on. */
  constructor(load: Loader) {
    this.load = load;
  }

  manifest(): Promise<SearchManifest> {
    if (!this.#manifest) {
      const loading: Promise<SearchManifest> = (this.load('manifest') as Promise<SearchManifest>).catch((error: unknown) => {
        // A failed load is not kept: the next query asks again (a network hiccup must not end search on the page).
        if (this.#manifest === loading) this.#manifest = undefined;
        throw error;
      });
      this.#manifest = loading;
    }
    return this.#manifest;
  }

  /** The manifest, and its promise as this Searcher holds it (to tell whether it has been forgotten since). */
  async #current(): Promise<{ held: Promise<SearchManifest>; manifest: SearchManifest }> {
    const held = this.manifest();
    return { held, manifest: await held };
  }

  /**
   * File `kind`-`n` of `manifest`'s build, parsed. If the site no longer has it, a deploy has replaced the index:
   * the manifest is forgotten (once, if it is still the one held) and the caller gets IndexChangedError. A failed
   * load is not kept.
   */
  #file<T>(held: Promise<SearchManifest>, manifest: SearchManifest, kind: 't' | 'd', n: number, parse: (json: unknown) => T): Promise<T> {
    const name = indexFileName(kind, n, manifest.build);
    let file = this.#files.get(name) as Promise<T> | undefined;
    if (!file) {
      const loading: Promise<T> = this.load(name)
        .then(parse)
        .catch((error: unknown) => {
          if (this.#files.get(name) === loading) this.#files.delete(name);
          if (!(error instanceof MissingIndexFileError)) throw error;
          if (this.#manifest === held) {
            this.#manifest = undefined;
            for (const old of this.#files.keys()) if (old.endsWith(`.${manifest.build}`)) this.#files.delete(old);
          }
          throw new IndexChangedError();
        });
      this.#files.set(name, (file = loading));
    }
    return file;
  }

  /** Recaps holding `q` -> weight (completions of a prefix at PREFIX_FACTOR, the best one per recap). */
  async #matches(held: Promise<SearchManifest>, manifest: SearchManifest, q: QueryTerm): Promise<Map<number, number>> {
    // A Map, not the parsed object: a query word such as "constructor" must not find Object.prototype's.
    const shard = (n: number) => this.#file(held, manifest, 't', n, (json) => new Map(Object.entries(json as Record<string, Postings>)));
    const keys = manifest.shards;
    if (!q.prefix) {
      const n = shardOf(keys, q.term);
      const list = n < 0 ? undefined : (await shard(n)).get(q.term);
      return list ? decodePostings(list) : new Map();
    }
    const out = new Map<number, number>();
    for (const entries of await Promise.all(shardsOfPrefix(keys, q.term).map(shard))) {
      for (const [term, list] of entries) {
        if (!term.startsWith(q.term)) continue;
        const factor = term === q.term ? 1 : PREFIX_FACTOR;
        for (const [id, weight] of decodePostings(list)) out.set(id, Math.max(out.get(id) ?? 0, weight * factor));
      }
    }
    return out;
  }

  /**
   * Recap numbers holding every term of the query, best first: the sum over terms of weight x rarity
   * (log(1 + recaps / recaps with the term)); equal scores keep the site's order, newest first.
   */
  async search(query: readonly QueryTerm[]): Promise<Results> {
    if (query.length === 0) return { ids: [], build: '' };
    const { held, manifest } = await this.#current();
    const found = await Promise.all(query.map((q) => this.#matches(held, manifest, q)));
    let scores: Map<number, number> | undefined;
    for (const matches of found) {
      const rarity = Math.log(1 + manifest.docs / Math.max(1, matches.size));
      const next = new Map<number, number>();
      for (const [id, weight] of matches) {
        const before = scores ? scores.get(id) : 0;
        if (before !== undefined) next.set(id, before + weight * rarity);
      }
      scores = next;
    }
    return { ids: [...scores!].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id), build: manifest.build };
  }

  /**
   * Slug, title, date and text of recaps `ids` of `build` (as `search()` gave them), fetching their doc files.
   * IndexChangedError when the index is no longer that build: its numbers would name other recaps.
   */
  async hits(ids: readonly number[], build: string): Promise<Hit[]> {
    if (ids.length === 0) return [];
    const { held, manifest } = await this.#current();
    if (manifest.build !== build) throw new IndexChangedError();
    return Promise.all(
      ids.map(async (id) => {
        const n = Math.floor(id / manifest.docsPerFile);
        const file = await this.#file(held, manifest, 'd', n, (json) => json as DocEntry[]);
        const [slug, title, dateLabel, text] = file[id % manifest.docsPerFile]!;
        return { slug, title, dateLabel, text };
      }),
    );
  }
}

export interface ExcerptPart {
  text: string;
  /** A word the query asked for, to be highlighted. */
  hit: boolean;
}

/**
 * About `size` words of `text` around the query's words: from the line with the most distinct query terms (then
 * the most hits), the window of that line with the most hits. With no hit at all, the start of the first line.
 * Parts are plain text: the caller renders them as text nodes.
 */
export function excerpt(text: string, query: readonly QueryTerm[], size = 30): ExcerptPart[] {
  let best: { words: RegExpExecArray[]; hits: boolean[] } | undefined;
  let bestRank = [-1, -1];
  for (const line of text.split('\n')) {
    const words = [...line.matchAll(WORD)];
    if (words.length === 0) continue;
    const which = words.map((w) => queryTermOf(foldWord(w[0]), query));
    const hits = which.map((n) => n >= 0);
    const distinct = new Set(which.filter((n) => n >= 0)).size;
    const count = hits.filter(Boolean).length;
    if (distinct > bestRank[0]! || (distinct === bestRank[0] && count > bestRank[1]!)) {
      best = { words, hits };
      bestRank = [distinct, count];
    }
  }
  if (!best) return [];
  const { words, hits } = best;
  const line = words[0]!.input;
  // The window with the most hits, then moved so that its first hit comes after a few words of context.
  let start = 0;
  let most = -1;
  for (let s = 0; s <= Math.max(0, words.length - size); s++) {
    const n = hits.slice(s, s + size).filter(Boolean).length;
    if (n > most) [most, start] = [n, s];
  }
  const first = hits.indexOf(true, start);
  if (first >= 0) start = Math.max(0, Math.min(first - 4, words.length - size));
  const end = Math.min(words.length, start + size);
  const parts: ExcerptPart[] = [];
  const push = (text: string, hit: boolean) => {
    if (!text) return;
    const prev = parts.at(-1);
    if (prev && prev.hit === hit && !hit) prev.text += text;
    else parts.push({ text, hit });
  };
  push(start > 0 ? '…' : line.slice(0, words[0]!.index), false);
  for (let i = start; i < end; i++) {
    const w = words[i]!;
    push(w[0], hits[i]!);
    const next = words[i + 1];
    push(i + 1 < end ? line.slice(w.index + w[0].length, next!.index) : end < words.length ? ' …' : line.slice(w.index + w[0].length), false);
  }
  return parts;
}
