// Content items in R2 (content-items/{id}.json, the durable copy, written first) and D1 (the index the API
// queries, with the item JSON so lists never read R2). Writes are compare-and-set on a version column, so two
// stages touching one item never lose each other's change.
import { ContentItem, ProcessingStatus, r2Keys } from '../../content-pipeline/index.ts';

interface StoredRow {
  item_json: string;
  version: number;
}

export interface VersionedItem {
  item: ContentItem;
  version: number;
}

export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

const COLUMNS = `content_item_id, clip_id, platform, broadcaster_id, broadcaster_name, clip_created_at, processing_status,
  status_reason, content_category, clip_view_count, clip_duration, content_score, github_confidence, updated_at, item_json`;

function columnValues(item: ContentItem, githubConfidence: number | null): unknown[] {
  return [
    item.content_item_id,
    item.clip_id,
    item.platform,
    item.broadcaster_id ?? null,
    item.broadcaster_name,
    item.clip_created_at,
    item.processing_status,
    item.status_reason ?? null,
    item.content_category ?? null,
    item.clip_view_count,
    item.clip_duration,
    item.content_score ?? null,
    githubConfidence,
    item.updated_at ?? item.stored_at,
    JSON.stringify(item),
  ];
}

export class ContentItemStore {
  private readonly db: D1Database;
  private readonly bucket: R2Bucket;

  constructor(db: D1Database, bucket: R2Bucket) {
    this.db = db;
    this.bucket = bucket;
  }

  async get(contentItemId: string): Promise<VersionedItem | null> {
    const row = await this.db
      .prepare('SELECT item_json, version FROM content_items WHERE content_item_id = ?1')
      .bind(contentItemId)
      .first<StoredRow>();
    return row ? { item: ContentItem.parse(JSON.parse(row.item_json)), version: row.version } : null;
  }

  async getByClip(platform: string, clipId: string): Promise<VersionedItem | null> {
    const row = await this.db
      .prepare('SELECT item_json, version FROM content_items WHERE platform = ?1 AND clip_id = ?2')
      .bind(platform, clipId)
      .first<StoredRow>();
    return row ? { item: ContentItem.parse(JSON.parse(row.item_json)), version: row.version } : null;
  }

  private async writeR2(item: ContentItem): Promise<void> {
    await this.bucket.put(r2Keys.contentItem(item.content_item_id), JSON.stringify(item), {
      httpMetadata: { contentType: 'application/json' },
    });
  }

  /** Stores a new item; false (and nothing changed, in D1 or R2) when the item or its clip already exists. */
  async insert(item: ContentItem): Promise<boolean> {
    ContentItem.parse(item);
    // Checked before the R2 write: writing first would replace the durable copy of an existing item (say, one
    // already scored) with this new one, and nothing might write it again. Two inserts racing both write the same
    // new item; the D1 constraint below lets one in.
    const exists = await this.db
      .prepare('SELECT 1 FROM content_items WHERE content_item_id = ?1 OR (platform = ?2 AND clip_id = ?3) LIMIT 1')
      .bind(item.content_item_id, item.platform, item.clip_id)
      .first();
    if (exists) return false;
    await this.writeR2(item);
    const result = await this.db
      .prepare(`INSERT INTO content_items (${COLUMNS}) VALUES (${Array.from({ length: 15 }, (_, i) => `?${i + 1}`).join(', ')})
                ON CONFLICT DO NOTHING RETURNING version`)
      .bind(...columnValues(item, null))
      .run();
    // RETURNING, not meta.changes: D1 counts the rows the content_item_counts triggers touch as changes too.
    return result.results.length === 1;
  }

  /** Writes `item` if the stored version is still `expectedVersion`; returns the new version or null. */
  async replace(item: ContentItem, expectedVersion: number, githubConfidence: number | null = null): Promise<number | null> {
    ContentItem.parse(item);
    await this.writeR2(item);
    const result = await this.db
      .prepare(
        `UPDATE content_items SET broadcaster_id = ?4, broadcaster_name = ?5, clip_created_at = ?6, processing_status = ?7,
           status_reason = ?8, content_category = ?9, clip_view_count = ?10, clip_duration = ?11, content_score = ?12,
           github_confidence = COALESCE(?13, github_confidence), updated_at = ?14, item_json = ?15, version = version + 1
         WHERE content_item_id = ?1 AND clip_id = ?2 AND platform = ?3 AND version = ?16
         RETURNING version`,
      )
      .bind(...columnValues(item, githubConfidence), expectedVersion)
      .run<{ version: number }>();
    return result.results[0]?.version ?? null;
  }

  /**
   * Reads, applies `change`, and writes back, re-reading on a concurrent write (a few times, then giving up).
   * `change` returns the same object to mean "nothing to write". Returns the final item, or null when absent.
   */
  async update(
    contentItemId: string,
    change: (item: ContentItem) => ContentItem | Promise<ContentItem>,
    githubConfidence: number | null = null,
  ): Promise<ContentItem | null> {
    let lostRace = false;
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.get(contentItemId);
      if (!current) return null;
      const next = await change(current.item);
      if (next === current.item) {
        // A write that lost the version check had already put its item to R2: put back the one D1 holds.
        if (lostRace) await this.writeR2(current.item);
        return current.item;
      }
      if ((await this.replace(next, current.version, githubConfidence)) !== null) return next;
      lostRace = true;
    }
    throw new ConcurrentUpdateError(`content item ${contentItemId} kept changing under five attempts to update it`);
  }

  /**
   * Items by processing status (statuses with none left out), summed from the per-day counts the triggers keep
   * (migration 0006): a seek per status reading one row per day, where COUNT(*) read every item.
   */
  async countByStatus(): Promise<Record<string, number>> {
    const statuses = ProcessingStatus.options;
    const { results } = await this.db
      .prepare(
        `SELECT processing_status, SUM(n) AS n FROM content_item_counts
         WHERE processing_status IN (${statuses.map((_, i) => `?${i + 1}`).join(', ')}) AND content_category = '*'
         GROUP BY processing_status HAVING SUM(n) > 0`,
      )
      .bind(...statuses)
      .all<{ processing_status: string; n: number }>();
    return Object.fromEntries(results.map((r) => [r.processing_status, r.n]));
  }

  /** Items waiting at their stage for a reason (e.g. budget_exceeded), oldest first. */
  async waiting(reasonPrefix: string, limit: number): Promise<Array<{ content_item_id: string; processing_status: ProcessingStatus }>> {
    const { results } = await this.db
      .prepare(
        `SELECT content_item_id, processing_status FROM content_items
         WHERE status_reason >= ?1 AND status_reason < ?2 ORDER BY content_item_id LIMIT ?3`,
      )
      .bind(reasonPrefix, `${reasonPrefix}\uffff`, limit)
      .all<{ content_item_id: string; processing_status: ProcessingStatus }>();
    return results;
  }
}
