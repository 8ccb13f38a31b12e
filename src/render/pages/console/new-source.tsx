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
  /** The address is neither a feed nor a page advertising one (`error` says what was tried). */
  readonly notFeed: boolean;
  readonly error: string | null;
  /** The feed's own title, as it would be read. */
  readonly title: string | null;
  /** The encoding the feed was read in, and where that was found (ingest/decode.ts's `by`). */
  readonly encoding: { readonly encoding: string; readonly by: string } | null;
  readonly items: readonly { title: string; published: string | null; url: string | null }[];
  readonly timezone: string;
}

/** Where an encoding was found, for the operator. */
const ENCODING_FROM: Record<string, string> = {
  bom: "字节顺序标记（BOM）",
  "content-type": "HTTP 响应头 Content-Type",
  "xml-declaration": "XML 声明",
  meta: "网页的 <meta charset>",
  "utf-8-bytes": "内容本身是 UTF-8（与声明的编码不符，按内容）",
  sniffed: "未声明，按内容识别",
  default: "未声明，按 UTF-8",
};

/** "gb18030" → "GB18030"; "utf-8" → "UTF-8". */
const encodingName = (e: string) => e.toUpperCase();

/** "2026-12-06T10:00:00+08:00" → "2026-12-06 10:00（+08:00）": the source's own wall clock (the dry
 *  run writes RFC 3339 with seconds, in the source's offset). */
const shown = (rfc3339: string | null) =>
  rfc3339 ? rfc3339.replace(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d):\d\d(?:\.\d+)?(.*)$/, "$1 $2（$3）") : "无日期";

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
                该地址是网页（<code>{preview.page}</code>），已选用它提供的订阅源
                {preview.others.length ? (
                  <>
                    ；它还提供了 {preview.others.length} 个：
                    {preview.others.map((o) => (
                      <code class="detail">{o}</code>
                    ))}
                  </>
                ) : null}
                。
              </p>
            ) : null}
            {preview.error ? null : (
              <dl>
                <dt>标题</dt>
                <dd>{preview.title ?? "（订阅源没有标题）"}</dd>
                <dt>编码</dt>
                <dd>
                  {preview.encoding
                    ? `${encodingName(preview.encoding.encoding)}（${ENCODING_FROM[preview.encoding.by] ?? preview.encoding.by}）`
                    : "—"}
                </dd>
              </dl>
            )}
            {preview.notFeed ? (
              <Notice kind="error">
                该地址既不是订阅源，也不是提供订阅源的网页，未保存。
                <code class="detail">{preview.error}</code>
              </Notice>
            ) : preview.error ? (
              <Notice kind="error">
                无法预览，未保存：
                <FetchError technical={preview.error} />
              </Notice>
            ) : preview.items.length === 0 ? (
              <p>订阅源中暂时没有条目。</p>
            ) : (
              <ol aria-label="前 5 条">
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
