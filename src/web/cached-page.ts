// HTML pages served like feeds: the same two cache layers (web/response-cache.ts), the same
// Cache-Control, and a strong ETag of what the page is made of, so a conditional request is
// answered from the page's rows without rendering.
import type { Context } from "hono";
import type { HtmlEscapedString } from "hono/utils/html";
import { strongEtag } from "../core/ids";
import { STYLESHEET_PATH } from "../core/urls";
import { cacheControl, cachePolicy, httpDate, isNotModified } from "./caching";
import type { AppEnv } from "./context";
import { isOperator } from "./operator";
import { cachedOrFilled, evictResponse, notModified, storeResponse } from "./response-cache";

/** Bump when a page template changes what the same rows render to: every page's tag changes with
 *  it, so no browser keeps a page of the old templates on a 304. */
export const PAGE_RENDER_VERSION = "2026-12-06.1";

/** A page read from D1 and not yet rendered. Rendering is pure (src/render/): equal `parts`
 *  render to equal bytes, so they alone make the ETag. */
export interface PageSource {
  /** The render's inputs; an article's body stands as its content hash (`version`). */
  readonly parts: unknown;
  readonly render: () => HtmlEscapedString | Promise<HtmlEscapedString>;
}

/** Cache key: the address with only the query parameters the page reads, in one order, so
 *  tracking tags or cache-busters neither split the caches nor reach D1. */
export function pageCacheKey(url: string, params: readonly string[]): Request {
  const from = new URL(url);
  const to = new URL(from.origin + from.pathname);
  for (const name of params) {
    const v = from.searchParams.get(name);
    if (v !== null) to.searchParams.set(name, v);
  }
  return new Request(to.href, { method: "GET" });
}

/** Forget a page's cached copies (tests use it to stand in for max-age passing). */
export function evictPage(url: string, params: readonly string[] = ["before", "after"]): Promise<void> {
  return evictResponse(pageCacheKey(url, params), { memory: true, edge: true });
}

/** Serve a page from the caches, else read it (`read` may answer itself: a redirect, or throw a
 *  404/400), answer If-None-Match from its ETag without rendering, else render and keep it. The
 *  strict CSP and other security headers are set by app.ts on every response, cached or not. */
export async function servePage(
  c: Context<AppEnv>,
  params: readonly string[],
  read: () => Promise<PageSource | Response>,
): Promise<Response> {
  const { config } = c.var;
  const reqHeaders = c.req.raw.headers;
  // The operator's requests (a valid session or admin token) neither read nor fill the shared
  // caches: no public page differs for them today, and so nothing an operator is shown can ever
  // reach a visitor. Anything less than valid credentials is a visitor's request and is served
  // the shared copy: an Authorization header alone buys no render.
  const shared = !(await isOperator(c));
  const key = pageCacheKey(c.req.url, params);
  if (!shared) return renderPage(c, key, shared, read);
  // Concurrent misses of this isolate share one read and render (response-cache.ts).
  const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
  return cachedOrFilled(config, key, reqHeaders, waitUntil, () => renderPage(c, key, shared, read));
}

/** Read a page, answer If-None-Match from its ETag without rendering, else render it and, for a
 *  visitor, keep it in both layers. */
async function renderPage(
  c: Context<AppEnv>,
  key: Request,
  shared: boolean,
  read: () => Promise<PageSource | Response>,
): Promise<Response> {
  const { config } = c.var;
  const reqHeaders = c.req.raw.headers;
  const page = await read();
  if (page instanceof Response) return page;
  const policy = cachePolicy(config.refreshIntervalMinutes);
  const headers = new Headers({
    "content-type": "text/html; charset=UTF-8",
    etag: await strongEtag([
      PAGE_RENDER_VERSION,
      STYLESHEET_PATH,
      config.baseUrl,
      config.siteTitle,
      config.siteDescription,
      page.parts,
    ]),
    "cache-control": cacheControl(policy),
  });
  // As for feeds: If-None-Match is answered from the rows alone; nothing was rendered, so this
  // 304 has no Last-Modified, and If-Modified-Since alone is answered by rendering.
  if (reqHeaders.has("if-none-match") && isNotModified(reqHeaders, headers.get("etag") ?? "", null))
    return notModified(headers);
  const body = await (await page.render()).toString();
  // Last-Modified: the instant of rendering, never earlier than the last change of what it shows.
  headers.set("last-modified", httpDate(Date.now()));
  if (shared) storeResponse(config, key, body, headers, policy.maxAge, (p) => c.executionCtx.waitUntil(p));
  return new Response(body, { headers });
}
