// The console's frame: the site's layout, the console's own navigation and sign-out button.
import type { Child } from "hono/jsx";
import type { Config } from "../../../config";
import { formatDisplay, instantIn } from "../../../core/time";
import { Layout } from "../layout";
import { errorMeaning } from "./fetch-error";

export const API_DOCS_PATH = "/api/v1/docs";

const LINKS = [
  ["/admin", "来源"],
  ["/admin/new", "添加来源"],
  ["/admin/opml", "导入 OPML"],
  [API_DOCS_PATH, "API 文档"],
] as const;

export function ConsoleShell(props: {
  config: Config;
  title: string;
  path: string;
  signedIn?: boolean;
  children?: Child;
}) {
  return Layout({
    config: props.config,
    nav: { sources: [], more: false },
    meta: { title: props.title, description: "管理控制台", path: props.path, noindex: true },
    children: (
      <div class="console">
        {props.signedIn === false ? null : (
          <nav class="console-nav" aria-label="控制台">
            <ul>
              {LINKS.map(([href, text]) => (
                <li>
                  <a href={href} aria-current={href === props.path ? "page" : undefined}>
                    {text}
                  </a>
                </li>
              ))}
              <li>
                <form method="post" action="/admin/sign-out">
                  <button type="submit">退出</button>
                </form>
              </li>
            </ul>
          </nav>
        )}
        {props.children}
      </div>
    ),
  });
}

/** A time in the source's zone, or a dash. */
export const when = (ms: number | null, tz: string) => (ms !== null && ms > 0 ? formatDisplay(instantIn(tz, ms)) : "—");

/** An error in Chinese with the technical detail beside it. */
export function FetchError({ technical }: { technical: string }) {
  return (
    <span class="error">
      {errorMeaning(technical)}
      <code class="detail">{technical}</code>
    </span>
  );
}

/** A message at the top of a page: what just happened. */
export function Notice({ kind, children }: { kind: "ok" | "error"; children?: Child }) {
  return (
    <p class={`notice notice-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </p>
  );
}

export const RESULT: Record<string, string> = { "200": "成功", "304": "未变化", error: "失败" };
export const KIND: Record<string, string> = { feed: "订阅源", html: "网页", json: "JSON 接口" };
