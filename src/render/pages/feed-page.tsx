// A feed opened in a browser: the same listing as a readable page — what a feed is, its address to
// copy, one-click subscribe links for common readers, and its items. No script, no XSLT.
import type { Config } from "../../config";
import type { FeedDocument, SiteNav } from "../../core/model";
import type { FeedFormat } from "../../core/urls";
import { Layout } from "./layout";
import { ArticleSummary, Pager } from "./listing";

export const FEED_FORMAT_NAMES: Readonly<Record<FeedFormat, string>> = {
  atom: "Atom",
  rss: "RSS 2.0",
  json: "JSON Feed",
};

/** Web readers that take a feed by URL (their public subscribe links), in the order shown. */
const READERS: readonly { readonly name: string; readonly subscribe: (feedUrl: string) => string }[] = [
  { name: "Feedly", subscribe: (u) => `https://feedly.com/i/subscription/feed%2F${encodeURIComponent(u)}` },
  { name: "Inoreader", subscribe: (u) => `https://www.inoreader.com/?add_feed=${encodeURIComponent(u)}` },
  { name: "NewsBlur", subscribe: (u) => `https://www.newsblur.com/?url=${encodeURIComponent(u)}` },
  {
    name: "The Old Reader",
    subscribe: (u) => `https://theoldreader.com/feeds/subscribe?url=${encodeURIComponent(u)}`,
  },
];

export interface FeedPageProps {
  readonly config: Config;
  readonly nav: SiteNav;
  readonly format: FeedFormat;
  /** The feed as readers get it (items need no bodies here). */
  readonly doc: FeedDocument;
  /** This page's path and query: the feed's own address, relative. */
  readonly path: string;
}

/** A same-site absolute URL as a path, for links inside the page. */
const local = (doc: FeedDocument, url: string | undefined) =>
  url?.startsWith(`${doc.baseUrl}/`) ? url.slice(doc.baseUrl.length) : url;

export function FeedPage({ config, nav, format, doc, path }: FeedPageProps) {
  const formatName = FEED_FORMAT_NAMES[format];
  const first = doc.links?.first && doc.links.first !== doc.selfUrl ? local(doc, doc.links.first) : undefined;
  const next = local(doc, doc.links?.next);
  return (
    <Layout
      config={config}
      nav={nav}
      meta={{ title: `订阅源：${doc.title}`, description: doc.description, path, noindex: true }}
    >
      <p class="feed-notice">
        这是一个{formatName}
        订阅源（Feed）：给新闻阅读器读取的网址。把它添加到阅读器后，这里有新文章时阅读器会自动收到，不必反复打开网站。
      </p>
      <h1>{doc.title}</h1>
      <p class="intro">{doc.description}</p>
      <div class="search-form">
        <label for="feed-url">订阅地址（复制后粘贴到你的阅读器中）</label>
        <input id="feed-url" type="url" readonly value={doc.selfUrl} />
      </div>
      <p class="feeds">
        在常用阅读器中订阅：
        {READERS.map((r, i) => (
          <>
            {i > 0 ? <span aria-hidden="true"> · </span> : null}
            <a href={r.subscribe(doc.selfUrl)} rel="nofollow noopener">
              {r.name}
            </a>
          </>
        ))}
      </p>
      <p>
        <a href={local(doc, doc.homePageUrl)}>在网站上浏览 »</a>
      </p>
      {doc.items.length === 0 ? (
        <p class="empty">暂无文章。</p>
      ) : (
        <div class="article-list">{doc.items.map((a) => ArticleSummary({ article: a }))}</div>
      )}
      <Pager
        first={first ? { href: first, text: "« 最新文章" } : null}
        next={next ? { href: next, text: "更早的文章 »" } : null}
      />
    </Layout>
  );
}
