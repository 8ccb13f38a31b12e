// Everything this isolate keeps between requests, in one list, and the one place it is all
// forgotten (tests, benchmarks). Each is bounded:
// - web/response-cache.ts: rendered feeds and pages (LruCache, MEMORY_CACHE_MB; entries expire
//   with max-age);
// - render/feeds.ts: rendered feed items (LruCache, 4 MiB);
// - core/proxied-images.ts: articles' image addresses rewritten to the image proxy (LruCache per
//   signer, 2 MiB);
// - ingest/manners.ts: robots.txt per origin (LruCache, 1000 origins, 1 h or 10 min);
// - config.ts: the validated Config of the last env and origin (one entry);
// - web/search-rebuild-kick.ts: whether the search index's rebuild has listed every article (a
//   flag and a time);
// - db/search-vocab.ts: the index's terms per searched character (LruCache, 2 MiB, 1 min).
// Pure memo tables that can never be stale are not reset: core/time.ts keeps an Intl formatter per
// zone (at most 1000), core/search-tokens.ts a class per BMP code point (64 KiB) and one reused
// token buffer (at most 4 × MAX_INDEXED_CHARS code units).
import { resetConfigCache } from "./config";
import { clearProxiedImages } from "./core/proxied-images";
import { resetSearchExpansions } from "./db/search-vocab";
import { resetManners } from "./ingest/manners";
import { clearRenderedItems } from "./render/feeds";
import { resetResponseMemory } from "./web/response-cache";
import { resetSearchRebuildKick } from "./web/search-rebuild-kick";

export function resetIsolateState(): void {
  resetResponseMemory();
  clearRenderedItems();
  clearProxiedImages();
  resetManners();
  resetConfigCache();
  resetSearchRebuildKick();
  resetSearchExpansions();
}
