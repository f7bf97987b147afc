// How text becomes search terms, shared by the index builder (site/lib/search-index.ts, at build time) and the
// search page's script (site/lib/search-client.ts, in the browser): both sides must cut and fold words the same
// way, or a query could never meet the words it was typed for. No imports: this ships to the browser.

/**
 * A word: a letter or digit, then letters, combining marks and digits, with inner apostrophes ("don't"). Anything
 * else separates words, so "rate-limiting" is "rate" and "limiting" on both sides.
 */
export const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}\p{N}]+)*/gu;

// Letters that Unicode decomposition leaves alone but a reader types without the mark.
const SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };
const SPECIAL_RE = /[ßæœøłđðþı]/g;
const MARKS = /[\p{M}'’]/gu;
const ASCII_WORD = /^[a-z0-9]+$/;

/** The search term for one word: lower case, without diacritics or apostrophes ("Pöison" -> "poison"). */
export function foldWord(word: string): string {
  const lower = word.toLowerCase();
  // Most words are plain ASCII: skip the Unicode work for them (the builder folds every word of every recap).
  if (ASCII_WORD.test(lower)) return lower;
  return lower.normalize('NFKD').replace(MARKS, '').replace(SPECIAL_RE, (c) => SPECIAL[c]!);
}

// For ASCII text WORD comes down to this, and the terms are the lower-cased words without apostrophes.
const ASCII_TEXT = /^[\x00-\x7f]*$/;
const ASCII_WORDS = /[a-z0-9]+(?:'[a-z0-9]+)*/g;

/** The terms of a text, in order, repeats kept. */
export function terms(text: string): string[] {
  // The builder cuts a few MB of mostly ASCII text: that case skips the Unicode classes and the per-word folding.
  if (ASCII_TEXT.test(text)) {
    const words = text.toLowerCase().match(ASCII_WORDS) ?? [];
    return words.map((w) => (w.includes("'") ? w.replaceAll("'", '') : w));
  }
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) {
    const term = foldWord(m[0]);
    if (term) out.push(term);
  }
  return out;
}
