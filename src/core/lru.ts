// One bounded least-recently-used map, counted in bytes (pure). Both isolate caches use it: the
// rendered feeds and pages (web/response-cache.ts, MEMORY_CACHE_MB) and the rendered feed items
// (render/feeds.ts).

export class LruCache<V> {
  // Map keeps insertion order: the first entry is the least recently used.
  private readonly entries = new Map<string, V>();
  private bytes = 0;

  /** `sizeOf` says what an entry costs the isolate; one entry larger than `maxEntryBytes` is not
   *  kept at all (one huge value must not flush the rest). */
  constructor(
    readonly maxBytes: number,
    private readonly sizeOf: (key: string, value: V) => number,
    private readonly maxEntryBytes = maxBytes,
  ) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value); // most recently used last
    }
    return value;
  }

  set(key: string, value: V): void {
    const size = this.sizeOf(key, value);
    if (size > this.maxEntryBytes || size > this.maxBytes) return;
    this.delete(key);
    this.entries.set(key, value);
    this.bytes += size;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= this.sizeOf(k, v);
    }
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.bytes -= this.sizeOf(key, value);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}
