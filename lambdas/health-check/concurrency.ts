/**
 * Maps items with at most `limit` calls in flight, keeping the input order in the result.
 *
 * @example
 * const checks = await mapConcurrently(endpoints, 4, (endpoint) => checkEndpoint(endpoint, options));
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
