// The search page's engine: reads the index files written by the build (site/lib/search-index.ts) through a
// loader, fetching only the manifest, the term shards a query needs and the doc files of the results shown.
// No DOM here (site/lib/search-page.ts draws the results), so the tests run it in Node over a built index.
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

export type Loader = (file: string) => Promise<unknown>;

export class Searcher {
  #manifest: Promise<SearchManifest> | undefined;
  readonly #shards = new Map<number, Promise<Map<string, Postings>>>();
  readonly #docs = new Map<number, Promise<DocEntry[]>>();

  readonly load: Loader;

  /** `load('manifest')` resolves to the parsed /search-index/manifest.json, and so on. */
  constructor(load: Loader) {
    this.load = load;
  }

  manifest(): Promise<SearchManifest> {
    return (this.#manifest ??= this.load('manifest') as Promise<SearchManifest>);
  }

  #shard(n: number): Promise<Map<string, Postings>> {
    let shard = this.#shards.get(n);
    if (!shard) {
      // A Map, not the parsed object: a query word such as "constructor" must not find Object.prototype's.
      shard = this.load(`t-${n}`).then((json) => new Map(Object.entries(json as Record<string, Postings>)));
      this.#shards.set(n, shard);
    }
    return shard;
  }

  /** Recaps holding `q` -> weight (completions of a prefix at PREFIX_FACTOR, the best one per recap). */
  async #matches(keys: readonly string[], q: QueryTerm): Promise<Map<number, number>> {
    if (!q.prefix) {
      const n = shardOf(keys, q.term);
      const list = n < 0 ? undefined : (await this.#shard(n)).get(q.term);
      return list ? decodePostings(list) : new Map();
    }
    const out = new Map<number, number>();
    for (const shard of await Promise.all(shardsOfPrefix(keys, q.term).map((n) => this.#shard(n)))) {
      for (const [term, list] of shard) {
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
  async search(query: readonly QueryTerm[]): Promise<number[]> {
    if (query.length === 0) return [];
    const { docs, shards } = await this.manifest();
    const found = await Promise.all(query.map((q) => this.#matches(shards, q)));
    let scores: Map<number, number> | undefined;
    for (const matches of found) {
      const rarity = Math.log(1 + docs / Math.max(1, matches.size));
      const next = new Map<number, number>();
      for (const [id, weight] of matches) {
        const before = scores ? scores.get(id) : 0;
        if (before !== undefined) next.set(id, before + weight * rarity);
      }
      scores = next;
    }
    return [...scores!].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id);
  }

  /** Slug, title, date and text of these recaps, fetching their doc files. */
  async hits(ids: readonly number[]): Promise<Hit[]> {
    const { docsPerFile } = await this.manifest();
    return Promise.all(
      ids.map(async (id) => {
        const n = Math.floor(id / docsPerFile);
        let file = this.#docs.get(n);
        if (!file) this.#docs.set(n, (file = this.load(`d-${n}`) as Promise<DocEntry[]>));
        const [slug, title, dateLabel, text] = (await file)[id % docsPerFile]!;
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
