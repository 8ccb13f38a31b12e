// HTML pages: thin handlers gluing db → render → Response. Each page reads D1 once (one batch:
// its rows and the header's sources, db/page-reads.ts). Every page but search is served like a
// feed (web/cached-page.ts): from isolate memory or the edge cache, 304s without rendering.
import { Hono } from "hono";
import { etag } from "hono/etag";
import type { Context } from "hono";
import type { HtmlEscapedString } from "hono/utils/html";
import { archiveBucket, withBodies, withBody } from "../archive/bodies";
import { BadRequestError, NotFoundError } from "../core/errors";
import { isArticleId, sha256Hex } from "../core/ids";
import { DIRECTORY_PATH, articlePath, categoryPath, feedPaths, homePath, tagPath } from "../core/urls";
import { imageProxying, withProxiedImages } from "../core/proxied-images";
import { readArticlePage, readDirectoryPage, readListingPage, readSearchPage } from "../db/page-reads";
import { MAX_QUERY_CHARS, buildSearchQuery } from "../core/search-tokens";
import { getNav } from "../db/sources";
import { ArticlePage } from "../render/pages/article";
import { DirectoryPage } from "../render/pages/directory";
import { SearchPage } from "../render/pages/search";
import { Listing } from "../render/pages/listing";
import { type PageSource, servePage } from "./cached-page";
import { cacheControl, cachePolicy } from "./caching";
import { type AppEnv, readBeforeCursor } from "./context";
import { searchRebuilding } from "./search-rebuild-kick";

const readCursor = (c: Context<AppEnv>) => readBeforeCursor(c, "分页参数 before 无效，请从第一页重新浏览。");

/** A search page (not cached: one query among unbounded many) with a strong ETag of its bytes
 *  (SHA-256 of the string in hand): hono's etag() then only compares; without one it clones and
 *  re-reads the response stream to hash it. Error pages get no validator. */
async function htmlPage(
  c: Context<AppEnv>,
  page: HtmlEscapedString | Promise<HtmlEscapedString>,
  status: 200 | 400 = 200,
): Promise<Response> {
  // A JSX node's toString() is a promise when a component is async.
  const body = await (await page).toString();
  if (status === 200) {
    c.header("etag", `"${(await sha256Hex(body)).slice(0, 32)}"`);
    c.header("cache-control", cacheControl(cachePolicy(c.var.config.refreshIntervalMinutes)));
  }
  return c.html(body, status);
}

/** Sources per page of the directory. */
const DIRECTORY_PAGE_SIZE = 200;

/** A listing page's source: its props are what it is made of. */
function listingSource(c: Context<AppEnv>, props: Omit<Parameters<typeof Listing>[0], "config">): PageSource {
  return { parts: ["listing", props], render: () => Listing({ config: c.var.config, ...props }) };
}

/** The query parameters a listing page reads (its cache key keeps only these). */
const LISTING_PARAMS = ["before"];

export const pages = new Hono<AppEnv>()
  // The search page's validator: a strong ETag of the rendered page, compared by hono's etag.
  .use("/search", etag())
  .get("/", (c) =>
    servePage(c, LISTING_PARAMS, async () => {
      const { config, db } = c.var;
      const before = readCursor(c);
      const { nav, page } = await readListingPage(
        db,
        { kind: "all" },
        { before, limit: config.pageSize, grouped: config.storyGrouping },
      );
      return listingSource(c, {
        nav,
        page,
        basePath: homePath(),
        isFirstPage: before === null,
        heading: "最新文章",
        meta: {
          title: config.siteTitle,
          description: config.siteDescription,
          path: homePath(),
          noindex: before !== null,
          feeds: { title: config.siteTitle, paths: feedPaths({ kind: "all" }) },
        },
      });
    }),
  )
  .get("/search", async (c) => {
    const { config, db } = c.var;
    const query = (c.req.query("q") ?? "").trim();
    if (!query)
      return htmlPage(
        c,
        SearchPage({ config, nav: await getNav(db), query, terms: [], page: null, isFirstPage: true }),
      );
    const built = query.length <= MAX_QUERY_CHARS ? buildSearchQuery(query) : null;
    if (!built) {
      const error =
        query.length > MAX_QUERY_CHARS ? `搜索词最多 ${MAX_QUERY_CHARS} 个字。` : "搜索词需要包含文字或数字。";
      return htmlPage(
        c,
        SearchPage({
          config,
          nav: await getNav(db),
          query: query.slice(0, MAX_QUERY_CHARS),
          terms: [],
          page: null,
          isFirstPage: true,
          error,
        }),
        400,
      );
    }
    const before = readCursor(c);
    const [{ nav, page: found }, rebuilding] = await Promise.all([
      readSearchPage(db, { kind: "search", query, match: built.match }, { before, limit: config.pageSize }),
      searchRebuilding(db),
    ]);
    // The excerpt is cut from the body around the words found: archived ones are read back.
    const page = { ...found, items: await withBodies(archiveBucket(c.env), found.items) };
    return htmlPage(
      c,
      SearchPage({ config, nav, query, terms: built.terms, page, isFirstPage: before === null, rebuilding }),
    );
  })
  .get("/category", (c) => c.redirect(`${DIRECTORY_PATH}${new URL(c.req.url).search}`, 301))
  .get(DIRECTORY_PATH, (c) =>
    servePage(c, ["after"], async () => {
      const { config, db } = c.var;
      const afterParam = c.req.query("after");
      const after = afterParam === undefined ? 0 : /^[1-9][0-9]{0,15}$/.test(afterParam) ? Number(afterParam) : null;
      if (after === null) throw new BadRequestError("分页参数 after 无效，请从第一页重新浏览。");
      const { nav, entries, next } = await readDirectoryPage(db, after, DIRECTORY_PAGE_SIZE);
      const props = { nav, entries, next, isFirstPage: after === 0 };
      return { parts: ["directory", props], render: () => DirectoryPage({ config, ...props }) };
    }),
  )
  .get("/category/:file", (c) =>
    servePage(c, LISTING_PARAMS, async () => {
      const { config, db } = c.var;
      const slug = /^(.+)\.html$/.exec(c.req.param("file"))?.[1];
      if (!slug) throw new NotFoundError("没有这个新闻来源。");
      const before = readCursor(c);
      const { nav, source, page } = await readListingPage(
        db,
        { kind: "source", source: { slug } },
        { before, limit: config.pageSize, grouped: config.storyGrouping },
        { source: slug },
      );
      if (!source) throw new NotFoundError("没有这个新闻来源。");
      return listingSource(c, {
        nav,
        page,
        basePath: categoryPath(source.slug),
        isFirstPage: before === null,
        current: source,
        heading: source.label,
        intro: `来自${source.name}的本地新闻。`,
        meta: {
          title: source.label,
          description: `${source.name}的最新本地新闻`,
          path: categoryPath(source.slug),
          noindex: before !== null,
          feeds: { title: source.label, paths: feedPaths({ kind: "source", slug: source.slug }) },
        },
      });
    }),
  )
  .get("/tag/:tag", (c) =>
    servePage(c, LISTING_PARAMS, async () => {
      const { config, db } = c.var;
      const tag = c.req.param("tag");
      const before = readCursor(c);
      const { nav, exists, page } = await readListingPage(
        db,
        { kind: "tag", tag },
        { before, limit: config.pageSize, grouped: config.storyGrouping },
        { tag },
      );
      if (!exists) throw new NotFoundError("没有这个标签。");
      return listingSource(c, {
        nav,
        page,
        basePath: tagPath(tag),
        isFirstPage: before === null,
        heading: `标签：${tag}`,
        meta: {
          title: `标签：${tag}`,
          description: `带有“${tag}”标签的文章`,
          path: tagPath(tag),
          noindex: before !== null,
          feeds: { title: `标签：${tag}`, paths: feedPaths({ kind: "tag", tag }) },
        },
      });
    }),
  )
  .get("/:category/:yyyy{[0-9]{4}}/:mm{[0-9]{2}}/:dd{[0-9]{2}}/:file", (c) =>
    servePage(c, [], async () => {
      const { config, db } = c.var;
      const id = /^(.+)\.html$/.exec(c.req.param("file"))?.[1];
      if (!id || !isArticleId(id)) throw new NotFoundError("没有这篇文章。");
      const { nav, article, older, newer, others } = await readArticlePage(db, id);
      if (!article) throw new NotFoundError("没有这篇文章。");
      // The id alone identifies the article; any other category or date in the path is a
      // mistyped or outdated link, sent on to the one canonical address.
      const canonical = articlePath(article);
      if (new URL(c.req.url).pathname !== canonical) return c.redirect(canonical, 301);
      // The body is hashed already (its content hash, `version`): the tag need not hash it again.
      // Whether the image proxy is on changes the body's image addresses (article.source carries
      // the source's own setting). A reprint elsewhere changes the list of other sources.
      const parts = [
        "article",
        nav,
        { ...article, contentHtml: null },
        older,
        newer,
        others,
        config.imageProxy !== null,
      ];
      return {
        parts,
        render: async () => {
          // An archived body is read back from R2 only when the page is rendered.
          const full = await withBody(archiveBucket(c.env), article);
          // An opted-in source's images through the image proxy (the page links /img/ paths).
          const shown = await withProxiedImages(full, imageProxying(config.imageProxy, config.baseUrl, false));
          return ArticlePage({ config, nav, article: shown, older, newer, others });
        },
      };
    }),
  );
