// One D1 round trip for the batches that callers running side by side send in the same tick. Locally and on
// Cloudflare every `db.batch()` is a call to the database with a fixed cost (serialisation, tracing, the hop);
// a queue batch of read-only jobs sends one read batch and one completion per job, so merging them turns 2N
// calls into 2 (worker/queue/consumer.ts runs those jobs side by side).
//
// A D1 batch is one transaction: if the merged batch fails, each caller's statements run again on their own, so
// a failing statement (or a batch meant to roll back, like a replayed nonce) fails only its own caller. Callers
// that arrive later (after an await of their own) simply go in the next round trip.

interface Waiting {
  statements: D1PreparedStatement[];
  resolve: (results: D1Result[]) => void;
  reject: (error: unknown) => void;
}

/** `db` with `batch()` merged per tick; every other method is the database's own. */
export function coalesceBatches(db: D1Database): D1Database {
  let waiting: Waiting[] = [];

  async function flush(): Promise<void> {
    const round = waiting;
    waiting = [];
    if (round.length === 1) {
      const [only] = round as [Waiting];
      return db.batch(only.statements).then(only.resolve, only.reject);
    }
    let results: D1Result[];
    try {
      results = await db.batch(round.flatMap((caller) => caller.statements));
    } catch {
      // Nothing was written (the transaction rolled back): each caller on its own gets its own outcome.
      await Promise.all(round.map((caller) => db.batch(caller.statements).then(caller.resolve, caller.reject)));
      return;
    }
    let at = 0;
    for (const caller of round) {
      caller.resolve(results.slice(at, at + caller.statements.length));
      at += caller.statements.length;
    }
  }

  function batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    return new Promise<D1Result[]>((resolve, reject) => {
      if (waiting.length === 0) queueMicrotask(() => void flush());
      waiting.push({ statements, resolve, reject });
    }) as Promise<D1Result<T>[]>;
  }

  return new Proxy(db, {
    get(target, property) {
      if (property === 'batch') return batch;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
