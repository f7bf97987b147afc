// The search page's script (site/pages/search.astro, the only page that loads it): runs queries as the reader
// types, keeps the query in the address (?q=), and draws the results. Everything from the index (titles, clip
// titles, transcripts) goes into the page as text nodes, never through an HTML parser; links are built here,
// to our own /recaps/<slug>/ pages only.
import { excerpt, IndexChangedError, MissingIndexFileError, parseQuery, Searcher, type Hit, type QueryTerm } from './search-client.ts';

const PAGE = 10;

async function loadJson(file: string): Promise<unknown> {
  const res = await fetch(`/search-index/${file}.json`);
  if (res.status === 404) throw new MissingIndexFileError(file);
  if (!res.ok) throw new Error(`search index: ${file} answered ${res.status}`);
  return res.json();
}

function resultItem(hit: Hit, query: readonly QueryTerm[]): HTMLLIElement {
  const li = document.createElement('li');
  li.className = 'search-result';
  const heading = li.appendChild(document.createElement('h2'));
  heading.className = 'search-result-title';
  const link = heading.appendChild(document.createElement('a'));
  link.href = `/recaps/${encodeURIComponent(hit.slug)}/`;
  link.textContent = hit.title;
  const date = li.appendChild(document.createElement('p'));
  date.className = 'meta';
  date.textContent = hit.dateLabel;
  const p = li.appendChild(document.createElement('p'));
  p.className = 'search-excerpt';
  for (const part of excerpt(hit.text, query)) {
    if (part.hit) p.appendChild(document.createElement('mark')).textContent = part.text;
    else p.append(part.text);
  }
  return li;
}

export function startSearch(root: HTMLElement): void {
  const form = root.querySelector('form')!;
  const input = root.querySelector<HTMLInputElement>('input[type="search"]')!;
  const status = root.querySelector<HTMLElement>('.search-status')!;
  const list = root.querySelector<HTMLOListElement>('.search-results')!;
  const more = root.querySelector<HTMLButtonElement>('.search-more')!;
  const searcher = new Searcher(loadJson);
  let run = 0;
  let shown: { ids: number[]; build: string; query: QueryTerm[]; count: number; loading: boolean } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const showMore = async (current: number) => {
    // One page at a time: a double click (or a held Enter) while a page loads would take the same slice twice.
    const results = shown;
    if (!results || results.loading) return;
    results.loading = true;
    try {
      const ids = results.ids.slice(results.count, results.count + PAGE);
      const hits = await searcher.hits(ids, results.build);
      if (current !== run) return;
      const items = hits.map((hit) => resultItem(hit, results.query));
      list.append(...items);
      results.count += ids.length;
      const last = results.count >= results.ids.length;
      // Hiding the focused button would drop focus to the page's start: it goes to the first new result instead.
      if (last && document.activeElement === more) items[0]?.querySelector('a')?.focus();
      more.hidden = last;
    } finally {
      results.loading = false;
    }
  };

  const unavailable = () => {
    status.textContent = '';
    root.querySelector('.search-unavailable')?.removeAttribute('hidden');
  };

  const search = async (): Promise<void> => {
    const current = ++run;
    const text = input.value;
    const query = parseQuery(text);
    history.replaceState(null, '', text.trim() ? `?q=${encodeURIComponent(text)}` : location.pathname);
    // Twice at most: a deploy that replaced the index while the query ran makes it run again on the new one.
    for (let attempt = 1; ; attempt++) {
      try {
        const { ids, build } = await searcher.search(query);
        if (current !== run) return;
        list.replaceChildren();
        more.hidden = true;
        shown = { ids, build, query, count: 0, loading: false };
        root.querySelector('.search-unavailable')?.setAttribute('hidden', '');
        const shownText = text.trim();
        status.textContent = query.length === 0 ? '' : ids.length === 0 ? `No recap matches “${shownText}”.` : `${ids.length} ${ids.length === 1 ? 'recap' : 'recaps'} for “${shownText}”`;
        await showMore(current);
        return;
      } catch (error) {
        if (current !== run) return;
        if (error instanceof IndexChangedError && attempt < 2) continue;
        unavailable();
        return;
      }
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 120);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(timer);
    void search();
  });
  more.addEventListener('click', () => {
    const current = run;
    showMore(current).catch((error: unknown) => {
      if (current !== run) return;
      // The index was replaced since these results were found: find them again in the new one.
      if (error instanceof IndexChangedError) void search();
      else unavailable();
    });
  });
  const q = new URLSearchParams(location.search).get('q');
  if (q) {
    input.value = q;
    void search();
  }
}
