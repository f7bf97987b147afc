// The search index (site/lib/search-index.ts) as static files: /search-index/manifest.json, t-<n>.json (terms),
// d-<n>.json (recaps' text for excerpts). Built from publishedRecaps(), so it holds exactly the recaps that have
// a page in this build (drafts only in preview builds). Only the search page's script fetches them.
import type { APIRoute, GetStaticPaths } from 'astro';
import { publishedRecaps } from '../../lib/recaps.ts';
import { searchDoc } from '../../lib/search-docs.ts';
import { buildSearchIndex, searchIndexFiles } from '../../lib/search-index.ts';

export const getStaticPaths = (async () => {
  const files = searchIndexFiles(buildSearchIndex((await publishedRecaps()).map(searchDoc)));
  return [...files].map(([file, json]) => ({ params: { file }, props: { json } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) => new Response(props.json as string, { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
