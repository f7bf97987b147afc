// Daily budgets (table budget_usage): reserve before spending, atomically, so concurrent stages cannot overspend.
export type BudgetResource = 'ai_audio_seconds' | 'media_egress_bytes' | 'ai_text_calls';

export const utcDay = (nowMs: number) => new Date(nowMs).toISOString().slice(0, 10);

export class BudgetStore {
  private readonly db: D1Database;

  constructor(db: D1Database) {
    this.db = db;
  }

  /** Adds `amount` to today's use if it stays within `limit`; false (nothing added) otherwise. */
  async reserve(resource: BudgetResource, amount: number, limit: number, nowMs: number): Promise<boolean> {
    if (amount > limit) return false;
    const result = await this.db
      .prepare(
        `INSERT INTO budget_usage (day, resource, used) VALUES (?1, ?2, ?3)
         ON CONFLICT (day, resource) DO UPDATE SET used = used + excluded.used WHERE used + excluded.used <= ?4`,
      )
      .bind(utcDay(nowMs), resource, amount, limit)
      .run();
    return result.meta.changes === 1;
  }

  /** Gives back a reservation whose work did not happen. */
  async refund(resource: BudgetResource, amount: number, nowMs: number): Promise<void> {
    await this.db
      .prepare('UPDATE budget_usage SET used = MAX(0, used - ?3) WHERE day = ?1 AND resource = ?2')
      .bind(utcDay(nowMs), resource, amount)
      .run();
  }

  async usedToday(nowMs: number): Promise<Record<string, number>> {
    const { results } = await this.db
      .prepare('SELECT resource, used FROM budget_usage WHERE day = ?1')
      .bind(utcDay(nowMs))
      .all<{ resource: string; used: number }>();
    return Object.fromEntries(results.map((r) => [r.resource, r.used]));
  }
}
