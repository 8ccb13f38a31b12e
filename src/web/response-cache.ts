// The two cache layers every cacheable GET goes through — feeds (web/feeds.ts) and HTML pages
// (web/cached-page.ts): this isolate's memory, then the edge (Workers Cache API). One freshness
// rule for both: a copy lives until render time + max-age in both layers at once, and a copy
// answers If-None-Match / If-Modified-Since against its own headers.
//
// Module state: the isolate's memory of rendered responses (core/lru.ts, MEMORY_CACHE_MB), reset
// by resetResponseMemory() (src/state.ts).
import type { Config } from "../config";
import { LruCache } from "../core/lru";
import { isNotModified } from "./caching";

/** A rendered response held in this isolate: its body, headers and when it goes stale. */
interface Held {
  readonly body: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly expiresAt: number;
}

// Rendered responses kept in this isolate (MEMORY_CACHE_MB, default 8 of a Worker's 128 MB): a
// hot feed polled by many readers, or a hot page, is answered (200 or 304) with no I/O. Entries
// expire at the instant their edge copy does, so max-age holds across both layers. Sized as UTF-16
// (what the strings cost the heap) plus a little for the headers; no entry may take more than a
// quarter.
const newMemory = (bytes: number) => new LruCache<Held>(bytes, (_key, f) => f.body.length * 2 + 256, bytes / 4);
let memory = newMemory(0);
function memoryFor(config: Config): LruCache<Held> {
  const bytes = config.memoryCacheMb * 1024 * 1024;
  if (memory.maxBytes !== bytes) memory = newMemory(bytes);
  return memory;
}

/** Forget every response held in this isolate's memory (src/state.ts). */
export function resetResponseMemory(): void {
  memory = newMemory(0);
}

// The copy in the edge cache carries, as its Cache-Control, only what that cache should act on:
// max-age. The stale-while-revalidate / stale-if-error readers and browsers get are not for it:
// the local runtime keeps (and serves) an entry for as long as they allow, a day, long after the
// listing changed. Until when the copy is fresh is stored beside it and checked on every hit, so
// no runtime serves it longer; the public Cache-Control travels in a header of its own.
const FRESH_UNTIL = "x-fresh-until";
const PUBLIC_CACHE_CONTROL = "x-cache-control";

/** What the Cache API stores: the response's headers with the cache's own Cache-Control. */
function forEdge(headers: Headers, maxAge: number, freshUntil: number): Headers {
  const stored = new Headers(headers);
  stored.set(PUBLIC_CACHE_CONTROL, headers.get("cache-control") ?? "");
  stored.set("cache-control", `public, max-age=${maxAge}`);
  stored.set(FRESH_UNTIL, String(freshUntil));
  return stored;
}

/** A stored copy's headers as a client gets them. */
function fromEdge(stored: Headers): Headers {
  const headers = new Headers(stored);
  headers.set("cache-control", stored.get(PUBLIC_CACHE_CONTROL) ?? "");
  headers.delete(PUBLIC_CACHE_CONTROL);
  headers.delete(FRESH_UNTIL);
  return headers;
}

/** A 304 with the validators and caching headers of `headers` (RFC 9110 §15.4.5). */
export function notModified(headers: Headers): Response {
  const h = new Headers();
  for (const name of ["etag", "last-modified", "cache-control", "vary"]) {
    const v = headers.get(name);
    if (v !== null) h.set(name, v);
  }
  return new Response(null, { status: 304, headers: h });
}

function fromCache(reqHeaders: Headers, body: string, headers: Headers, layer: "memory" | "edge"): Response {
  const lm = headers.get("last-modified");
  if (isNotModified(reqHeaders, headers.get("etag") ?? "", lm ? Date.parse(lm) : null)) return notModified(headers);
  const res = new Response(body, { headers });
  // Which layer answered; absent on a render (tests and operators read it).
  res.headers.set("x-cache", layer);
  return res;
}

/** The cached answer to a request for `key`, from memory or the edge; null on a miss. An edge
 *  hit is copied into memory; a copy past its freshness is dropped, as production would. */
export async function cachedResponse(
  config: Config,
  key: Request,
  reqHeaders: Headers,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<Response | null> {
  const now = Date.now();
  const mem = memoryFor(config);
  const held = mem.get(key.url);
  if (held) {
    if (held.expiresAt > now)
      return fromCache(reqHeaders, held.body, new Headers(held.headers as [string, string][]), "memory");
    mem.delete(key.url);
  }
  const cache = caches.default;
  const hit = await cache.match(key);
  if (!hit) return null;
  const freshUntil = Number(hit.headers.get(FRESH_UNTIL));
  if (freshUntil > now) {
    const body = await hit.text();
    const headers = fromEdge(hit.headers);
    mem.set(key.url, { body, headers: [...headers], expiresAt: freshUntil });
    return fromCache(reqHeaders, body, headers, "edge");
  }
  // Past its max-age (a runtime that kept it longer): gone, as in production.
  await hit.body?.cancel();
  waitUntil(cache.delete(key));
  return null;
}

/** Keep a rendered 200 in both layers until `now + maxAge`. */
export function storeResponse(
  config: Config,
  key: Request,
  body: string,
  headers: Headers,
  maxAge: number,
  waitUntil: (p: Promise<unknown>) => void,
): void {
  const freshUntil = Date.now() + maxAge * 1000;
  memoryFor(config).set(key.url, { body, headers: [...headers], expiresAt: freshUntil });
  waitUntil(caches.default.put(key, new Response(body, { headers: forEdge(headers, maxAge, freshUntil) })));
}

// Misses being filled in this isolate, by cache key: the request that reads and renders a key
// holds its entry until its copy is stored. A request that misses while the same key is being
// filled waits for that fill and is answered from its copy, so at a hot page's expiry the
// concurrent requests an isolate holds cost one D1 read, one render and one Cache API put, not
// one each. The wait is bounded: a filling request the runtime cancels (its client went away)
// never ends its fill, so a waiter stops waiting after FILL_WAIT_MS and an entry that old is
// ignored; a waiter never depends on another request to answer.
const FILL_WAIT_MS = 2000;
const filling = new Map<string, { readonly done: Promise<void>; readonly since: number }>();

/** A wait for the fill of `key` running in this isolate, if one is: it resolves when that fill
 *  ends or FILL_WAIT_MS after it began, whichever is first, and never rejects. */
export function fillInFlight(key: Request): Promise<void> | undefined {
  const fill = filling.get(key.url);
  if (!fill) return undefined;
  const left = fill.since + FILL_WAIT_MS - Date.now();
  if (left <= 0) {
    filling.delete(key.url);
    return undefined;
  }
  return Promise.race([fill.done, new Promise<void>((resolve) => setTimeout(resolve, left))]);
}

/** Mark `key` as being filled by the caller; call the returned function when it is done
 *  (stored, answered without storing, or failed). */
export function beginFill(key: Request): () => void {
  let end!: () => void;
  const fill = {
    done: new Promise<void>((resolve) => {
      end = resolve;
    }),
    since: Date.now(),
  };
  filling.set(key.url, fill);
  return () => {
    if (filling.get(key.url) === fill) filling.delete(key.url);
    end();
  };
}

/** A cached copy of `key` if either layer holds one; else, when another request of this isolate
 *  is filling `key`, its copy once it is stored (waited for once, bounded as fillInFlight says:
 *  when that fill stored nothing — it answered a 304, failed or was cancelled — this request
 *  fills on its own rather than queue behind the next); else `fill`'s answer, run as this key's
 *  fill. Pages and feeds both come through here. */
export async function cachedOrFilled(
  config: Config,
  key: Request,
  reqHeaders: Headers,
  waitUntil: (p: Promise<unknown>) => void,
  fill: () => Promise<Response>,
): Promise<Response> {
  const cached = await cachedResponse(config, key, reqHeaders, waitUntil);
  if (cached) return cached;
  let endFill: (() => void) | undefined;
  const running = fillInFlight(key);
  if (running) {
    await running;
    const filled = await cachedResponse(config, key, reqHeaders, waitUntil);
    if (filled) return filled;
  } else endFill = beginFill(key);
  try {
    return await fill();
  } finally {
    endFill?.();
  }
}

/** Forget a response's cached copies (tests use it to stand in for max-age passing). */
export async function evictResponse(key: Request, layers: { memory?: boolean; edge?: boolean }): Promise<void> {
  if (layers.memory) memory.delete(key.url);
  if (layers.edge) await caches.default.delete(key);
}
