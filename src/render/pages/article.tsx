// An article page: the sanitized body with its date, source, tags, original link and neighbours.
import { raw } from "hono/html";
import type { Config } from "../../config";
import type { Article, SiteNav, StoryLink } from "../../core/model";
import type { Neighbour } from "../../core/model";
import { formatDisplay, toRfc3339 } from "../../core/time";
import { articlePath, categoryPath, feedPaths, homePath } from "../../core/urls";
import { FeedLinks } from "./listing";
import { Layout, absoluteUrl } from "./layout";
import { TagList } from "./listing";
import { ArticleMedia } from "./media";

export interface ArticlePageProps {
  readonly config: Config;
  readonly nav: SiteNav;
  readonly article: Article;
  readonly older: Neighbour | null;
  readonly newer: Neighbour | null;
  /** Other papers' articles of the same story, oldest first. */
  readonly others?: readonly StoryLink[];
}

function newsArticleJsonLd(config: Config, a: Article): object {
  return {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    headline: a.title,
    description: a.summary || undefined,
    datePublished: toRfc3339(a.published),
    dateModified: toRfc3339(a.updated),
    inLanguage: "zh-CN",
    mainEntityOfPage: absoluteUrl(config, articlePath(a)),
    url: absoluteUrl(config, articlePath(a)),
    image: a.image ? [absoluteUrl(config, a.image)] : undefined,
    author: a.author ? { "@type": "Person", name: a.author } : { "@type": "Organization", name: a.source.name },
    publisher: { "@type": "NewsMediaOrganization", name: a.source.name },
    isBasedOn: a.originalUrl ?? undefined,
    keywords: a.tags.length ? a.tags.join(",") : undefined,
  };
}

/** The same story as other papers carried it: source, title and time (in the paper's zone). */
function StoryOthers({ others }: { others: readonly StoryLink[] }) {
  if (others.length === 0) return null;
  return (
    <section class="story-others" id="others" aria-labelledby="others-heading">
      <h2 id="others-heading">其他来源的同题报道</h2>
      <ul>
        {others.map((o) => (
          <li>
            <a href={categoryPath(o.source.slug)}>{o.source.name}</a>
            <span aria-hidden="true">：</span>
            <a href={articlePath(o)}>{o.title}</a>{" "}
            <time datetime={toRfc3339(o.published)}>{formatDisplay(o.published)}</time>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ArticlePage({ config, nav, article: a, older, newer, others = [] }: ArticlePageProps) {
  const neighbourLink = (n: Neighbour) => articlePath({ id: n.id, pathDate: n.pathDate, source: a.source });
  return (
    <Layout
      config={config}
      nav={nav}
      current={a.source}
      meta={{
        title: a.title,
        description: a.summary || `${a.source.name}：${a.title}`,
        path: articlePath(a),
        ogType: "article",
        image: a.image,
        jsonLd: newsArticleJsonLd(config, a),
        feeds: { title: a.source.label, paths: feedPaths({ kind: "source", slug: a.source.slug }) },
      }}
    >
      <article class="post">
        <header>
          <h1>{a.title}</h1>
          <p class="meta">
            <time datetime={toRfc3339(a.published)}>{formatDisplay(a.published)}</time>
            <span aria-hidden="true"> · </span>
            来源：<a href={categoryPath(a.source.slug)}>{a.source.name}</a>
            {a.author ? <span> · 作者：{a.author}</span> : null}
          </p>
          <TagList tags={a.tags} />
        </header>
        <div class="post-body">{raw(a.contentHtml)}</div>
        <ArticleMedia enclosures={a.enclosures} />
        {a.originalUrl ? (
          <p class="original">
            <a href={a.originalUrl} rel="noopener noreferrer nofollow">
              原文链接
            </a>
          </p>
        ) : null}
      </article>
      <StoryOthers others={others} />
      <nav class="post-nav" aria-label="相邻文章">
        {older ? (
          <p>
            上一篇：
            <a rel="prev" href={neighbourLink(older)}>
              {older.title}
            </a>
          </p>
        ) : null}
        {newer ? (
          <p>
            下一篇：
            <a rel="next" href={neighbourLink(newer)}>
              {newer.title}
            </a>
          </p>
        ) : null}
      </nav>
      <FeedLinks paths={feedPaths({ kind: "source", slug: a.source.slug })} />
      <p class="back">
        <a href={categoryPath(a.source.slug)}>返回{a.source.label}</a>
        <span aria-hidden="true">｜</span>
        <a href={homePath()}>返回首页</a>
      </p>
    </Layout>
  );
}
