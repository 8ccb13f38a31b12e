// /search: a form, and the matches newest first with the words highlighted.
import type { Config } from "../../config";
import type { Article, Paged, SiteNav } from "../../core/model";
import { encodeCursor } from "../../core/ids";
import { snippet } from "../../core/snippet";
import { htmlToText } from "../../core/text";
import { formatDisplay, toRfc3339 } from "../../core/time";
import { articlePath, categoryPath, feedPaths, withQuery } from "../../core/urls";
import { Layout } from "./layout";
import { FeedLinks, Pager, TagList } from "./listing";

export interface SearchPageProps {
  readonly config: Config;
  readonly nav: SiteNav;
  readonly query: string;
  readonly terms: readonly string[];
  readonly page: Paged<Article> | null;
  readonly isFirstPage: boolean;
  readonly error?: string;
  /** The search index is being rebuilt: older articles may not be found yet. */
  readonly rebuilding?: boolean;
}

const searchFeeds = (query: string) => feedPaths({ kind: "search", query });

function Highlighted({ text, terms, radius }: { text: string; terms: readonly string[]; radius: number }) {
  return <>{snippet(text, terms, radius).map((p) => (p.hit ? <mark>{p.text}</mark> : p.text))}</>;
}

export function SearchPage(p: SearchPageProps) {
  const path = p.query ? withQuery("/search", "q", p.query) : "/search";
  return (
    <Layout
      config={p.config}
      nav={p.nav}
      meta={{
        title: p.query ? `搜索：${p.query}` : "搜索",
        description: p.query ? `“${p.query}”的搜索结果` : "搜索本站文章",
        path,
        noindex: true,
        feeds: p.query && p.page ? { title: `搜索：${p.query}`, paths: searchFeeds(p.query) } : undefined,
      }}
    >
      <h1>{p.query ? `搜索：${p.query}` : "搜索"}</h1>
      <form class="search-form" action="/search" method="get" role="search">
        <label for="q">搜索词</label>
        <input id="q" name="q" type="search" value={p.query} maxlength={100} placeholder="例如：就业、社区服务" />
        <button type="submit">搜索</button>
      </form>
      {p.error ? (
        <p class="error" role="alert">
          {p.error}
        </p>
      ) : null}
      {p.page && p.rebuilding ? (
        <p class="notice" role="status">
          搜索索引正在更新，部分较早的文章暂时搜不到，稍后再搜即可找到。
        </p>
      ) : null}
      {p.page && p.page.items.length === 0 ? <p class="empty">没有找到包含“{p.query}”的文章。</p> : null}
      {p.page ? (
        <div class="article-list">
          {p.page.items.map((a) => (
            <article class="summary">
              <h2>
                <a href={articlePath(a)}>
                  <Highlighted text={a.title} terms={p.terms} radius={500} />
                </a>
              </h2>
              <p class="meta">
                <time datetime={toRfc3339(a.published)}>{formatDisplay(a.published)}</time>
                <span aria-hidden="true"> · </span>
                <a href={categoryPath(a.source.slug)}>{a.source.name}</a>
              </p>
              <p class="excerpt">
                <Highlighted text={htmlToText(a.contentHtml) || a.summary} terms={p.terms} radius={50} />
              </p>
              <TagList tags={a.tags} />
            </article>
          ))}
        </div>
      ) : null}
      {p.page && p.query ? <FeedLinks paths={searchFeeds(p.query)} /> : null}
      {p.page ? (
        <Pager
          first={p.isFirstPage ? null : { href: withQuery("/search", "q", p.query), text: "« 最新结果" }}
          next={
            p.page.next
              ? {
                  href: withQuery(withQuery("/search", "q", p.query), "before", encodeCursor(p.page.next)),
                  text: "更早的结果 »",
                }
              : null
          }
        />
      ) : null}
    </Layout>
  );
}
