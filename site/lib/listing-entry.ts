// One recap's entry in a listing (home, tag and category pages) as an HTML string. A recap is listed on ~10
// pages (the home pages, each of its tags, its category); site/lib/recaps.ts builds each entry once per build and
// components/RecapList.astro pastes it in, instead of rendering it through Astro components on every one of them
// (4-7% of the 1,000-recap build, measured side by side).
//
// This is the one place the site writes markup by hand, so every value goes through the same escaping Astro
// applies to expressions: text escapes & < > ' ", attribute values & and ". The markup is what RecapList.astro
// rendered with components, byte for byte (tests/site/listing-entry.test.ts and the site build tests).
import { categoryUrl, recapUrl, tagUrl } from './listing.ts';

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&#39;', '"': '&quot;' };

/** Text content, escaped as Astro escapes `{expression}` text. */
export function escapeText(value: string | number): string {
  return String(value).replace(/[&<>'"]/g, (c) => TEXT_ESCAPES[c]!);
}

/** A double-quoted attribute value, escaped as Astro escapes `attr={expression}`. */
export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

export interface ListingEntry {
  id: string;
  title: string;
  draft?: boolean | undefined;
  /** The covered range's start (ISO), for <time datetime>. */
  start: string;
  category: string;
  description: string;
  tags: readonly string[];
  /** Already formatted: "Daily recap", "Sat, 27 Sept 2025", "10 clips", minutes to read. */
  type: string;
  range: string;
  clips: string;
  minutes: number;
}

export function listingEntryHtml(entry: ListingEntry, headingLevel: 2 | 3): string {
  const h = `h${headingLevel}`;
  const draft = entry.draft ? '<span class="badge badge-draft">Draft</span>' : '';
  const tags =
    entry.tags.length > 0
      ? `<ul class="tags" aria-label="Tags">${entry.tags.map((tag) => `<li><a href="${escapeAttribute(tagUrl(tag))}">#${escapeText(tag)}</a></li>`).join('')}</ul>`
      : '';
  return (
    `<li class="recap-item"><article><${h}><a href="${escapeAttribute(recapUrl(entry.id))}">${escapeText(entry.title)}</a>${draft}</${h}>` +
    `<p class="meta"><span>${escapeText(entry.type)}</span><span><time datetime="${escapeAttribute(entry.start)}">${escapeText(entry.range)}</time></span>` +
    `<span>${escapeText(entry.clips)}</span><span>${escapeText(entry.minutes)} min read</span>` +
    `<span><a href="${escapeAttribute(categoryUrl(entry.category))}">${escapeText(entry.category)}</a></span></p>` +
    `<p>${escapeText(entry.description)}</p>${tags}</article></li>`
  );
}
