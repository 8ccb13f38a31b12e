// createApp(): middleware order, route mounts, and the one place errors become responses.
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { type Config, configFor } from "./config";
import { AppError, ConfigError, TooManyRequestsError } from "./core/errors";
import { STRICT_POLICY } from "./core/outbound";
import { redactText } from "./core/redact";
import { RuleError } from "./ingest/rules";
import { d1Runner } from "./db/sql";
import { getNav } from "./db/sources";
import { ErrorPage } from "./render/pages/error";
import type { SiteNav } from "./core/model";
import type { AppEnv } from "./web/context";
import { admin, health } from "./web/admin";
import { api } from "./web/api";
import { console_ } from "./web/console";
import { discovery } from "./web/discovery";
import { feedVariant, feeds } from "./web/feeds";
import { problem } from "./web/problem";
import { pages } from "./web/pages";
import { websub } from "./web/websub";
import { HUB_PATH } from "./core/urls";
import { IMAGE_PATH_PREFIX } from "./core/image-proxy";
import { imageProxy } from "./web/image-proxy";
import { kickSearchRebuild } from "./web/search-rebuild-kick";

// Strict CSP: no script at all (pages need none), styles only from our own stylesheet, images
// from us (the image proxy's /img/ included) or any https origin (article bodies embed the
// papers' own pictures). connect-src 'self'
// lets nothing new happen (no script can run to connect), but tools that fetch from inside the
// page, as Lighthouse does for /robots.txt (GoogleChrome/lighthouse#4386), are held to it.
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  connectSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "https:"],
  // Podcast audio and video enclosures play from the papers' own servers (render/pages/media.tsx).
  mediaSrc: ["'self'", "https:"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

async function renderError(c: Context<AppEnv>, status: 400 | 404 | 500, message: string) {
  let nav: SiteNav = { sources: [], more: false };
  let config: Config | undefined = c.var.config;
  try {
    if (config) nav = await getNav(c.var.db);
  } catch {
    // The error page must render even when the database is what failed.
  }
  config ??= {
    siteTitle: "本地新闻聚合",
    siteDescription: "",
    baseUrl: new URL(c.req.url).origin,
    defaultTimezone: "Asia/Shanghai",
    pageSize: 20,
    refreshIntervalMinutes: 15,
    memoryCacheMb: 8,
    refreshMaxSources: 8,
    refreshConcurrency: 4,
    refreshEnqueueMax: 1000,
    websubMinLeaseSeconds: 3600,
    hostConcurrency: 2,
    hostMinDelayMs: 500,
    userAgent: "edge-news/1.0",
    outbound: STRICT_POLICY,
    hubUrl: null,
    storyGrouping: true,
    storyWindowDays: 3,
    imageProxy: null,
    archive: { afterDays: 0, maxPerTick: 100, bucketBound: false },
  };
  return c.html(ErrorPage({ config, nav, status, message, path: new URL(c.req.url).pathname }), status);
}

const SECURE_HEADERS = {
  referrerPolicy: "strict-origin-when-cross-origin",
  xFrameOptions: "DENY",
  crossOriginEmbedderPolicy: false,
} as const;

const pageHeaders = secureHeaders({ ...SECURE_HEADERS, contentSecurityPolicy: CONTENT_SECURITY_POLICY });
// A feed that a browser renders as XML is styled by our XSL stylesheet, which browsers load under
// script-src; nothing else in a feed can run (bodies travel as CDATA text). A browser navigating
// to a feed gets its HTML page instead, under the pages' policy.
const feedHeaders = secureHeaders({
  ...SECURE_HEADERS,
  contentSecurityPolicy: { ...CONTENT_SECURITY_POLICY, scriptSrc: ["'self'"] },
});

// A proxied image (web/image-proxy.ts) is only ever a picture: nothing in it may load or run
// anything, even opened on its own. Readers on other origins embed it (feed readers' views), so
// its resource policy is cross-origin.
const imageHeaders = secureHeaders({
  ...SECURE_HEADERS,
  crossOriginResourcePolicy: "cross-origin",
  contentSecurityPolicy: { defaultSrc: ["'none'"], sandbox: [] },
});

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use(function securityHeaders(c, next) {
    if (c.req.path.startsWith(IMAGE_PATH_PREFIX)) return imageHeaders(c, next);
    const feed = /\.(xml|json)$/.test(c.req.path) && feedVariant(c.req.raw.headers) === "reader";
    return (feed ? feedHeaders : pageHeaders)(c, next);
  });
  app.use(async function loadContext(c, next) {
    c.set("config", configFor(c.env, new URL(c.req.url).origin));
    // D1 Sessions API: reads may be served by the nearest read replica (when replication is
    // on); anything that writes, or must read its own writes, starts at the primary.
    const readOnly = c.req.method === "GET" || c.req.method === "HEAD";
    c.set("db", d1Runner(c.env.DB.withSession(readOnly ? "first-unconstrained" : "first-primary")));
    await next();
  });
  app.use(kickSearchRebuild);
  app.route("/", health);
  app.route("/", admin);
  app.route("/", console_);
  app.route("/", api);
  app.route("/", discovery);
  app.route("/", feeds);
  app.route("/", websub);
  app.route("/", imageProxy);
  app.route("/", pages);
  app.notFound((c) =>
    // The API answers programs: an unknown endpoint is a problem document, like its other errors.
    /^\/api\/v1(\/|$)/.test(c.req.path)
      ? problem(c, 404, "no such API endpoint")
      : renderError(c, 404, "您访问的页面不存在，可能已被移动或删除。"),
  );
  app.onError(function handleError(err, c) {
    if (err instanceof TooManyRequestsError && err.retryAfterSeconds !== null)
      c.header("retry-after", String(err.retryAfterSeconds));
    if (c.req.path.startsWith("/api/") && !(err instanceof ConfigError)) {
      if (err instanceof HTTPException) {
        const status = err.status === 401 || err.status === 404 || err.status === 409 ? err.status : 400;
        if (status === 401) c.header("www-authenticate", 'Bearer realm="admin"');
        return problem(c, status, status === 401 ? "a valid bearer token is required" : err.message || "bad request");
      }
      if (err instanceof RuleError)
        return problem(c, 400, `invalid request body: ${err.message}`, [{ field: err.field, reason: err.reason }]);
      if (err instanceof AppError && err.status !== 500) return problem(c, err.status, err.message, err.errors);
      console.error(
        JSON.stringify({ level: "error", msg: "unhandled", path: c.req.path, error: redactText(String(err)) }),
      );
      return problem(c, 500, "internal error");
    }
    if (err instanceof ConfigError) {
      console.error(JSON.stringify({ level: "error", msg: "invalid configuration", error: err.message }));
      return c.text(`配置错误 (configuration error): ${err.message}`, 500);
    }
    if (err instanceof AppError && err.status !== 500) {
      // Feeds and the WebSub hub are used by programs: a plain-text reason with the status (W3C
      // WebSub §5.1.2), not an HTML page.
      if (/\.(xml|json|txt)$/.test(c.req.path) || c.req.path === HUB_PATH) return c.text(err.message, err.status);
      return renderError(c, err.status as 400 | 404, err.message);
    }
    console.error(
      JSON.stringify({
        level: "error",
        msg: "unhandled",
        path: c.req.path,
        error: redactText(String(err)),
        stack: redactText((err as Error).stack ?? null),
      }),
    );
    return renderError(c, 500, "服务器暂时无法处理请求，请稍后再试。");
  });
  return app;
}
