// One D1 round trip for the batches that callers running side by side send in the same tick. Locally and on
// Cloudflare every `db.batch()` is a call to the database with a fixed cost (serialisation, tracing, the hop);
// a queue batch of read-only jobs sends one read batch and one completion per job, so merging them turns 2N
// calls into 2 (worker/queue/consumer.ts runs those jobs side by side).
//
// Used by the queue consumer only (services.ts), whose handlers are idempotent by rule: the HTTP routes keep the
// plain binding, so a request's nonce claim, whose batch must fail on its own, is never merged with anything.
// A D1 batch is one transaction: if the merged batch fails, each caller's statements run again on their own, so
// a failing statement fails only its own caller. (Should the failure come after D1 committed, e.g. a lost reply,
// the rerun repeats idempotent work.) Callers that arrive later, after an await of their own, simply go in the
// next round trip.

interface Waiting {
  statements: D1PreparedStatement[];
  resolve: (results: D1Result[]) => void;
  reject: (error: unknown) => void;
}

/** `db` with `batch()` merged per tick; every other method is the database's own. */
export function coalesceBatches(db: D1Database): D1Database {
  let waiting: Waiting[] = [];
  // Also turns a synchronous throw into a rejection, so every caller settles.
  const run = (statements: D1PreparedStatement[]) => Promise.resolve().then(() => db.batch(statements));

  async function flush(round: Waiting[]): Promise<void> {
    if (round.length === 1) {
      const [only] = round as [Waiting];
      return run(only.statements).then(only.resolve, only.reject);
    }
    let results: D1Result[];
    try {
      results = await run(round.flatMap((caller) => caller.statements));
    } catch {
      await Promise.all(round.map((caller) => run(caller.statements).then(caller.resolve, caller.reject)));
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
      if (waiting.length === 0) {
        queueMicrotask(() => {
          const round = waiting;
          waiting = [];
          flush(round).catch((error: unknown) => round.forEach((caller) => caller.reject(error)));
        });
      }
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
