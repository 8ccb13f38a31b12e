// /admin/sources/:slug: a source's settings (editable), its actions, recent fetches and articles.
import type { Config } from "../../../config";
import type { FetchLogEntry, SourceWithState } from "../../../core/model";
import { IMAGE_PROXY_KEY_NOT_SET } from "../../../core/image-proxy";
import { articlePath } from "../../../core/urls";
import { DataTable } from "../data-table";
import { ConsoleShell, FetchError, KIND, Notice, RESULT, when } from "./shell";
import { sourcePath } from "./sources";

/** The settings form's values as typed (kept when a save is refused). */
export interface SourceForm {
  readonly name: string;
  readonly label: string;
  readonly feed_url: string;
  readonly homepage: string;
  readonly timezone: string;
  readonly interval_minutes: string;
  readonly rules: string;
  /** "1" when the source's images go through the image proxy, else "0". */
  readonly proxy_images: string;
}

export function sourceForm(s: SourceWithState): SourceForm {
  return {
    name: s.name,
    label: s.label,
    feed_url: s.feedUrl ?? "",
    homepage: s.homepage ?? "",
    timezone: s.timezone,
    interval_minutes: String(s.intervalMinutes),
    rules: s.rules ? JSON.stringify(JSON.parse(s.rules), null, 2) : "",
    proxy_images: s.proxyImages ? "1" : "0",
  };
}

export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

const LABELS: Record<keyof SourceForm | "slug", string> = {
  slug: "标识",
  name: "名称",
  label: "标签",
  feed_url: "抓取地址",
  homepage: "网站首页",
  timezone: "时区",
  interval_minutes: "抓取间隔（分钟）",
  rules: "抓取规则（JSON）",
  proxy_images: "图片代理（防盗链）",
};

export function Errors({ errors }: { errors: readonly FieldError[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="notice notice-error" role="alert">
      <p>未保存：以下字段有误。</p>
      <ul>
        {errors.map((e) => (
          <li>
            {LABELS[e.field.split(".")[0] as keyof typeof LABELS] ?? "字段"} <code>{e.field}</code>：
            <code class="detail">{e.reason}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Field({ name, form, type = "text" }: { name: keyof SourceForm; form: SourceForm; type?: string }) {
  return (
    <p>
      <label for={`f-${name}`}>{LABELS[name]}</label>
      <input id={`f-${name}`} name={name} type={type} value={form[name]} />
    </p>
  );
}

export function SourcePage(props: {
  config: Config;
  source: SourceWithState;
  form: SourceForm;
  errors: readonly FieldError[];
  notice?: { kind: "ok" | "error"; text: string; detail?: string };
  log: readonly FetchLogEntry[];
  articles: readonly { id: string; pathDate: string; title: string; publishedAt: number }[];
}) {
  const { source: s, form } = props;
  const base = sourcePath(s.slug);
  const paused = s.state.pausedAt !== null || !s.enabled;
  return ConsoleShell({
    config: props.config,
    title: `来源：${s.name}`,
    path: base,
    children: (
      <>
        <h1>
          {s.name} <span class="slug">{s.slug}</span>
        </h1>
        {props.notice ? (
          <Notice kind={props.notice.kind}>
            {props.notice.text}
            {props.notice.detail ? <FetchError technical={props.notice.detail} /> : null}
          </Notice>
        ) : null}
        <p>
          类型：{KIND[s.kind]} · 状态：{paused ? "已暂停" : "正常"} · 连续失败 {s.state.errorCount} 次
          {s.state.lastError ? (
            <>
              {" "}
              · 最近错误：
              <FetchError technical={s.state.lastError} />
            </>
          ) : null}
        </p>
        <div class="console-actions">
          <form method="post" action={`${base}/refresh`}>
            <button type="submit">立即抓取</button>
          </form>
          <form method="post" action={`${base}/${paused ? "resume" : "pause"}`}>
            <button type="submit">{paused ? "恢复抓取" : "暂停抓取"}</button>
          </form>
          <a href={`${base}/delete`}>删除……</a>
        </div>
        <section aria-labelledby="settings">
          <h2 id="settings">设置</h2>
          <Errors errors={props.errors} />
          <form class="console-form" method="post" action={base}>
            <Field name="name" form={form} />
            <Field name="label" form={form} />
            <Field name="feed_url" form={form} type="url" />
            <Field name="homepage" form={form} type="url" />
            <Field name="timezone" form={form} />
            <Field name="interval_minutes" form={form} type="number" />
            <p>
              <label for="f-proxy_images">{LABELS.proxy_images}</label>
              <select id="f-proxy_images" name="proxy_images" aria-describedby="proxy-images-help">
                <option value="0" selected={form.proxy_images !== "1"}>
                  关闭：文章图片直接从原网站加载
                </option>
                <option value="1" selected={form.proxy_images === "1"}>
                  开启：图片经本站 /img/ 代理，以原文页面为 Referer 抓取
                </option>
              </select>
              <small id="proxy-images-help">
                适用于拒绝其他网站引用图片（按 Referer 防盗链）的报纸。
                {props.config.imageProxy ? null : <strong class="error"> {IMAGE_PROXY_KEY_NOT_SET}</strong>}
              </small>
            </p>
            {s.kind === "feed" ? null : (
              <p>
                <label for="f-rules">{LABELS.rules}</label>
                <textarea id="f-rules" name="rules" rows={12}>
                  {form.rules}
                </textarea>
              </p>
            )}
            <button type="submit">保存设置</button>
          </form>
        </section>
        <section aria-labelledby="fetches">
          <h2 id="fetches">最近 {props.log.length} 次抓取</h2>
          {props.log.length === 0 ? (
            <p>尚无抓取记录。</p>
          ) : (
            <DataTable columns={["时间", "结果", "新增", "更新", "未变", "错误"]}>
              {props.log.map((f) => (
                <tr>
                  <td>{when(f.at, s.timezone)}</td>
                  <td>{RESULT[f.status]}</td>
                  <td>{f.new}</td>
                  <td>{f.updated}</td>
                  <td>{f.unchanged}</td>
                  <td>{f.error ? <FetchError technical={f.error} /> : "—"}</td>
                </tr>
              ))}
            </DataTable>
          )}
        </section>
        <section aria-labelledby="articles">
          <h2 id="articles">最新文章</h2>
          {props.articles.length === 0 ? (
            <p>尚无文章。</p>
          ) : (
            <ul>
              {props.articles.map((a) => (
                <li>
                  <a href={articlePath({ id: a.id, pathDate: a.pathDate, source: { slug: s.slug } })}>{a.title}</a>{" "}
                  <span class="date">{when(a.publishedAt, s.timezone)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </>
    ),
  });
}

export function DeletePage(props: { config: Config; source: SourceWithState; articles: number }) {
  const base = sourcePath(props.source.slug);
  return ConsoleShell({
    config: props.config,
    title: `删除来源：${props.source.name}`,
    path: `${base}/delete`,
    children: (
      <section class="console-form">
        <h1>删除来源“{props.source.name}”？</h1>
        <p>
          将同时删除该来源的 <strong>{props.articles}</strong> 篇文章，此操作无法撤销。
        </p>
        <form method="post" action={`${base}/delete`}>
          <button type="submit">确认删除</button> <a href={base}>取消</a>
        </form>
      </section>
    ),
  });
}
