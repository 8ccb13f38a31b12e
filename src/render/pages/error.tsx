// The Chinese error page (404, 400, 500): says what happened and where to go next.
import type { Config } from "../../config";
import type { SiteNav } from "../../core/model";
import { homePath } from "../../core/urls";
import { Layout } from "./layout";

const HEADINGS: Record<number, string> = { 400: "请求有误", 404: "页面不存在", 500: "服务器出错了" };

export function ErrorPage({
  config,
  nav,
  status,
  message,
  path,
}: {
  config: Config;
  nav: SiteNav;
  status: number;
  message: string;
  path: string;
}) {
  const heading = HEADINGS[status] ?? "出错了";
  return (
    <Layout config={config} nav={nav} meta={{ title: heading, description: message, path, noindex: true }}>
      <h1>{heading}</h1>
      <p>{message}</p>
      <p>
        <a href={homePath()}>返回首页</a>
      </p>
    </Layout>
  );
}
