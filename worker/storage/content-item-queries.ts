// Reading content items through the index: the cursor listing (GET /api/content-items, keyset pagination) and the
// generation API's offset pages with their totals, so every page costs about its own size in rows read, never a
// scan of the table or of R2. The SQL is built by content-item-sorted-page.ts and content-item-count.ts.
import { z } from 'zod';
import { ContentCategory, ContentItem, IsoDateTime, ProcessingStatus, Ulid } from '../../content-pipeline/index.ts';
import { countStatement } from './content-item-count.ts';
import type { ItemFilter, SORT_COLUMNS } from './content-item-filter.ts';
import { planSortedPage, readSortedPage, type SortedPageOptions } from './content-item-sorted-page.ts';

const csv = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
    z.array(item).min(1),
  );

const number = z.coerce.number().finite().nonnegative();

export const ContentItemListQuery = z
  .object({
    start: IsoDateTime,
    end: IsoDateTime,
    broadcaster: z.string().min(1).max(50).optional(),
    status: csv(ProcessingStatus).optional(),
    category: csv(ContentCategory).optional(),
    min_views: number.optional(),
    min_duration: number.optional(),
    max_duration: number.optional(),
    min_score: number.max(100).optional(),
    sort_by: z.enum(['created_at', 'view_count', 'duration', 'content_score']).default('created_at'),
    sort_order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(400).optional(),
  })
  .strict()
  .refine((q) => Date.parse(q.end) > Date.parse(q.start), { message: 'end must be after start', path: ['end'] })
  .refine((q) => q.min_duration === undefined || q.max_duration === undefined || q.min_duration <= q.max_duration, {
    message: 'max_duration must be at least min_duration',
    path: ['max_duration'],
  });
export type ContentItemListQuery = z.infer<typeof ContentItemListQuery>;

const Cursor = z.tuple([z.enum(['created_at', 'view_count', 'duration', 'content_score']), z.enum(['asc', 'desc']), z.union([z.string(), z.number()]), z.string()]);
/**
 * The keyset value a cursor may carry for each sort: SQLite would compare text with numbers by type (any text
 * above every number), so a value of the wrong kind would silently give the first page again, or none.
 */
const CursorValue = {
  created_at: IsoDateTime,
  view_count: z.number().finite(),
  duration: z.number().finite(),
  content_score: z.number().finite(),
} as const;

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

function encodeCursor(parts: z.infer<typeof Cursor>): string {
  return btoa(JSON.stringify(parts)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeCursor(cursor: string, query: ContentItemListQuery): [string | number, string] {
  try {
    const parts = Cursor.parse(JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))));
    if (parts[0] !== query.sort_by || parts[1] !== query.sort_order) throw new Error('sort changed');
    return [CursorValue[parts[0]].parse(parts[2]), Ulid.parse(parts[3])];
  } catch {
    throw new InvalidCursorError('cursor is not one this endpoint issued for this sort');
  }
}

export interface ContentItemPage {
  items: ContentItem[];
  next_cursor?: string;
  rows_read: number;
}


export function listPageRequest(query: ContentItemListQuery): { filter: ItemFilter; options: SortedPageOptions } {
  const filter: ItemFilter = {
    start: query.start,
    end: query.end,
    ...(query.broadcaster && { broadcaster: query.broadcaster }),
    ...(query.status && { statuses: query.status }),
    ...(query.category && { categories: query.category }),
    ...(query.min_views !== undefined && { minViews: query.min_views }),
    ...(query.min_duration !== undefined && { minDuration: query.min_duration }),
    ...(query.max_duration !== undefined && { maxDuration: query.max_duration }),
    ...(query.min_score !== undefined && { minScore: query.min_score }),
  };
  return {
    filter,
    options: {
      sortBy: query.sort_by,
      sortOrder: query.sort_order,
      limit: query.limit + 1,
      offset: 0,
      ...(query.cursor && { after: decodeCursor(query.cursor, query) }),
    },
  };
}


export async function listContentItems(db: D1Database, query: ContentItemListQuery): Promise<ContentItemPage> {
  const { filter, options } = listPageRequest(query);
  const { rows, rowsRead } = await readSortedPage(db, filter, options);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => JSON.parse(row.item_json) as ContentItem),
    ...(rows.length > query.limit && last && { next_cursor: encodeCursor([query.sort_by, query.sort_order, last.sort_value, last.content_item_id]) }),
    rows_read: rowsRead,
  };
}


/** Runs statements as one D1 batch: `db.batch`, or a wrapper such as the request's nonce claim (nonce-claim.ts). */
export type BatchRunner = (statements: D1PreparedStatement[]) => Promise<D1Result[]>;

export interface OffsetPage {
  items: ContentItem[];
  total: number;
  rows_read: { page: number; count: number };
  /** Results of the extra statements, in order. */
  extra: D1Result[];
}

/**
 * One page by offset (the generation API's page/limit) and the total, plus any `extra` statements, in one D1 batch
 * (one round trip; `runBatch` runs it, e.g. with the request's nonce claim in front). `limit` 0 skips the page and
 * only counts.
 */
export async function pageContentItems(
  db: D1Database,
  filter: ItemFilter,
  sortBy: keyof typeof SORT_COLUMNS,
  sortOrder: 'asc' | 'desc',
  page: number,
  limit: number,
  extra: D1PreparedStatement[] = [],
  runBatch: BatchRunner = (statements) => db.batch(statements),
): Promise<OffsetPage> {
  const count = countStatement(db, filter);
  const plan = limit > 0 ? planSortedPage(db, filter, { sortBy, sortOrder, limit, offset: (page - 1) * limit }) : null;
  const pageStatements = plan?.statements ?? [];
  const results = await runBatch([count, ...pageStatements, ...extra]);
  const counted = results[0]!;
  const sorted = plan ? await plan.finish(results.slice(1, 1 + pageStatements.length)) : null;
  return {
    items: sorted ? sorted.rows.map((r) => JSON.parse(r.item_json) as ContentItem) : [],
    total: (counted.results[0] as { n: number }).n,
    rows_read: { page: sorted?.rowsRead ?? 0, count: counted.meta.rows_read },
    extra: results.slice(1 + pageStatements.length),
  };
}
