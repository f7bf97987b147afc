// List queries over the content_items index: a date range, filters, a sort, and keyset (cursor) pagination, so
// every page costs about its own size in rows read, never a scan of the table or of R2.
import { z } from 'zod';
import { ContentCategory, ContentItem, IsoDateTime, ProcessingStatus } from '../../content-pipeline/index.ts';

export const SORT_COLUMNS = {
  created_at: 'clip_created_at',
  view_count: 'clip_view_count',
  duration: 'clip_duration',
  content_score: 'IFNULL(content_score, -1)',
} as const;

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
    return [parts[2], parts[3]];
  } catch {
    throw new InvalidCursorError('cursor is not one this endpoint issued for this sort');
  }
}

export interface ContentItemPage {
  items: ContentItem[];
  next_cursor?: string;
  rows_read: number;
}

export function buildListQuery(query: ContentItemListQuery): { sql: string; params: unknown[] } {
  const sort = SORT_COLUMNS[query.sort_by];
  const where = ['clip_created_at >= ?', 'clip_created_at < ?'];
  const params: unknown[] = [new Date(query.start).toISOString(), new Date(query.end).toISOString()];
  if (query.broadcaster) (where.push('broadcaster_name = ?'), params.push(query.broadcaster));
  if (query.status) (where.push(`processing_status IN (${query.status.map(() => '?').join(', ')})`), params.push(...query.status));
  if (query.category) (where.push(`content_category IN (${query.category.map(() => '?').join(', ')})`), params.push(...query.category));
  if (query.min_views !== undefined) (where.push('clip_view_count >= ?'), params.push(query.min_views));
  if (query.min_duration !== undefined) (where.push('clip_duration >= ?'), params.push(query.min_duration));
  if (query.max_duration !== undefined) (where.push('clip_duration <= ?'), params.push(query.max_duration));
  if (query.min_score !== undefined) (where.push('content_score >= ?'), params.push(query.min_score));
  const direction = query.sort_order === 'desc' ? 'DESC' : 'ASC';
  if (query.cursor) {
    const [value, id] = decodeCursor(query.cursor, query);
    where.push(`(${sort}, content_item_id) ${query.sort_order === 'desc' ? '<' : '>'} (?, ?)`);
    params.push(value, id);
  }
  params.push(query.limit + 1);
  return {
    sql: `SELECT item_json, ${sort} AS sort_value, content_item_id FROM content_items WHERE ${where.join(' AND ')}
          ORDER BY ${sort} ${direction}, content_item_id ${direction} LIMIT ?`,
    params,
  };
}

export async function listContentItems(db: D1Database, query: ContentItemListQuery): Promise<ContentItemPage> {
  const { sql, params } = buildListQuery(query);
  const result = await db.prepare(sql).bind(...params).all<{ item_json: string; sort_value: string | number; content_item_id: string }>();
  const rows = result.results;
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => JSON.parse(row.item_json) as ContentItem),
    ...(rows.length > query.limit && last && { next_cursor: encodeCursor([query.sort_by, query.sort_order, last.sort_value, last.content_item_id]) }),
    rows_read: result.meta.rows_read,
  };
}
