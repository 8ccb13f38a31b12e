// GET /img/<signature>/<image URL>/<referer>: an image of an opted-in source, fetched from the
// paper with its article's page as Referer (core/image-proxy.ts makes and checks the address).
// A bad signature is refused before anything is fetched; the fetch goes through the same guard as
// every upstream fetch (ingest/fetch-upstream.ts: the outbound policy on every hop, a timeout, a
// byte cap). Only raster images come back: SVG can carry script, and is refused. Upstream
// failures are 502 (504 on a timeout), never 500. Good answers are kept in the edge cache.
import { Hono } from "hono";
import type { Context } from "hono";
import { openImageProxyPath } from "../core/image-proxy";
import { checkOutbound } from "../core/outbound";
import { DEFAULT_LIMITS, fetchUpstream } from "../ingest/fetch-upstream";
import type { AppEnv } from "./context";

/** The image types served: raster formats browsers decode as pictures and nothing else. */
export const IMAGE_TYPES: ReadonlySet<string> = new Set([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
  "image/avif",
]);

/** The largest image passed on (a newspaper photo is well under 1 MiB). */
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;

const IMAGE_TIMEOUT_MS = 10_000;

/** Thirty days: an image at an address rarely changes, and readers' caches keep them. */
export const IMAGE_CACHE_CONTROL = "public, max-age=2592000";

const ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9";

function refuse(c: Context<AppEnv>, status: 403 | 404 | 502 | 504, text: string): Response {
  c.header("cache-control", "no-store");
  return c.text(text, status);
}

export const imageProxy = new Hono<AppEnv>().get("/img/:sig/:url/:referer", async (c) => {
  const { config } = c.var;
  if (!config.imageProxy) return refuse(c, 404, "图片代理未启用（IMAGE_PROXY_KEY is not set）");
  const opened = await openImageProxyPath(
    config.imageProxy,
    c.req.param("sig"),
    c.req.param("url"),
    c.req.param("referer"),
  );
  if (!opened) return refuse(c, 403, "签名无效（bad signature）");
  const verdict = checkOutbound(opened.url, config.outbound);
  if (!verdict.ok) return refuse(c, 403, verdict.reason);

  // The path is canonical once verified (strict base64url): it alone is the cache key.
  const key = new Request(new URL(c.req.path, c.req.url).href, { method: "GET" });
  const cache = caches.default;
  const hit = await cache.match(key);
  if (hit) {
    const res = new Response(hit.body, hit);
    res.headers.set("x-cache", "edge");
    return res;
  }

  const outcome = await fetchUpstream(
    fetch,
    opened.url,
    { etag: null, lastModified: null },
    {
      ...DEFAULT_LIMITS,
      userAgent: config.userAgent,
      timeoutMs: IMAGE_TIMEOUT_MS,
      maxBytes: IMAGE_MAX_BYTES,
      outbound: config.outbound,
      headers: { accept: ACCEPT, referer: opened.referer },
    },
  );
  if (outcome.kind !== "ok") {
    const reason = outcome.kind === "error" ? outcome.reason : "unexpected 304";
    const timedOut = outcome.kind === "error" && outcome.status === undefined && /within \d+ ms/.test(reason);
    console.log(JSON.stringify({ level: "warn", msg: "image proxy upstream failed", reason }));
    return refuse(c, timedOut ? 504 : 502, `上游图片获取失败（upstream image failed）：${reason}`);
  }
  const type = (outcome.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!IMAGE_TYPES.has(type))
    return refuse(c, 502, `上游返回的不是图片（upstream sent ${type || "no content type"}, not an image）`);

  const headers = new Headers({
    "content-type": type,
    "content-length": String(outcome.bytes.byteLength),
    "cache-control": IMAGE_CACHE_CONTROL,
    "x-content-type-options": "nosniff",
  });
  for (const name of ["etag", "last-modified"]) {
    const v = outcome.headers.get(name);
    if (v) headers.set(name, v);
  }
  c.executionCtx.waitUntil(cache.put(key, new Response(outcome.bytes, { headers })));
  return new Response(outcome.bytes, { headers });
});
