// D1 store of GitHub events (table github_events) and webhook deliveries (github_deliveries). Webhook and backfill
// write the same ids; a webhook's richer row (files, branch) is never overwritten by backfill.
import { GitHubEvent } from '../../content-pipeline/index.ts';
import { batchInChunks } from './chunked-batch.ts';

export type EventSource = 'webhook' | 'backfill';

export interface EventCounts {
  commits: number;
  pull_requests: number;
  issues: number;
}

export class GitHubEventStore {
  private readonly db: D1Database;

  constructor(db: D1Database) {
    this.db = db;
  }

  /**
   * Upserts events, one statement each (D1 allows 100 bound parameters per statement), 50 to a batch. A new event,
   * and every event a webhook writes, is marked for a rematch (migration 0009) until `rematchQueued` clears it.
   */
  async upsert(events: readonly GitHubEvent[], source: EventSource, nowIso: string): Promise<number> {
    const statements = events.map((event) =>
      this.db
        .prepare(
          `INSERT INTO github_events (event_id, repo, type, action, occurred_at, source, event_json, updated_at, rematch_pending)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)
           ON CONFLICT (event_id) DO UPDATE SET event_json = excluded.event_json, occurred_at = excluded.occurred_at,
             source = excluded.source, updated_at = excluded.updated_at,
             rematch_pending = CASE WHEN excluded.source = 'webhook' THEN 1 ELSE github_events.rematch_pending END
           WHERE excluded.source = 'webhook' OR github_events.source = 'backfill'`,
        )
        .bind(event.id, event.repo, event.type, event.action, event.occurred_at, source, JSON.stringify(GitHubEvent.parse(event)), nowIso),
    );
    await batchInChunks(this.db, statements);
    return statements.length;
  }

  /**
   * One statement per chunk of `ids` (D1 binds at most 100 parameters a statement): `sql` gets the chunk's
   * placeholder list, numbered after the `before` parameters that come first.
   */
  private idStatements(ids: readonly string[], sql: (placeholders: string) => string, before: readonly unknown[] = []): D1PreparedStatement[] {
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < ids.length; i += 90) {
      const chunk = ids.slice(i, i + 90);
      statements.push(this.db.prepare(sql(chunk.map((_, j) => `?${before.length + j + 1}`).join(', '))).bind(...before, ...chunk));
    }
    return statements;
  }

  /** The ids among `ids` already stored. */
  async known(ids: readonly string[]): Promise<Set<string>> {
    const results = await batchInChunks<{ event_id: string }>(this.db, this.idStatements(ids, (list) => `SELECT event_id FROM github_events WHERE event_id IN (${list})`));
    return new Set(results.flatMap((r) => r.results.map((row) => row.event_id)));
  }

  /** The events among `ids` still waiting for their rematch. */
  async pendingRematch(ids: readonly string[]): Promise<GitHubEvent[]> {
    const results = await batchInChunks<{ event_json: string }>(
      this.db,
      this.idStatements(ids, (list) => `SELECT event_json FROM github_events WHERE rematch_pending = 1 AND event_id IN (${list})`),
    );
    return results.flatMap((r) => r.results.map((row) => GitHubEvent.parse(JSON.parse(row.event_json))));
  }

  /** Events still waiting for their rematch, written before `beforeIso` (a run that stopped halfway), oldest first. */
  async staleRematches(beforeIso: string, limit: number): Promise<Array<{ event: GitHubEvent; updatedAt: string }>> {
    const { results } = await this.db
      .prepare('SELECT event_json, updated_at FROM github_events WHERE rematch_pending = 1 AND updated_at < ?1 ORDER BY updated_at LIMIT ?2')
      .bind(beforeIso, limit)
      .all<{ event_json: string; updated_at: string }>();
    return results.map((r) => ({ event: GitHubEvent.parse(JSON.parse(r.event_json)), updatedAt: r.updated_at }));
  }

  /**
   * Clears the rematch mark of `ids` once their rematches are queued, unless a later write (`updated_at` after
   * `writtenAtIso`) marked them again.
   */
  async rematchQueued(ids: readonly string[], writtenAtIso: string): Promise<void> {
    await batchInChunks(
      this.db,
      this.idStatements(ids, (list) => `UPDATE github_events SET rematch_pending = 0 WHERE updated_at <= ?1 AND event_id IN (${list})`, [writtenAtIso]),
    );
  }

  /** Events in [fromIso, toIso], optionally only of some repositories, oldest first. */
  async between(fromIso: string, toIso: string, repos: readonly string[] = []): Promise<GitHubEvent[]> {
    const repoFilter = repos.length > 0 ? ` AND repo IN (${repos.map((_, i) => `?${i + 3}`).join(', ')})` : '';
    const { results } = await this.db
      .prepare(`SELECT event_json FROM github_events WHERE occurred_at >= ?1 AND occurred_at <= ?2${repoFilter} ORDER BY occurred_at, event_id LIMIT 2000`)
      .bind(fromIso, toIso, ...repos)
      .all<{ event_json: string }>();
    return results.map((r) => GitHubEvent.parse(JSON.parse(r.event_json)));
  }

  /**
   * Commits, pull requests opened or merged, and issues opened in [fromIso, toIso), for one repository (any case,
   * as GitHub's names are) or all, as a statement callers can put in their own D1 batch; read its result with
   * `readCounts`. A pull request both opened and merged in the range is one pull request.
   */
  countsStatement(fromIso: string, toIso: string, repo?: string): D1PreparedStatement {
    const repoFilter = repo ? ' AND repo = ?3' : '';
    return this.db
      .prepare(
        `SELECT type, COUNT(DISTINCT CASE WHEN type = 'push' THEN event_id ELSE lower(repo) || '#' || json_extract(event_json, '$.number') END) AS n FROM github_events
         WHERE occurred_at >= ?1 AND occurred_at < ?2${repoFilter}
           AND (type = 'push' OR (type = 'pull_request' AND action IN ('opened', 'merged')) OR (type = 'issues' AND action = 'opened'))
         GROUP BY type`,
      )
      .bind(fromIso, toIso, ...(repo ? [repo] : []));
  }

  readCounts(result: D1Result): EventCounts {
    const rows = result.results as Array<{ type: string; n: number }>;
    const count = (type: string) => rows.find((r) => r.type === type)?.n ?? 0;
    return { commits: count('push'), pull_requests: count('pull_request'), issues: count('issues') };
  }

  async counts(fromIso: string, toIso: string, repo?: string): Promise<EventCounts> {
    return this.readCounts(await this.countsStatement(fromIso, toIso, repo).all());
  }

  async deliverySeen(deliveryId: string): Promise<boolean> {
    return (await this.db.prepare('SELECT 1 FROM github_deliveries WHERE delivery_id = ?1').bind(deliveryId).first()) !== null;
  }

  async recordDelivery(deliveryId: string, event: string, eventsStored: number, nowIso: string): Promise<void> {
    await this.db
      .prepare('INSERT INTO github_deliveries (delivery_id, event, received_at, events_stored) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING')
      .bind(deliveryId, event, nowIso, eventsStored)
      .run();
  }
}
