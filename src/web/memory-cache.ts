// A small per-isolate LRU of rendered responses, in front of the Cache API. A hot feed polled by
// many readers is then answered (200 or 304) with no I/O at all. Entries expire at the same
// instant their edge copy does, so the freshness promise of max-age holds across both layers.

export interface CachedResponse {
  readonly body: string;
  readonly headers: readonly (readonly [string, string])[];
  /** ms since epoch after which the entry must not be served. */
  readonly expiresAt: number;
}

export class MemoryCache {
  private readonly entries = new Map<string, CachedResponse>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  get(key: string, now: number): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) {
      this.bytes -= sizeOf(entry);
      return undefined;
    }
    this.entries.set(key, entry); // most recently used last
    return entry;
  }

  set(key: string, entry: CachedResponse): void {
    const size = sizeOf(entry);
    if (size > this.maxBytes / 4) return; // one huge feed must not flush the rest
    this.delete(key);
    this.entries.set(key, entry);
    this.bytes += size;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= sizeOf(e);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.bytes -= sizeOf(entry);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

// UTF-16 code units × 2: what the strings cost in the isolate's heap.
const sizeOf = (e: CachedResponse) => e.body.length * 2 + 256;
