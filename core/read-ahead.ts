/**
 * Ordered read-ahead: the I/O of the next few items is in flight while the current one is
 * processed, so a loop over many small reads does not wait on each in turn.
 */

/**
 * Yields `load(item)` for every item in order, with at most `depth` loads in flight. A failed
 * load is thrown when its turn comes; loads after it are abandoned.
 * @example for await (const page of readAhead(keys, 8, read)) handle(page);
 */
export async function* readAhead<T, R>(items: readonly T[], depth: number, load: (item: T) => Promise<R>): AsyncGenerator<R> {
  const inFlight: Promise<R>[] = [];
  let next = 0;
  const fill = (): void => {
    while (next < items.length && inFlight.length < depth) {
      const loading = load(items[next] as T);
      // Awaited in its turn; this only keeps a failure ahead of its turn from counting as unhandled.
      loading.catch(() => undefined);
      inFlight.push(loading);
      next += 1;
    }
  };
  fill();
  while (inFlight.length > 0) {
    const loaded = await (inFlight.shift() as Promise<R>);
    fill();
    yield loaded;
  }
}
