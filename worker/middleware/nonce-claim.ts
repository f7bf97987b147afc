// When a signed request's nonce is recorded. By default the HMAC middleware records it before the route runs (one
// D1 write of its own). Routes registered with `nonceWithFirstWrite` instead put the claim in front of their first
// D1 batch, so the acknowledgement costs one write transaction instead of two: the nonce and the request's writes
// commit together, and a replay's batch fails as a whole. Anything a route does outside D1 (a queue send, an R2
// put) must come after `settle()` or such a batch.
import { createMiddleware } from 'hono/factory';
import type { AppBindings } from '../context.ts';
import { AppError } from '../errors.ts';
import { log } from '../log.ts';
import { NonceStore } from '../storage/nonces.ts';

export interface NonceClaimInput {
  store: NonceStore;
  db: D1Database;
  nonce: string;
  keyId: string;
  expiresAtMs: number;
  nowMs: number;
  /** Fields of the request's one auth log line (method, path, request id). */
  attempt: Record<string, unknown>;
}

export class NonceClaim {
  private readonly input: NonceClaimInput;
  private settled = false;

  constructor(input: NonceClaimInput) {
    this.input = input;
  }

  get isSettled(): boolean {
    return this.settled;
  }

  private accepted(): void {
    this.settled = true;
    log('info', 'auth', { outcome: 'accepted', reason: 'ok', key_id: this.input.keyId, ...this.input.attempt });
  }

  private replayed(): never {
    log('warn', 'auth', { outcome: 'rejected', reason: 'nonce_reused', key_id: this.input.keyId, ...this.input.attempt });
    throw new AppError('NONCE_REUSED', 'Nonce already used');
  }

  /** Records the nonce on its own (no-op once settled); throws NONCE_REUSED for a replay. */
  async settle(): Promise<void> {
    if (this.settled) return;
    const { store, nonce, keyId, expiresAtMs, nowMs } = this.input;
    if (!(await store.record(nonce, keyId, expiresAtMs, nowMs))) this.replayed();
    this.accepted();
  }

  /** Runs `statements` as one D1 batch, with the nonce claim in front while it is unsettled; their results. */
  async batch(statements: D1PreparedStatement[]): Promise<D1Result[]> {
    const { store, db, nonce, keyId, expiresAtMs, nowMs } = this.input;
    if (this.settled) return db.batch(statements);
    const claim = store.claimStatements(nonce, keyId, expiresAtMs, nowMs);
    let results: D1Result[];
    try {
      results = await db.batch([...claim, ...statements]);
    } catch (error) {
      if (NonceStore.isConflict(error)) this.replayed();
      throw error;
    }
    this.accepted();
    return results.slice(claim.length);
  }
}

/** Marks a route as one that claims its nonce with its first D1 batch (see above); register before hmacAuth. */
export const nonceWithFirstWrite = createMiddleware<AppBindings>(async (c, next) => {
  c.set('nonceWithFirstWrite', true);
  await next();
});
