// The public JSON API (/api/v1): articles, categories and tags. Its OpenAPI 3.1 document is
// generated from the very schemas that validate the requests (exported here), so they cannot drift.
import { Hono } from "hono";
import type { Context } from "hono";
import { cors } from "hono/cors";
import { etag } from "hono/etag";
import * as z from "zod/mini";
import { decodeCursor, encodeCursor, isArticleId } from "../core/ids";
import type { Scope } from "../core/model";
import { MAX_QUERY_CHARS, buildSearchQuery } from "../core/search-tokens";
import { instantIn, parseIsoLikeDate, toRfc3339 } from "../core/time";
import { categoryPath, feedPaths, tagPath } from "../core/urls";
import { archiveBucket, withBodies, withBody } from "../archive/bodies";
import { type ListFilters, getArticle, listArticles } from "../db/articles";
import { listCategoryStats } from "../db/stats";
import { listTagStats } from "../db/tags";
import { getSourceBySlug } from "../db/sources";
import { articleJson } from "../render/api";
import { cacheControl, cachePolicy } from "./caching";
import type { AppEnv } from "./context";
import { BadRequestError, NotFoundError } from "../core/errors";

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const instantOf = (v: string) => (RFC3339.test(v) ? parseIsoLikeDate(v, "UTC") : null);

// --- schemas: they validate, and they are the OpenAPI document -----------------------------

const dateTime = z
  .string()
  .check(z.refine((v) => instantOf(v) !== null, "must be an RFC 3339 date-time such as 2022-02-21T10:27:50+08:00"));
const limit = z
  .string()
  .check(z.refine((v) => /^\d{1,3}$/.test(v) && +v >= 1 && +v <= 100, "must be an integer from 1 to 100"));

export const LIST_QUERY = {
  category: z.optional(
    z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be a category slug such as guilinwanbao")),
  ),
  tag: z.optional(
    z.string().check(z.minLength(1, "must not be empty"), z.maxLength(64, "must be at most 64 characters")),
  ),
  q: z.optional(
    z.string().check(
      z.maxLength(MAX_QUERY_CHARS, `must be at most ${MAX_QUERY_CHARS} characters`),
      z.refine((v) => buildSearchQuery(v) !== null, "must contain a letter, a digit or a Chinese character"),
    ),
  ),
  since: z.optional(dateTime),
  until: z.optional(dateTime),
  cursor: z.optional(
    z
      .string()
      .check(z.refine((v) => decodeCursor(v) !== null, "is not a well-formed cursor (use next_cursor as given)")),
  ),
  limit: z.optional(limit),
  include: z.optional(z.enum(["content"])),
} as const;
const listQuery = z.object(LIST_QUERY);

export const PARAM_DOCS: Record<keyof typeof LIST_QUERY, string> = {
  category: "Only articles of this source (its slug).",
  tag: "Only articles with this tag.",
  q: "Search: every whitespace-separated word must occur; Chinese words of 1–4 characters and more match as written.",
  since: "Published at or after this instant.",
  until: "Published before this instant.",
  cursor: "next_cursor of the previous page.",
  limit: "Items per page, 1–100 (default 20).",
  include: "`content` adds content_html to each item.",
};

/** The parsed query; a 400 problem (BadRequestError) names each bad parameter. */
function parseQuery(c: Context<AppEnv>): z.infer<typeof listQuery> {
  const result = z.safeParse(listQuery, c.req.query());
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({
    field: i.path.join("."),
    reason: i.code === "invalid_value" ? "must be one of: content" : i.message,
  }));
  throw new BadRequestError(`invalid query: ${errors.map((e) => `${e.field} ${e.reason}`).join("; ")}`, errors);
}

// --- routes ---------------------------------------------------------------------------------

export const api = new Hono<AppEnv>()
  .use("/api/v1/articles", cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"] }))
  .use("/api/v1/articles/*", cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"] }))
  .use("/api/v1/categories", cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"] }))
  .use("/api/v1/tags", cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"] }))
  .use("/api/v1/articles", etag())
  .use("/api/v1/articles/*", etag())
  .use("/api/v1/categories", etag())
  .use("/api/v1/tags", etag())
  .use("/api/v1/*", async function apiCacheControl(c, next) {
    await next();
    if (c.req.method === "GET" && c.res.status === 200 && !c.res.headers.has("cache-control")) {
      c.header("cache-control", cacheControl(cachePolicy(c.var.config.refreshIntervalMinutes)));
    }
  })
  .get("/api/v1/articles", async (c) => {
    const query = parseQuery(c);
    const { db, config } = c.var;
    const filters: { -readonly [K in keyof ListFilters]: ListFilters[K] } = {};
    if (query.category !== undefined) {
      const source = await getSourceBySlug(db, query.category);
      if (!source)
        throw new BadRequestError("invalid query: category no such category", [
          { field: "category", reason: "no such category" },
        ]);
      filters.sourceId = source.id;
    }
    if (query.since) filters.sinceMs = instantOf(query.since)!.ms;
    if (query.until) filters.untilMs = instantOf(query.until)!.ms;
    if (filters.sinceMs !== undefined && filters.untilMs !== undefined && filters.sinceMs >= filters.untilMs) {
      throw new BadRequestError("invalid query: until must be later than since", [
        { field: "until", reason: "must be later than since" },
      ]);
    }
    let scope: Scope;
    if (query.q !== undefined) {
      scope = { kind: "search", query: query.q, match: buildSearchQuery(query.q)!.match };
      if (query.tag !== undefined) filters.tag = query.tag;
    } else if (query.tag !== undefined) {
      scope = { kind: "tag", tag: query.tag };
    } else {
      scope = { kind: "all" };
    }
    const withContent = query.include === "content";
    const page = await listArticles(db, scope, {
      limit: query.limit ? Number(query.limit) : 20,
      before: query.cursor ? decodeCursor(query.cursor) : null,
      withContent,
      filters,
    });
    const items = withContent ? await withBodies(archiveBucket(c.env), page.items) : page.items;
    return c.json({
      items: items.map((a) => articleJson(a, config.baseUrl, withContent)),
      next_cursor: page.next ? encodeCursor(page.next) : null,
    });
  })
  .get("/api/v1/articles/:id", async (c) => {
    const id = c.req.param("id");
    const found = isArticleId(id) ? await getArticle(c.var.db, id) : null;
    const article = found && (await withBody(archiveBucket(c.env), found));
    if (!article) throw new NotFoundError(`no article with id ${JSON.stringify(id.slice(0, 40))}`);
    return c.json(articleJson(article, c.var.config.baseUrl, true));
  })
  .get("/api/v1/categories", async (c) => {
    const base = c.var.config.baseUrl;
    const stats = await listCategoryStats(c.var.db);
    return c.json({
      items: stats.map((s) => ({
        slug: s.slug,
        name: s.name,
        label: s.label,
        url: `${base}${categoryPath(s.slug)}`,
        feed_url: `${base}${feedPaths({ kind: "source", slug: s.slug }).atom}`,
        article_count: s.articleCount,
        latest_update: s.latestUpdate === null ? null : toRfc3339(instantIn(s.timezone, s.latestUpdate)),
      })),
    });
  })
  .get("/api/v1/tags", async (c) => {
    const base = c.var.config.baseUrl;
    return c.json({
      items: (await listTagStats(c.var.db)).map((t) => ({
        name: t.name,
        url: `${base}${tagPath(t.name)}`,
        article_count: t.articleCount,
      })),
    });
  });
// /api/v1/openapi.json is a static asset written by `npm run openapi` (scripts/openapi.ts) from
// the schemas above; `npm run check` fails when it is stale. Built outside the Worker because
// zod's JSON Schema writer alone would cost the bundle ~13 KiB gzipped.
