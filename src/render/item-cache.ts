// Rendered feed items kept in isolate memory, least recently used dropped first.
//
// A feed re-rendered after its max-age, or another listing or page showing the same article,
// mostly repeats items rendered before. The key names everything an item's markup is made of
// (see itemKey in feeds.ts); an article's `version` changes exactly when the article does.

/** What the cache may hold, counted as UTF-16 (2 bytes a character). */
export const ITEM_CACHE_BYTES = 4 * 1024 * 1024;

/** An item's markup as the strings it is joined from: the document is then copied only once, when
 *  all of it is joined (a concatenated string would be flattened there, a second copy). */
export type Fragment = readonly string[];

const sizeOf = (key: string, value: Fragment) => 2 * value.reduce((n, s) => n + s.length, key.length);

export class ItemCache {
  private readonly entries = new Map<string, Fragment>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  get(key: string): Fragment | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: re-inserting makes this the most recently used.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: Fragment): void {
    const size = sizeOf(key, value);
    if (size > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.bytes -= sizeOf(key, old);
    }
    this.entries.set(key, value);
    this.bytes += size;
    if (this.bytes <= this.maxBytes) return;
    for (const [k, v] of this.entries) {
      this.entries.delete(k);
      this.bytes -= sizeOf(k, v);
      if (this.bytes <= this.maxBytes) break;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}
