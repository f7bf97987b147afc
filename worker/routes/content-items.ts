// Content item routes: the cursor-paginated list (served from D1 indexes), one item (optionally with its
// transcript), and the re-drive of a failed item.
import type { Hono } from 'hono';
import { z } from 'zod';
import { r2Keys, transition, Ulid } from '../../content-pipeline/index.ts';
import type { AppBindings } from '../context.ts';
import { AppError } from '../errors.ts';
import { enqueue } from '../pipeline/enqueue.ts';
import { ContentItemListQuery, InvalidCursorError, listContentItems } from '../storage/content-item-queries.ts';
import { parseInput } from '../validation.ts';
import { queryObject } from './util.ts';

// ULIDs are case-insensitive; they are stored in upper case (as the job routes take them).
const ItemPath = z.object({ id: Ulid.transform((id) => id.toUpperCase()) });
const ItemQuery = z.object({ include: z.enum(['transcript']).optional() }).strict();

export function registerContentItemRoutes(app: Hono<AppBindings>): void {
  app.get('/api/content-items', async (c) => {
    const query = parseInput(ContentItemListQuery, queryObject(c), 'query');
    try {
      const page = await listContentItems(c.get('services').db, query);
      return c.json({
        content_items: page.items,
        pagination: { limit: query.limit, has_next: page.next_cursor !== undefined, ...(page.next_cursor && { next_cursor: page.next_cursor }) },
      });
    } catch (error) {
      if (error instanceof InvalidCursorError) {
        throw new AppError('VALIDATION_FAILED', `Invalid request query: cursor: ${error.message}`, { fields: [{ field: 'cursor', message: error.message }] });
      }
      throw error;
    }
  });

  app.get('/api/content-items/:id', async (c) => {
    const { id } = parseInput(ItemPath, { id: c.req.param('id') }, 'path');
    const { include } = parseInput(ItemQuery, queryObject(c), 'query');
    const services = c.get('services');
    const found = await services.contentItems.get(id);
    if (!found) throw new AppError('NOT_FOUND', `No content item ${id}`);
    if (include !== 'transcript') return c.json({ content_item: found.item });
    const transcript = found.item.transcript_url ? await services.bucket.get(r2Keys.transcript(found.item.clip_id)) : null;
    return c.json({ content_item: found.item, ...(transcript && { transcript: await transcript.json() }) });
  });

  app.post('/api/content-items/:id/retry', async (c) => {
    const { id } = parseInput(ItemPath, { id: c.req.param('id') }, 'path');
    const services = c.get('services');
    const now = new Date(services.clock()).toISOString();
    let refused: string | undefined;
    const item = await services.contentItems.update(id, (current) => {
      if (current.processing_status !== 'failed') {
        refused = current.processing_status;
        return current;
      }
      if (current.error?.code === 'invalid_clip') {
        refused = 'failed with invalid_clip (re-ingest the clip instead)';
        return current;
      }
      return transition(current, 'queued', now);
    });
    if (!item) throw new AppError('NOT_FOUND', `No content item ${id}`);
    if (refused !== undefined) throw new AppError('CONFLICT', `Only failed items can be re-driven; this one is ${refused}`);
    await enqueue(services.jobsQueue, [{ type: 'clip.audio', content_item_id: id }]);
    return c.json({ content_item_id: id, processing_status: item.processing_status }, 202);
  });
}
