// D1 store of accepted nonces (table auth_nonces): the atomic replay check of the HMAC scheme.

/** What D1 reports when a batch's nonce insert meets a live row (the batch is rolled back). */
const NONCE_CONFLICT = /UNIQUE constraint failed: auth_nonces\.nonce/;

export class NonceStore {
  private readonly db: D1Database;

  constructor(db: D1Database) {
    this.db = db;
  }

  /**
   * Records the nonce until `expiresAtMs`. True when this call recorded it; false when it is already held by an
   * unexpired request. The conflict clause makes the check and the write one statement on the D1 primary, so of
   * any number of concurrent requests with one nonce exactly one gets true.
   */
  async record(nonce: string, keyId: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    const result = await this.db
      .prepare(
        `INSERT INTO auth_nonces (nonce, key_id, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (nonce) DO UPDATE SET key_id = excluded.key_id, expires_at = excluded.expires_at
         WHERE auth_nonces.expires_at < ?4`,
      )
      .bind(nonce, keyId, expiresAtMs, nowMs)
      .run();
    return result.meta.changes === 1;
  }

  /**
   * The same claim as statements to put in front of a D1 batch: an expired holder is dropped, then a plain insert
   * fails on a live one, which aborts the whole batch (D1 runs a batch as one transaction), so the request's
   * writes and its nonce commit together or not at all. Detect that failure with `isConflict`.
   */
  claimStatements(nonce: string, keyId: string, expiresAtMs: number, nowMs: number): D1PreparedStatement[] {
    return [
      this.db.prepare('DELETE FROM auth_nonces WHERE nonce = ?1 AND expires_at < ?2').bind(nonce, nowMs),
      this.db.prepare('INSERT INTO auth_nonces (nonce, key_id, expires_at) VALUES (?1, ?2, ?3)').bind(nonce, keyId, expiresAtMs),
    ];
  }

  /** Whether a failed batch failed because its nonce claim met a live nonce. */
  static isConflict(error: unknown): boolean {
    return error instanceof Error && NONCE_CONFLICT.test(error.message);
  }

  /** Deletes nonces whose window has passed; returns how many. */
  async sweep(nowMs: number): Promise<number> {
    const result = await this.db.prepare('DELETE FROM auth_nonces WHERE expires_at < ?1').bind(nowMs).run();
    return result.meta.changes;
  }
}
