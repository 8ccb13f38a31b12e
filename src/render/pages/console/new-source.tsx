// /admin/new: paste an address → preview what would be stored → save under a suggested slug.
import type { Config } from "../../../config";
import { ConsoleShell, FetchError, Notice } from "./shell";
import { Errors, type FieldError } from "./source";

export interface NewSourceForm {
  readonly address: string;
  readonly name: string;
  readonly slug: string;
}

export interface PreviewView {
  /** The feed the preview read (the address itself, or the one the page advertised). */
  readonly feedUrl: string;
  /** The page the address was, when the feed was found on it; the other feeds it advertises. */
  readonly page: string | null;
  readonly others: readonly string[];
  readonly error: string | null;
  readonly items: readonly { title: string; published: string | null; url: string | null }[];
  readonly timezone: string;
}

/** "2026-12-06T10:00:00+08:00" → "2026-12-06 10:00 (+08:00)": the source's own wall clock. */
const shown = (rfc3339: string | null) =>
  rfc3339 ? rfc3339.replace(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?(.*)$/, "$1 $2（$3）") : "无日期";

export function NewSourcePage(props: {
  config: Config;
  form: NewSourceForm;
  errors: readonly FieldError[];
  preview?: PreviewView;
  message?: string;
}) {
  const { form, preview } = props;
  return ConsoleShell({
    config: props.config,
    title: "添加来源",
    path: "/admin/new",
    children: (
      <>
        <h1>添加来源</h1>
        {props.message ? <Notice kind="error">{props.message}</Notice> : null}
        <Errors errors={props.errors} />
        <form class="console-form" method="post" action="/admin/new">
          <p>
            <label for="n-address">网站或订阅源地址</label>
            <input id="n-address" name="address" type="url" required value={form.address} />
          </p>
          <p>
            <label for="n-name">名称</label>
            <input id="n-name" name="name" type="text" value={form.name} />
          </p>
          <p>
            <label for="n-slug">标识（网址中使用，可修改）</label>
            <input id="n-slug" name="slug" type="text" value={form.slug} pattern="[a-z0-9][a-z0-9_\-]{0,63}" />
          </p>
          <button type="submit" name="action" value="preview">
            预览
          </button>{" "}
          {preview && !preview.error ? (
            <button type="submit" name="action" value="save">
              保存
            </button>
          ) : null}
        </form>
        {preview ? (
          <section aria-labelledby="preview">
            <h2 id="preview">预览</h2>
            <p>
              订阅源：<code>{preview.feedUrl}</code>（日期按 {preview.timezone} 显示）
            </p>
            {preview.page ? (
              <p>
                该地址是网页，已选用它提供的订阅源。
                {preview.others.length ? (
                  <>
                    其他订阅源：
                    {preview.others.map((o) => (
                      <code class="detail">{o}</code>
                    ))}
                  </>
                ) : null}
              </p>
            ) : null}
            {preview.error ? (
              <Notice kind="error">
                该地址既不是订阅源，也没有找到可用的订阅源，未保存。
                <FetchError technical={preview.error} />
              </Notice>
            ) : preview.items.length === 0 ? (
              <p>订阅源中暂时没有条目。</p>
            ) : (
              <ol>
                {preview.items.map((i) => (
                  <li>
                    {i.title} <span class="date">{shown(i.published)}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
        ) : null}
      </>
    ),
  });
}
