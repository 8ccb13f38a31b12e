// robots.txt, sitemaps and OPML: how crawlers and readers find everything.
import { Hono } from "hono";
import { NotFoundError } from "../core/errors";
import { listArticleMonths, listMonthEntries, listRecentEntries } from "../db/months";
import { listSources } from "../db/sources";
import {
  NEWS_MAX_URLS,
  NEWS_WINDOW_MS,
  SITEMAP_MAX_URLS,
  renderNewsSitemap,
  renderOpml,
  renderRobots,
  renderSitemap,
  renderSitemapIndex,
} from "../render/discovery";
import type { AppEnv } from "./context";

const XML = "application/xml; charset=utf-8";
// Sitemaps change at most once a refresh; crawlers fetch them rarely.
const CACHE = "public, max-age=3600, stale-while-revalidate=86400";

export const discovery = new Hono<AppEnv>()
  .get("/robots.txt", (c) => c.text(renderRobots(c.var.config.baseUrl), 200, { "cache-control": CACHE }))
  .get("/sitemap.xml", async (c) =>
    c.body(renderSitemapIndex(c.var.config.baseUrl, await listArticleMonths(c.var.db)), 200, {
      "content-type": XML,
      "cache-control": CACHE,
    }),
  )
  .get("/sitemaps/:file{\\d{4}-\\d{2}\\.xml}", async (c) => {
    const month = c.req.param("file").slice(0, 7).replace("-", "/");
    const entries = await listMonthEntries(c.var.db, month, SITEMAP_MAX_URLS);
    if (entries.length === 0) throw new NotFoundError("no articles in that month");
    return c.body(renderSitemap(c.var.config.baseUrl, entries), 200, { "content-type": XML, "cache-control": CACHE });
  })
  .get("/sitemap-news.xml", async (c) => {
    const entries = await listRecentEntries(c.var.db, Date.now() - NEWS_WINDOW_MS, NEWS_MAX_URLS);
    return c.body(renderNewsSitemap(c.var.config.baseUrl, entries), 200, {
      "content-type": XML,
      "cache-control": "public, max-age=300",
    });
  })
  .get("/opml.xml", async (c) => {
    const { config, db } = c.var;
    const body = renderOpml(config.baseUrl, config.siteTitle, await listSources(db), Date.now());
    return c.body(body, 200, { "content-type": "text/x-opml; charset=utf-8", "cache-control": CACHE });
  });
