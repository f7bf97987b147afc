// The site's search without a build: words to terms, the index builder and its shards, the browser-side engine
// (run in Node over an index built here, through the same JSON files the site serves) and excerpts.
// The built index and the search page in Chromium: build.test.ts and search-browser.test.ts.
import { describe, expect, it } from 'vitest';
import { decodePostings, excerpt, IndexChangedError, MissingIndexFileError, parseQuery, Searcher, shardOf, shardsOfPrefix, type ExcerptPart } from '../../site/lib/search-client.ts';
import { decodeEntities, htmlToText, searchDoc } from '../../site/lib/search-docs.ts';
import { buildSearchIndex, docText, searchIndexFiles, SHARD_CHARS, termWeights, WEIGHTS, type SearchDoc } from '../../site/lib/search-index.ts';
import { foldWord, terms } from '../../site/lib/search-text.ts';
import { loadRecaps } from './helpers/content.ts';

function doc(slug: string, fields: Partial<SearchDoc> = {}): SearchDoc {
  return { slug, title: `Recap ${slug}`, dateLabel: 'Mon, 5 Jan 2026', description: '', tags: [], category: 'development', body: '', clips: [], ...fields };
}

/** A Searcher over `docs`, reading the files as the site serves them (JSON text), recording what it fetched. */
function searcherOver(docs: SearchDoc[]) {
  const files = searchIndexFiles(buildSearchIndex(docs));
  const fetched: string[] = [];
  const searcher = new Searcher(async (file) => {
    fetched.push(file);
    const json = files.get(file);
    if (json === undefined) throw new Error(`no index file ${file}`);
    return JSON.parse(json);
  });
  const find = async (q: string) => {
    const { ids, build } = await searcher.search(parseQuery(q));
    return (await searcher.hits(ids, build)).map((h) => h.slug);
  };
  return { searcher, files, fetched, find };
}

const highlighted = (parts: ExcerptPart[]) => parts.filter((p) => p.hit).map((p) => p.text);
const joined = (parts: ExcerptPart[]) => parts.map((p) => p.text).join('');

describe('search terms', () => {
  it('fold case, diacritics, apostrophes and letters without a decomposition', () => {
    expect(terms('Pöison MESSAGE, naïve café')).toEqual(['poison', 'message', 'naive', 'cafe']);
    expect(terms("don't Straße Ærø ﬁx")).toEqual(['dont', 'strasse', 'aero', 'fix']);
    expect(foldWord('Łódź')).toBe('lodz');
    expect(foldWord('E\u0301COLE')).toBe('ecole');
  });

  it('split words on anything but letters, marks and digits', () => {
    expect(terms('rate-limiting: D1/x2 (PR #12) <script>alert("xss")</script>')).toEqual(['rate', 'limiting', 'd1', 'x2', 'pr', '12', 'script', 'alert', 'xss', 'script']);
    expect(terms('  — … ')).toEqual([]);
  });
});

describe('recap text for the index', () => {
  it('turns rendered Markdown into lines of text, decoding references and keeping markup-like text as text', () => {
    const html = '<h2>What changed</h2>\n<ul>\n<li>Messages are <strong>acked</strong> one by one</li>\n<li>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x1F600; &#39;ok&#39;</li>\n</ul>\n<p>Done.<br>Next</p>';
    expect(htmlToText(html)).toBe(`What changed\nMessages are acked one by one\n<script>alert("x")</script> & \u{1F600} 'ok'\nDone.\nNext`);
    expect(decodeEntities('&bogus; &#0; &#x110000;')).toBe('&bogus; &#0; &#x110000;');
  });

  it('takes every searchable field of a recap: title, summary, tags, category, body, clip titles, transcripts, GitHub', () => {
    const [recap] = loadRecaps().filter((r) => r.slug === '2026-01-05-daily-recap');
    const d = searchDoc({ id: recap!.slug, data: recap!.data, rendered: { html: '<p>Body <em>words</em></p>' } });
    expect(d).toMatchObject({ slug: recap!.slug, title: recap!.data.title, description: recap!.data.description, tags: recap!.data.tags, category: recap!.data.category, body: 'Body words' });
    expect(d.clips.map((c) => c.title)).toEqual(recap!.data.clips.map((c) => c.title));
    expect(d.clips[0]!.transcript).toBe(recap!.data.clips[0]!.transcript_excerpt);
    expect(d.clips.flatMap((c) => c.github)).toContain(recap!.data.clips.flatMap((c) => c.github)[0]!.title);
    expect(docText(d).split('\n')[0]).toBe(recap!.data.description);
  });

  it('weighs a title hit above a word found in every other field', () => {
    const w = termWeights(doc('a', { title: 'Queue day', tags: ['retry'], description: 'retry', category: 'retry', body: 'retry retry retry retry', clips: [{ title: 'retry', transcript: 'retry', github: ['retry'] }] }));
    expect(w.get('queue')).toBe(WEIGHTS.title);
    expect(w.get('retry')).toBe(WEIGHTS.tags + WEIGHTS.clipTitles + WEIGHTS.description + WEIGHTS.category + WEIGHTS.textCap * WEIGHTS.text);
    expect(w.get('retry')!).toBeLessThan(WEIGHTS.title);
  });
});

describe('index shards', () => {
  // Enough distinct words for shards to split beyond one character.
  const words = Array.from({ length: 3000 }, (_, i) => `w${(i * 7919).toString(36)}x${i % 10}`);
  const docs = Array.from({ length: 200 }, (_, i) => doc(`d${i}`, { body: words.filter((_, k) => (k + i) % 5 === 0).join(' ') }));
  const index = buildSearchIndex(docs);
  const keys = index.manifest.shards;

  it('put every term in exactly one shard, the one whose key is its longest prefix, each under the size limit', () => {
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.some((k) => k.length > 2)).toBe(true);
    const seen = new Map<string, number>();
    index.shards.forEach((shard, n) => {
      for (const term of Object.keys(shard)) {
        expect(seen.has(term), term).toBe(false);
        seen.set(term, n);
        expect(shardOf(keys, term), term).toBe(n);
      }
      if (Object.keys(shard).length > 1) expect(JSON.stringify(shard).length).toBeLessThanOrEqual(SHARD_CHARS);
    });
    expect([...seen.keys()].sort()).toEqual([...new Set(docs.flatMap((d) => terms(`${d.title} ${d.body} ${d.category}`)))].sort());
  });

  it('find every term of a prefix among the shards the prefix points to', () => {
    for (const prefix of ['w', 'w1', 'w2a', 'wz', 'x', 'w1b2']) {
      const inShards = shardsOfPrefix(keys, prefix).flatMap((n) => Object.keys(index.shards[n]!)).filter((t) => t.startsWith(prefix));
      const all = index.shards.flatMap((s) => Object.keys(s)).filter((t) => t.startsWith(prefix));
      expect(inShards.sort(), prefix).toEqual(all.sort());
    }
  });

  it('store postings as recap numbers (gaps) and weights, and every recap in doc files', () => {
    const shard = index.shards[shardOf(keys, 'recap')]!;
    expect([...decodePostings(shard.recap!).keys()]).toEqual(docs.map((_, i) => i));
    expect(index.docFiles.flat().map((e) => e[0])).toEqual(docs.map((d) => d.slug));
    expect(index.manifest).toMatchObject({ version: 2, docs: 200, build: expect.stringMatching(/^[0-9a-f]{12}$/) });
  });
});

describe('searching', () => {
  const docs = [
    doc('newest', { title: 'Stripe webhooks', body: 'Queue consumer retries with backoff.\nA poison message no longer blocks the batch.' }),
    doc('body-many', { body: 'poison poison poison poison in the body only', clips: [{ title: 'Chat', transcript: 'poison again', github: ['Fix poison handling'] }] }),
    doc('titled', { title: 'The poison message', body: 'Nothing else.' }),
    doc('accents', { title: 'Café déjà vu', tags: ['naïve'], body: 'Résumé of the day' }),
    doc('hostile', { title: 'Clip <script>alert("xss")</script>', clips: [{ title: '<img src=x onerror=alert(1)>', transcript: 'refunds lol', github: [] }] }),
  ];
  const { find, searcher } = searcherOver(docs);

  it('ranks a title hit above body hits, then newer first', async () => {
    expect(await find('poison')).toEqual(['titled', 'body-many', 'newest']);
  });

  it('needs every word, and completes the last one as it is typed', async () => {
    expect(await find('poison message')).toEqual(['titled', 'newest']);
    expect(await find('poison mess')).toEqual(['titled', 'newest']);
    expect(await find('poison mess ')).toEqual([]);
    expect(await find('webhook')).toEqual(['newest']);
    expect(await find('m')).toEqual([]);
  });

  it('ignores case and diacritics on both sides', async () => {
    expect(await find('CAFE DEJA')).toEqual(['accents']);
    expect(await find('naive resume')).toEqual(['accents']);
    expect(await find('Pöison')).toEqual(['titled', 'body-many', 'newest']);
  });

  it('finds words of hostile text like any other, and words such as "constructor" find nothing', async () => {
    expect(await find('xss')).toEqual(['hostile']);
    expect(await find('onerror')).toEqual(['hostile']);
    expect(await find('constructor')).toEqual([]);
    expect(await find('__proto__ toString')).toEqual([]);
    expect(await find('')).toEqual([]);
  });

  it('fetches the manifest once, only the shards a query needs, and the doc files of the results', async () => {
    const fresh = searcherOver(docs);
    await fresh.find('backoff');
    expect(fresh.fetched.filter((f) => f === 'manifest')).toHaveLength(1);
    const { build } = JSON.parse(fresh.files.get('manifest')!) as { build: string };
    expect(fresh.fetched.filter((f) => f.startsWith('t-'))).toEqual([expect.stringMatching(new RegExp(`^t-\\d+\\.${build}$`))]);
    expect(fresh.fetched.filter((f) => f.startsWith('d-'))).toEqual([`d-0.${build}`]);
    expect((await searcher.search(parseQuery('nothingmatches'))).ids).toEqual([]);
  });
});

describe('an index replaced by a deploy while the page is open', () => {
  const before = [doc('old-a', { title: 'Queue retries' }), doc('old-b', { title: 'Webhook signatures' })];
  // The new build numbers the recaps differently (a new one first) and splits nothing alike.
  const after = [doc('new-first', { title: 'Webhook replay' }), ...before];

  /** A site that serves `before`'s files until deploy(), then only `after`'s (the old ones answer 404). */
  function deployedSite() {
    let files = searchIndexFiles(buildSearchIndex(before));
    const failNext = new Set<string>();
    const searcher = new Searcher(async (file) => {
      if (failNext.delete(file)) throw new TypeError('Failed to fetch');
      const json = files.get(file);
      if (json === undefined) throw new MissingIndexFileError(file);
      return JSON.parse(json);
    });
    const slugs = async (q: string) => {
      const { ids, build } = await searcher.search(parseQuery(q));
      return (await searcher.hits(ids, build)).map((h) => h.slug);
    };
    return { searcher, slugs, failNext, deploy: () => (files = searchIndexFiles(buildSearchIndex(after))) };
  }

  it('names every file but the manifest after a hash of the index', () => {
    const a = searchIndexFiles(buildSearchIndex(before));
    const again = searchIndexFiles(buildSearchIndex(before.map((d) => ({ ...d }))));
    const b = searchIndexFiles(buildSearchIndex(after));
    expect([...again.keys()]).toEqual([...a.keys()]);
    const build = (files: Map<string, string>) => (JSON.parse(files.get('manifest')!) as { build: string }).build;
    expect(build(b)).not.toBe(build(a));
    expect([...a.keys()].filter((f) => f !== 'manifest').every((f) => f.endsWith(`.${build(a)}`))).toBe(true);
  });

  it('says so when a file of the old build is gone, then searches the new index', async () => {
    const site = deployedSite();
    expect(await site.slugs('queue')).toEqual(['old-a']);
    site.deploy();
    // The old manifest is still held; the shard for "webhook" is not loaded yet and is gone from the site.
    await expect(site.searcher.search(parseQuery('webhook'))).rejects.toBeInstanceOf(IndexChangedError);
    expect(await site.slugs('webhook')).toEqual(['new-first', 'old-b']);
    expect(await site.slugs('queue')).toEqual(['old-a']);
  });

  it('never gives the new build\'s recaps for numbers found in the old one', async () => {
    const site = deployedSite();
    const found = await site.searcher.search(parseQuery('webhook'));
    expect(found.ids).toEqual([1]);
    site.deploy();
    // Number 1 is old-b in the old build and old-a in the new one.
    await expect(site.searcher.hits(found.ids, found.build)).rejects.toBeInstanceOf(IndexChangedError);
    const again = await site.searcher.search(parseQuery('webhook'));
    expect(again.build).not.toBe(found.build);
    await expect(site.searcher.hits(found.ids, found.build)).rejects.toBeInstanceOf(IndexChangedError);
    expect((await site.searcher.hits(again.ids, again.build)).map((h) => h.slug)).toEqual(['new-first', 'old-b']);
  });

  it('does not keep a failed load: the next query asks again', async () => {
    const site = deployedSite();
    site.failNext.add('manifest');
    await expect(site.slugs('queue')).rejects.toThrow('Failed to fetch');
    const { build } = await site.searcher.manifest();
    site.failNext.add(`d-0.${build}`);
    await expect(site.slugs('queue')).rejects.toThrow('Failed to fetch');
    expect(await site.slugs('queue')).toEqual(['old-a']);
  });
});

describe('excerpts', () => {
  const text = 'A summary of the day.\nThe consumer retried whole batches, so one poison message held nine healthy ones hostage until the retry budget ran out.\n<script>alert("xss")</script> refunds lol';

  it('come from the line with the most query words, with those words marked', () => {
    const parts = excerpt(text, parseQuery('poison message'));
    expect(highlighted(parts)).toEqual(['poison', 'message']);
    expect(joined(parts)).toContain('so one poison message held');
    // Two forms of one query word do not beat two different query words.
    const other = excerpt(`Messages, message and messages.\n${text}`, parseQuery('poison message'));
    expect(highlighted(other)).toEqual(['poison', 'message']);
  });

  it('mark completions of the last word and ignore case and diacritics', () => {
    expect(highlighted(excerpt(text, parseQuery('RETR')))).toEqual(['retried', 'retry']);
    expect(highlighted(excerpt('Café au lait', parseQuery('cafe')))).toEqual(['Café']);
  });

  it('cut long lines around the hits, with an ellipsis on each cut side', () => {
    const long = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    const parts = excerpt(long, parseQuery('w50 '), 10);
    expect(joined(parts)).toBe('…w46 w47 w48 w49 w50 w51 w52 w53 w54 w55 …');
    expect(highlighted(parts)).toEqual(['w50']);
  });

  it('fall back to the start of the summary when only the title or tags matched, and keep markup as plain text', () => {
    expect(joined(excerpt(text, parseQuery('unrelated')))).toBe('A summary of the day.');
    const parts = excerpt(text, parseQuery('xss'));
    expect(joined(parts)).toBe('<script>alert("xss")</script> refunds lol');
    expect(highlighted(parts)).toEqual(['xss']);
  });
});

describe('search terms of ASCII text', () => {
  it('are the same with the fast path as through the Unicode word pattern', () => {
    const samples = ["Don't PANIC: rate-limiting x2, PR #12, it's 'quoted' O'Brien's 3.5 ''", 'a\'b\'c  _under_score_ tab\there', loadRecaps().map((r) => r.body).join('\n')];
    for (const text of samples) {
      // A non-ASCII character at the end sends the same text through the general path.
      expect(terms(text), text.slice(0, 40)).toEqual(terms(`${text} é`).slice(0, -1));
    }
  });
});
