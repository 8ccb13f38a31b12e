// A listing page: home, a category or a tag — newest first, keyset-paginated.
import { html, raw } from "hono/html";
import type { Config } from "../../config";
import type { ArticleBrief, NavSource, Paged, SiteNav } from "../../core/model";
import { encodeCursor } from "../../core/ids";
import { formatDisplay, toRfc3339 } from "../../core/time";
import { type FeedPaths, articlePath, categoryPath, tagPath, withQuery } from "../../core/urls";
import { Layout, type PageMeta } from "./layout";

export interface ListingProps {
  readonly config: Config;
  readonly nav: SiteNav;
  readonly meta: PageMeta;
  readonly heading: string;
  readonly intro?: string;
  readonly current?: NavSource;
  readonly page: Paged<ArticleBrief>;
  /** Path of the listing's first page; pagination links are built on it. */
  readonly basePath: string;
  readonly isFirstPage: boolean;
}

// A listing repeats these twenty times a page: hono's html templates (which escape every value
// as its JSX does) render them in about a third of the time JSX takes.
export function ArticleSummary({ article: a }: { article: ArticleBrief }) {
  return html`<article class="summary"><h2><a href="${articlePath(a)}">${a.title}</a></h2><p class="meta"><time datetime="${toRfc3339(a.published)}">${formatDisplay(a.published)}</time><span aria-hidden="true"> · </span><a href="${categoryPath(a.source.slug)}">${a.source.name}</a>${a.storyOthers ? html`<span aria-hidden="true"> · </span><a class="story-others" href="${articlePath(a)}#others">另有 ${a.storyOthers} 家来源</a>` : ""}</p>${a.summary ? html`<p class="excerpt">${a.summary}</p>` : ""}${TagList({ tags: a.tags })}</article>`;
}

export function TagList({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return raw("");
  return html`<ul class="tags" aria-label="标签">${tags.map((t) => html`<li><a href="${tagPath(t)}" rel="tag">${t}</a></li>`)}</ul>`;
}

export function FeedLinks({ paths }: { paths: FeedPaths }) {
  return (
    <p class="feeds">
      订阅本页：
      <a href={paths.atom} type="application/atom+xml">
        Atom
      </a>
      <span aria-hidden="true"> · </span>
      <a href={paths.rss} type="application/rss+xml">
        RSS
      </a>
      <span aria-hidden="true"> · </span>
      <a href={paths.json} type="application/feed+json">
        JSON Feed
      </a>
    </p>
  );
}

interface PagerLink {
  readonly href: string;
  readonly text: string;
}

/** Keyset paging: back to the first page (unless on it), on to the next (when there is one). */
export function Pager({ first, next }: { first: PagerLink | null; next: PagerLink | null }) {
  return (
    <nav class="pager" aria-label="分页">
      {first ? <a href={first.href}>{first.text}</a> : null}
      {next ? (
        <a rel="next" href={next.href}>
          {next.text}
        </a>
      ) : null}
    </nav>
  );
}

export function Listing(p: ListingProps) {
  return (
    <Layout config={p.config} meta={p.meta} nav={p.nav} current={p.current}>
      <h1>{p.heading}</h1>
      {p.intro ? <p class="intro">{p.intro}</p> : null}
      {p.page.items.length === 0 ? (
        <p class="empty">暂无文章。</p>
      ) : (
        <div class="article-list">{p.page.items.map((a) => ArticleSummary({ article: a }))}</div>
      )}
      {p.meta.feeds ? <FeedLinks paths={p.meta.feeds.paths} /> : null}
      <Pager
        first={p.isFirstPage ? null : { href: p.basePath, text: "« 最新文章" }}
        next={
          p.page.next
            ? { href: withQuery(p.basePath, "before", encodeCursor(p.page.next)), text: "更早的文章 »" }
            : null
        }
      />
    </Layout>
  );
}
