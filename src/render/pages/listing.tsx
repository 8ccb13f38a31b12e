// A listing page: home, a category or a tag — newest first, keyset-paginated.
import type { Config } from "../../config";
import type { Article, Page, Source } from "../../core/model";
import { encodeCursor } from "../../core/ids";
import { formatDisplay, toRfc3339 } from "../../core/time";
import { type FeedPaths, articlePath, categoryPath, tagPath, withQuery } from "../../core/urls";
import { Layout, type PageMeta } from "./layout";

export interface ListingProps {
  readonly config: Config;
  readonly sources: readonly Source[];
  readonly meta: PageMeta;
  readonly heading: string;
  readonly intro?: string;
  readonly current?: string;
  readonly page: Page<Article>;
  /** Path of the listing's first page; pagination links are built on it. */
  readonly basePath: string;
  readonly isFirstPage: boolean;
}

export function ArticleSummary({ article }: { article: Article }) {
  return (
    <article class="summary">
      <h2>
        <a href={articlePath(article)}>{article.title}</a>
      </h2>
      <p class="meta">
        <time datetime={toRfc3339(article.published)}>{formatDisplay(article.published)}</time>
        <span aria-hidden="true"> · </span>
        <a href={categoryPath(article.source.slug)}>{article.source.name}</a>
      </p>
      {article.summary ? <p class="excerpt">{article.summary}</p> : null}
      <TagList tags={article.tags} />
    </article>
  );
}

export function TagList({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return null;
  return (
    <ul class="tags" aria-label="标签">
      {tags.map((t) => (
        <li>
          <a href={tagPath(t)} rel="tag">{t}</a>
        </li>
      ))}
    </ul>
  );
}

export function FeedLinks({ paths }: { paths: FeedPaths }) {
  return (
    <p class="feeds">
      订阅本页：<a href={paths.atom} type="application/atom+xml">Atom</a>
      <span aria-hidden="true"> · </span>
      <a href={paths.rss} type="application/rss+xml">RSS</a>
      <span aria-hidden="true"> · </span>
      <a href={paths.json} type="application/feed+json">JSON Feed</a>
    </p>
  );
}

export function Listing(p: ListingProps) {
  return (
    <Layout config={p.config} meta={p.meta} sources={p.sources} current={p.current}>
      <h1>{p.heading}</h1>
      {p.intro ? <p class="intro">{p.intro}</p> : null}
      {p.page.items.length === 0 ? (
        <p class="empty">暂无文章。</p>
      ) : (
        <div class="article-list">
          {p.page.items.map((a) => (
            <ArticleSummary article={a} />
          ))}
        </div>
      )}
      {p.meta.feeds ? <FeedLinks paths={p.meta.feeds.paths} /> : null}
      <nav class="pager" aria-label="分页">
        {p.isFirstPage ? null : <a href={p.basePath}>« 最新文章</a>}
        {p.page.next ? (
          <a rel="next" href={withQuery(p.basePath, "before", encodeCursor(p.page.next))}>
            更早的文章 »
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}
