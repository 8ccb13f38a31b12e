// /admin: every source's health, a page at a time, filtered by name/slug and state.
import type { Config } from "../../../config";
import type { ConsoleSourcePage, ConsoleSourceState } from "../../../core/model";
import { ConsoleShell, FetchError, KIND, Notice, RESULT, when } from "./shell";
import { DataTable } from "../data-table";
import { Sparkline } from "./sparkline";

const STATES: readonly (readonly [ConsoleSourceState, string])[] = [
  ["all", "全部"],
  ["failing", "抓取失败"],
  ["paused", "已暂停"],
  ["never", "从未抓取"],
];

export function sourcePath(slug: string) {
  return `/admin/sources/${encodeURIComponent(slug)}`;
}

export function SourcesPage(props: {
  config: Config;
  page: ConsoleSourcePage;
  q: string;
  state: ConsoleSourceState;
  now: number;
  notice?: string;
}) {
  const { page, q, state, now } = props;
  const next = page.next
    ? `/admin?${new URLSearchParams({ ...(q ? { q } : {}), ...(state !== "all" ? { state } : {}), after: String(page.next) })}`
    : null;
  return ConsoleShell({
    config: props.config,
    title: "来源管理",
    path: "/admin",
    children: (
      <>
        <h1>来源管理</h1>
        {props.notice ? <Notice kind="ok">{props.notice}</Notice> : null}
        <p>
          <a href="/admin/new">添加来源</a> · <a href="/admin/opml">导入 OPML</a> ·{" "}
          <a href="/admin/sources.opml">导出 OPML</a>
        </p>
        <form class="console-filter" method="get" action="/admin" role="search">
          <label for="q">名称或标识</label>
          <input id="q" name="q" type="search" value={q} maxlength={100} />
          <label for="state">状态</label>
          <select id="state" name="state">
            {STATES.map(([value, text]) => (
              <option value={value} selected={value === state}>
                {text}
              </option>
            ))}
          </select>
          <button type="submit">筛选</button>
        </form>
        {page.rows.length === 0 ? (
          <p>没有符合条件的来源。</p>
        ) : (
          <DataTable
            variant="console-sources"
            caption={`来源（本页 ${page.rows.length} 个）`}
            columns={["名称", "类型", "上次抓取", "结果", "连续失败", "下次抓取", "近 7 天", "近 30 天"]}
          >
            {page.rows.map((s) => {
              const paused = s.pausedAt !== null || !s.enabled;
              const week = s.perDay.slice(-7).reduce((a, b) => a + b, 0);
              return (
                <tr>
                  <th scope="row">
                    <a href={sourcePath(s.slug)}>{s.name}</a> <span class="slug">{s.slug}</span>
                  </th>
                  <td>{KIND[s.kind]}</td>
                  <td>{when(s.lastFetchAt, s.timezone)}</td>
                  <td>
                    {s.lastStatus ? RESULT[s.lastStatus] : "从未抓取"}
                    {s.lastError ? <FetchError technical={s.lastError} /> : null}
                  </td>
                  <td>{s.errorCount}</td>
                  <td>{paused ? "已暂停" : !s.hasFeed ? "—" : when(Math.max(s.nextFetchAt, now), s.timezone)}</td>
                  <td>{week}</td>
                  <td>
                    <Sparkline perDay={s.perDay} />
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
        {next ? (
          <p>
            <a href={next} rel="next">
              下一页
            </a>
          </p>
        ) : null}
      </>
    ),
  });
}
