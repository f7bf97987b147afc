// D1 store of idempotent responses (table idempotency_records): claim a key, then complete or release it.

export interface StoredResponse {
  status: number;
  body: string;
  contentType: string;
}

export type ClaimResult =
  | { outcome: 'claimed' }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'in_progress' }
  | { outcome: 'mismatch' };

/** How long a claim may stay pending before another attempt may take it over (the first one died). */
const LOCK_MS = 60_000;

interface Row {
  fingerprint: string;
  state: 'pending' | 'done';
  response_status: number | null;
  response_body: string | null;
  response_content_type: string | null;
}

export class IdempotencyStore {
  private readonly db: D1Database;
  private readonly ttlMs: number;

  constructor(db: D1Database, ttlMs: number) {
    this.db = db;
    this.ttlMs = ttlMs;
  }

  /**
   * Claims `scope` for this request in one statement: inserted when new, taken over when the old record expired
   * or its owner's lock lapsed. Otherwise the stored record says whether to replay, wait, or refuse.
   */
  async claim(scope: string, fingerprint: string, nowMs: number): Promise<ClaimResult> {
    const claim = await this.db
      .prepare(
        `INSERT INTO idempotency_records (scope, fingerprint, state, created_at, locked_until, expires_at)
         VALUES (?1, ?2, 'pending', ?3, ?4, ?5)
         ON CONFLICT (scope) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'pending',
           created_at = excluded.created_at, locked_until = excluded.locked_until, expires_at = excluded.expires_at,
           response_status = NULL, response_body = NULL, response_content_type = NULL
         WHERE idempotency_records.expires_at < ?3
            OR (idempotency_records.state = 'pending' AND idempotency_records.locked_until < ?3
                AND idempotency_records.fingerprint = excluded.fingerprint)`,
      )
      .bind(scope, fingerprint, nowMs, nowMs + LOCK_MS, nowMs + this.ttlMs)
      .run();
    if (claim.meta.changes === 1) return { outcome: 'claimed' };

    const row = await this.db
      .prepare(
        `SELECT fingerprint, state, response_status, response_body, response_content_type
         FROM idempotency_records WHERE scope = ?1`,
      )
      .bind(scope)
      .first<Row>();
    // Deleted between the two statements (its owner failed): the client may simply retry.
    if (!row) return { outcome: 'in_progress' };
    if (row.fingerprint !== fingerprint) return { outcome: 'mismatch' };
    if (row.state === 'pending') return { outcome: 'in_progress' };
    return {
      outcome: 'replay',
      response: {
        status: row.response_status ?? 200,
        body: row.response_body ?? '',
        contentType: row.response_content_type ?? 'application/json',
      },
    };
  }

  async complete(scope: string, response: StoredResponse): Promise<void> {
    await this.db
      .prepare(
        `UPDATE idempotency_records SET state = 'done', response_status = ?2, response_body = ?3,
           response_content_type = ?4
         WHERE scope = ?1 AND state = 'pending'`,
      )
      .bind(scope, response.status, response.body, response.contentType)
      .run();
  }

  /** Forgets a pending claim whose request failed on our side, so a retry runs it again. */
  async release(scope: string): Promise<void> {
    await this.db.prepare(`DELETE FROM idempotency_records WHERE scope = ?1 AND state = 'pending'`).bind(scope).run();
  }

  async sweep(nowMs: number): Promise<number> {
    const result = await this.db.prepare('DELETE FROM idempotency_records WHERE expires_at < ?1').bind(nowMs).run();
    return result.meta.changes;
  }
}
