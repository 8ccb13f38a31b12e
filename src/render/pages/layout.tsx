// The HTML shell every page shares: head metadata, header with categories, main, footer.
import { html, raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { Config } from "../../config";
import type { NavSource, SiteNav } from "../../core/model";
import {
  DIRECTORY_PATH,
  FAVICON_PATH,
  type FeedPaths,
  STYLESHEET_PATH,
  categoryPath,
  feedPaths,
  homePath,
} from "../../core/urls";

export interface PageMeta {
  readonly title: string;
  readonly description: string;
  /** Path of this page's canonical URL, e.g. "/category/guilinwanbao.html". */
  readonly path: string;
  readonly ogType?: "website" | "article";
  readonly image?: string | null;
  readonly jsonLd?: object;
  readonly noindex?: boolean;
  /** The feeds of this page's listing, advertised in <head>. */
  readonly feeds?: { readonly title: string; readonly paths: FeedPaths };
}

export interface LayoutProps {
  readonly config: Config;
  readonly meta: PageMeta;
  readonly nav: SiteNav;
  /** The source this page belongs to: marked in the header, and added to it when it is not
   *  among the first sources. */
  readonly current?: NavSource;
  readonly children?: Child;
}

/** JSON for a <script type="application/ld+json"> block: "<" escaped so it cannot close the tag. */
function jsonForScript(value: object): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export function absoluteUrl(config: Config, path: string): string {
  return /^https?:\/\//.test(path) ? path : `${config.baseUrl}${path}`;
}

// The shell is in every page: hono's html template (escaping each value as JSX does) renders it
// in a third of the time JSX takes. Void elements keep JSX's "/>" so the markup is unchanged.
export function Layout({ config, meta, nav, current, children }: LayoutProps) {
  const sources =
    current && !nav.sources.some((s) => s.slug === current.slug) ? [...nav.sources, current] : nav.sources;
  const fullTitle = meta.path === homePath() ? config.siteTitle : `${meta.title} - ${config.siteTitle}`;
  const canonical = absoluteUrl(config, meta.path);
  const feeds = (meta.feeds ? [meta.feeds] : []).concat(
    meta.path === homePath() ? [] : [{ title: config.siteTitle, paths: feedPaths({ kind: "all" }) }],
  );
  return html`<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>${fullTitle}</title><meta name="description" content="${meta.description}"/>${
    meta.noindex ? html`<meta name="robots" content="noindex"/>` : ""
  }<link rel="canonical" href="${canonical}"/><meta name="color-scheme" content="light dark"/><meta property="og:site_name" content="${config.siteTitle}"/><meta property="og:locale" content="zh_CN"/><meta property="og:type" content="${meta.ogType ?? "website"}"/><meta property="og:title" content="${meta.title}"/><meta property="og:description" content="${meta.description}"/><meta property="og:url" content="${canonical}"/>${
    meta.image ? html`<meta property="og:image" content="${absoluteUrl(config, meta.image)}"/>` : ""
  }<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml"/>${feeds.map(
    (f) =>
      html`<link rel="alternate" type="application/atom+xml" title="${f.title} (Atom)" href="${absoluteUrl(config, f.paths.atom)}"/><link rel="alternate" type="application/rss+xml" title="${f.title} (RSS)" href="${absoluteUrl(config, f.paths.rss)}"/><link rel="alternate" type="application/feed+json" title="${f.title} (JSON Feed)" href="${absoluteUrl(config, f.paths.json)}"/>`,
  )}<link rel="stylesheet" href="${STYLESHEET_PATH}"/>${
    meta.jsonLd ? html`<script type="application/ld+json">${raw(jsonForScript(meta.jsonLd))}</script>` : ""
  }</head><body><a class="skip" href="#main">跳到正文</a><header class="site-header"><p class="site-title"><a href="${homePath()}">${config.siteTitle}</a></p><nav aria-label="新闻来源"><ul class="sources">${sources.map(
    (s) =>
      html`<li><a href="${categoryPath(s.slug)}"${current?.slug === s.slug ? raw(' aria-current="page"') : ""}>${s.name}</a></li>`,
  )}${
    nav.more
      ? html`<li><a href="${DIRECTORY_PATH}"${meta.path === DIRECTORY_PATH ? raw(' aria-current="page"') : ""}>全部来源</a></li>`
      : ""
  }</ul></nav><form class="site-search" action="/search" method="get" role="search"><input name="q" type="search" aria-label="搜索本站" placeholder="搜索" maxlength="100"/><button type="submit">搜索</button></form></header><main id="main">${children}</main><footer class="site-footer"><p>${config.siteDescription}。文章版权归原作者及原发布媒体所有，每篇文章均注明来源并链接原文。 <a href="/api/v1/docs">API 文档</a></p></footer></body></html>`;
}
