// A recap's listing entry, built once per build as a string (site/lib/listing-entry.ts): the same bytes Astro's
// components rendered (the expected string below is copied from a build made with RecapList.astro's component
// markup), and untrusted text escaped the way Astro escapes it. The site build tests check every listing page.
import { describe, expect, it } from 'vitest';
import { escapeAttribute, escapeText, listingEntryHtml, type ListingEntry } from '../../site/lib/listing-entry.ts';

const ENTRY: ListingEntry = {
  id: '2025-09-27-daily-recap',
  title: 'Stream recap, Sep 27, 2025: migration, transcripts, api',
  start: '2025-09-27T00:00:00.000Z',
  category: 'development',
  description: '10 highlights: <script>alert("xss")</script> refunds lol; Release v0.2.0 🎉; Whis…',
  tags: ['migration', 'api'],
  type: 'Daily recap',
  range: 'Sat, 27 Sept 2025',
  clips: '10 clips',
  minutes: 4,
};

describe('listingEntryHtml', () => {
  it('writes the markup the Astro components wrote, byte for byte', () => {
    expect(listingEntryHtml(ENTRY, 2)).toBe(
      '<li class="recap-item"><article><h2><a href="/recaps/2025-09-27-daily-recap/">Stream recap, Sep 27, 2025: migration, transcripts, api</a></h2>' +
        '<p class="meta"><span>Daily recap</span><span><time datetime="2025-09-27T00:00:00.000Z">Sat, 27 Sept 2025</time></span><span>10 clips</span>' +
        '<span>4 min read</span><span><a href="/categories/development/">development</a></span></p>' +
        '<p>10 highlights: &lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt; refunds lol; Release v0.2.0 🎉; Whis…</p>' +
        '<ul class="tags" aria-label="Tags"><li><a href="/tags/migration/">#migration</a></li><li><a href="/tags/api/">#api</a></li></ul></article></li>',
    );
  });

  it('marks drafts, takes the heading level, and leaves out an empty tag list', () => {
    const html = listingEntryHtml({ ...ENTRY, draft: true, tags: [] }, 3);
    expect(html).toContain('<h3><a href="/recaps/2025-09-27-daily-recap/">Stream recap, Sep 27, 2025: migration, transcripts, api</a><span class="badge badge-draft">Draft</span></h3>');
    expect(html).not.toContain('<ul');
    expect(listingEntryHtml(ENTRY, 2)).not.toContain('badge-draft');
  });

  it('keeps hostile text as text in every slot', () => {
    const hostile = `"><img src=x onerror=alert(1)> & '<svg onload=alert(2)>'`;
    const html = listingEntryHtml(
      { ...ENTRY, id: hostile, title: hostile, description: hostile, category: hostile, tags: [hostile], type: hostile, range: hostile, clips: hostile, start: hostile },
      2,
    );
    // Attribute values stay closed (every " inside one is &quot;), so there are exactly the attributes written:
    // three hrefs (recap, category, tag), one datetime and the fixed class and aria-label ones.
    expect(html.match(/ [a-z-]+="[^"]*"/g)!.map((a) => a.slice(1, a.indexOf('=')))).toEqual([
      'class', 'href', 'class', 'datetime', 'href', 'class', 'aria-label', 'href',
    ]);
    // Outside attribute values (double-quoted, where < is inert) no markup survives.
    const outside = html.replace(/="[^"]*"/g, '=""');
    for (const needle of ['<img', '<svg']) expect(outside).not.toContain(needle);
    expect(html).toContain('<p>&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;&lt;svg onload=alert(2)&gt;&#39;</p>');
  });

  it('escapes like Astro: text & < > \' ", attributes & and "', () => {
    expect(escapeText(`a&b<c>d'e"f`)).toBe('a&amp;b&lt;c&gt;d&#39;e&quot;f');
    expect(escapeText(4)).toBe('4');
    expect(escapeAttribute(`a&b<c>d'e"f`)).toBe("a&amp;b<c>d'e&quot;f");
  });
});
