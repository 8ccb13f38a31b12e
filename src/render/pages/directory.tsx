// /category/: every source (the site's categories) with its article count and newest update, a
// page at a time — the header links only the first few.
import type { Config } from "../../config";
import type { SiteNav } from "../../core/model";
import type { DirectoryEntry } from "../../core/model";
import { formatDisplay, instantIn } from "../../core/time";
import { DIRECTORY_PATH, categoryPath, withQuery } from "../../core/urls";
import { Layout } from "./layout";
import { Pager } from "./listing";

export interface DirectoryPageProps {
  readonly config: Config;
  readonly nav: SiteNav;
  readonly entries: readonly DirectoryEntry[];
  /** Id of the last source shown when more follow. */
  readonly next: number | null;
  readonly isFirstPage: boolean;
}

export function DirectoryPage({ config, nav, entries, next, isFirstPage }: DirectoryPageProps) {
  return (
    <Layout
      config={config}
      nav={nav}
      meta={{
        title: "全部来源",
        description: `${config.siteTitle}收录的全部新闻来源`,
        path: DIRECTORY_PATH,
        noindex: !isFirstPage,
      }}
    >
      <h1>全部来源</h1>
      {entries.length === 0 ? (
        <p class="empty">暂无新闻来源。</p>
      ) : (
        <ul class="directory">
          {entries.map((e) => (
            <li>
              <a href={categoryPath(e.slug)}>{e.name}</a>
              <span class="meta">
                {" "}
                {e.articleCount} 篇
                {e.lastUpdated ? `，最近更新 ${formatDisplay(instantIn(e.timezone, e.lastUpdated))}` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
      <Pager
        first={isFirstPage ? null : { href: DIRECTORY_PATH, text: "« 第一页" }}
        next={next !== null ? { href: withQuery(DIRECTORY_PATH, "after", String(next)), text: "更多来源 »" } : null}
      />
    </Layout>
  );
}
