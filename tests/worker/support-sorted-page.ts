// The reference the sorted-page tests compare against: the page one sorted pass over the whole range gives
// (NOT INDEXED: no index, so no plan of ours), and a small seeded generator so a failure names a reproducible case.
import { env } from 'cloudflare:workers';
import { buildWhere, SORT_COLUMNS, type ItemFilter } from '../../worker/storage/content-item-filter.ts';
import type { SortedPageOptions } from '../../worker/storage/content-item-sorted-page.ts';

/** A linear congruential generator in [0, 1). */
export function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

/** The ids of the page one sorted pass over the range gives. */
export async function onePass(filter: ItemFilter, options: SortedPageOptions): Promise<string[]> {
  const { where, params } = buildWhere(filter);
  const sort = SORT_COLUMNS[options.sortBy];
  const direction = options.sortOrder === 'desc' ? 'DESC' : 'ASC';
  const after = options.after ? ` AND (${sort}, content_item_id) ${options.sortOrder === 'desc' ? '<' : '>'} (?, ?)` : '';
  const sql = `SELECT content_item_id FROM content_items NOT INDEXED WHERE ${where}${after} ORDER BY ${sort} ${direction}, content_item_id ${direction} LIMIT ? OFFSET ?`;
  const rows = await env.DB.prepare(sql).bind(...params, ...(options.after ?? []), options.limit, options.offset).all<{ content_item_id: string }>();
  return rows.results.map((r) => r.content_item_id);
}
