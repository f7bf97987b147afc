// Many statements as several D1 batches: a batch is one transaction and one request, and a few hundred statements
// in one (a backfill's events) make a large one.

/** Runs `statements` in batches of `size`, in order; their results, in order. */
export async function batchInChunks<T = unknown>(db: D1Database, statements: readonly D1PreparedStatement[], size = 50): Promise<D1Result<T>[]> {
  const results: D1Result<T>[] = [];
  for (let i = 0; i < statements.length; i += size) results.push(...(await db.batch<T>(statements.slice(i, i + size))));
  return results;
}
