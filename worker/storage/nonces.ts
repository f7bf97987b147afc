// D1 store of accepted nonces (table auth_nonces): the atomic replay check of the HMAC scheme.

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

  /** Deletes nonces whose window has passed; returns how many. */
  async sweep(nowMs: number): Promise<number> {
    const result = await this.db.prepare('DELETE FROM auth_nonces WHERE expires_at < ?1').bind(nowMs).run();
    return result.meta.changes;
  }
}
