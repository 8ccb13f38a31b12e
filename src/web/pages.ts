// HTML pages: thin handlers gluing db → render → Response.
import { Hono } from "hono";
import { etag } from "hono/etag";
import type { Context } from "hono";
import { NotFoundError } from "../core/errors";
import { isArticleId } from "../core/ids";
import { articlePath, categoryPath, feedPaths, homePath, tagPath } from "../core/urls";
import { getArticle, getNeighbours, listArticles, tagExists } from "../db/articles";
import { getSourceBySlug, listSources } from "../db/sources";
import { MAX_QUERY_CHARS, buildSearchQuery } from "../core/search-tokens";
import { ArticlePage } from "../render/pages/article";
import { SearchPage } from "../render/pages/search";
import { Listing } from "../render/pages/listing";
import { cacheControl, cachePolicy } from "./caching";
import { type AppEnv, readBeforeCursor } from "./context";

const readCursor = (c: Context<AppEnv>) => readBeforeCursor(c, "分页参数 before 无效，请从第一页重新浏览。");

export const pages = new Hono<AppEnv>()
  // Validators on pages: a strong ETag of the rendered page (hono's etag), and the same cache
  // lifetimes as feeds.
  .use(etag())
  .use(async function pageCacheControl(c, next) {
    await next();
    if (c.res.status === 200) c.header("cache-control", cacheControl(cachePolicy(c.var.config.refreshIntervalMinutes)));
  })
  .get("/", async (c) => {
    const { config, db } = c.var;
    const before = readCursor(c);
    const [sources, page] = await Promise.all([
      listSources(db),
      listArticles(db, { kind: "all" }, { before, limit: config.pageSize }),
    ]);
    return c.html(
      Listing({
        config, sources, page, basePath: homePath(), isFirstPage: before === null,
        heading: "最新文章",
        meta: {
          title: config.siteTitle, description: config.siteDescription, path: homePath(), noindex: before !== null,
          feeds: { title: config.siteTitle, paths: feedPaths({ kind: "all" }) },
        },
      }),
    );
  })
  .get("/search", async (c) => {
    const { config, db } = c.var;
    const query = (c.req.query("q") ?? "").trim();
    const sources = await listSources(db);
    if (!query) return c.html(SearchPage({ config, sources, query, terms: [], page: null, isFirstPage: true }));
    const built = query.length <= MAX_QUERY_CHARS ? buildSearchQuery(query) : null;
    if (!built) {
      const error = query.length > MAX_QUERY_CHARS ? `搜索词最多 ${MAX_QUERY_CHARS} 个字。` : "搜索词需要包含文字或数字。";
      return c.html(SearchPage({ config, sources, query: query.slice(0, MAX_QUERY_CHARS), terms: [], page: null, isFirstPage: true, error }), 400);
    }
    const before = readCursor(c);
    const page = await listArticles(db, { kind: "search", query, match: built.match }, { before, limit: config.pageSize, withContent: true });
    return c.html(SearchPage({ config, sources, query, terms: built.terms, page, isFirstPage: before === null }));
  })
  .get("/category/:file", async (c) => {
    const { config, db } = c.var;
    const slug = /^(.+)\.html$/.exec(c.req.param("file"))?.[1];
    const source = slug ? await getSourceBySlug(db, slug) : null;
    if (!source) throw new NotFoundError("没有这个新闻来源。");
    const before = readCursor(c);
    const [sources, page] = await Promise.all([
      listSources(db),
      listArticles(db, { kind: "source", source }, { before, limit: config.pageSize }),
    ]);
    return c.html(
      Listing({
        config, sources, page, basePath: categoryPath(source.slug), isFirstPage: before === null,
        current: source.slug,
        heading: source.label,
        intro: `来自${source.name}的本地新闻。`,
        meta: {
          title: source.label,
          description: `${source.name}的最新本地新闻`,
          path: categoryPath(source.slug),
          noindex: before !== null,
          feeds: { title: source.label, paths: feedPaths({ kind: "source", slug: source.slug }) },
        },
      }),
    );
  })
  .get("/tag/:tag", async (c) => {
    const { config, db } = c.var;
    const tag = c.req.param("tag");
    if (!(await tagExists(db, tag))) throw new NotFoundError("没有这个标签。");
    const before = readCursor(c);
    const [sources, page] = await Promise.all([
      listSources(db),
      listArticles(db, { kind: "tag", tag }, { before, limit: config.pageSize }),
    ]);
    return c.html(
      Listing({
        config, sources, page, basePath: tagPath(tag), isFirstPage: before === null,
        heading: `标签：${tag}`,
        meta: {
          title: `标签：${tag}`, description: `带有“${tag}”标签的文章`, path: tagPath(tag), noindex: before !== null,
          feeds: { title: `标签：${tag}`, paths: feedPaths({ kind: "tag", tag }) },
        },
      }),
    );
  })
  .get("/:category/:yyyy{[0-9]{4}}/:mm{[0-9]{2}}/:dd{[0-9]{2}}/:file", async (c) => {
    const { config, db } = c.var;
    const id = /^(.+)\.html$/.exec(c.req.param("file"))?.[1];
    const article = id && isArticleId(id) ? await getArticle(db, id) : null;
    if (!article) throw new NotFoundError("没有这篇文章。");
    // The id alone identifies the article; any other category or date in the path is a
    // mistyped or outdated link, sent on to the one canonical address.
    const canonical = articlePath(article);
    if (new URL(c.req.url).pathname !== canonical) return c.redirect(canonical, 301);
    const [sources, { older, newer }] = await Promise.all([listSources(db), getNeighbours(db, article)]);
    return c.html(ArticlePage({ config, sources, article, older, newer }));
  });
