// The word count behind reading times (site/lib/format.ts readingMinutes). Shared by the site and the Markdown
// plugin that counts each recap body's words when it is rendered (site/lib/markdown-store.mjs).

/** Words in a text: runs of non-whitespace holding at least one letter or digit. */
export function countWords(text) {
  let words = 0;
  for (const token of String(text).split(/\s+/)) if (/[\p{L}\p{N}]/u.test(token)) words++;
  return words;
}
