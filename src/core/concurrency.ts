// Small shared plumbing for fan-out: a bounded worker pool, and Queues' batch size (pure).

/** Run `fn` over `items`, at most `concurrency` at a time, in order of start. */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Send messages to a queue, as many batches as it takes (Queues: at most 100 per sendBatch). */
export async function sendInBatches<T>(queue: Queue<T>, bodies: readonly T[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 100) {
    await queue.sendBatch(bodies.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })));
  }
}
