// /admin/opml: import sources from an OPML file or pasted text; a row per outline.
import type { Config } from "../../../config";
import { DataTable } from "../data-table";
import { ConsoleShell, Notice } from "./shell";

export interface OpmlResult {
  readonly title: string;
  readonly xmlUrl: string | null;
  readonly outcome: "added" | "present" | "invalid";
  readonly slug?: string;
  readonly reason?: string;
}

const OUTCOME = { added: "已添加", present: "已存在", invalid: "无效" } as const;

export function OpmlPage(props: {
  config: Config;
  text: string;
  error?: { text: string; detail: string };
  results?: readonly OpmlResult[];
}) {
  const added = props.results?.filter((r) => r.outcome === "added").length ?? 0;
  return ConsoleShell({
    config: props.config,
    title: "导入 OPML",
    path: "/admin/opml",
    children: (
      <>
        <h1>导入 OPML</h1>
        {props.error ? (
          <Notice kind="error">
            {props.error.text}
            <code class="detail">{props.error.detail}</code>
          </Notice>
        ) : null}
        {props.results ? (
          <Notice kind="ok">
            共 {props.results.length} 项，新增 {added} 个来源。
          </Notice>
        ) : null}
        <p>
          最多 1000 项。文档无效时不会做任何改动。<a href="/admin/sources.opml">导出全部来源（OPML）</a>
        </p>
        <form class="console-form" method="post" action="/admin/opml" enctype="multipart/form-data">
          <p>
            <label for="o-file">上传 OPML 文件</label>
            <input id="o-file" name="file" type="file" accept=".opml,.xml,text/x-opml,text/xml" />
          </p>
          <p>
            <label for="o-text">或粘贴 OPML 文本</label>
            <textarea id="o-text" name="text" rows={10}>
              {props.text}
            </textarea>
          </p>
          <button type="submit">导入</button>
        </form>
        {props.results ? (
          <DataTable caption="导入结果" columns={["名称", "订阅地址", "结果"]}>
            {props.results.map((r) => (
              <tr>
                <td>{r.slug ? <a href={`/admin/sources/${r.slug}`}>{r.title || r.slug}</a> : r.title || "—"}</td>
                <td>{r.xmlUrl ?? "—"}</td>
                <td>
                  {OUTCOME[r.outcome]}
                  {r.reason ? <code class="detail">{r.reason}</code> : null}
                </td>
              </tr>
            ))}
          </DataTable>
        ) : null}
      </>
    ),
  });
}
